/**
 * Validation of lobby → client control messages. {@link validateServerMessage}
 * turns an untrusted decoded value into a {@link ServerMessage} with a fixed
 * key order (used both on decode and, for determinism, on encode).
 *
 * @module
 */

import {
  expectArray,
  expectBoolean,
  expectEnum,
  expectInteger,
  expectNumber,
  expectRecord,
  expectString,
  invalid,
  optional,
  own,
  UINT16_MAX,
  UINT32_MAX,
} from '../codecs/validate.js';
import { validateControl } from './client-messages.js';
import {
  expectIceServers,
  expectId,
  expectLobbyLimits,
  expectMember,
  expectMetadata,
  expectPeerIndex,
  expectRequestId,
  expectRoomInfo,
  expectRoomSummary,
  expectSignal,
  expectTicket,
  expectToken,
  METADATA_KEY_PATTERN,
} from './fields.js';
import {
  MAX_ERROR_MESSAGE_LENGTH,
  MAX_METADATA_KEY_LENGTH,
  MAX_ROOM_CAPACITY,
  MAX_ROOMS_LISTED,
} from './limits.js';
import { ServerMessageType } from './message-types.js';
import type {
  ErrorMessage,
  HostChangeMessage,
  IceServersMessage,
  PongMessage,
  PresenceBackMessage,
  PresenceJoinMessage,
  PresenceLeaveMessage,
  PresenceReconnectingMessage,
  RoomJoinedMessage,
  RoomLeftMessage,
  RoomListResultMessage,
  RoomMetadataMessage,
  ServerMessage,
  ServerPushMessage,
  ServerSignalMessage,
  WelcomeMessage,
} from './types.js';
import { LEAVE_REASONS } from './types.js';

type Validator = (record: Record<string, unknown>) => ServerMessage;

function welcome(r: Record<string, unknown>): WelcomeMessage {
  const restored = optional(own(r, 'restored'), (v) => expectBoolean(v, 'welcome.restored'));
  const m: WelcomeMessage = {
    type: 'welcome',
    requestId: expectRequestId(own(r, 'requestId'), 'welcome.requestId'),
    protocolVersion: expectInteger(own(r, 'protocolVersion'), 'welcome.protocolVersion', 1, UINT16_MAX),
    playerId: expectId(own(r, 'playerId'), 'welcome.playerId'),
    sessionToken: expectToken(own(r, 'sessionToken'), 'welcome.sessionToken'),
    resumed: expectBoolean(own(r, 'resumed'), 'welcome.resumed'),
    iceServers: expectIceServers(own(r, 'iceServers'), 'welcome.iceServers'),
    limits: expectLobbyLimits(own(r, 'limits'), 'welcome.limits'),
  };
  if (restored !== undefined) m.restored = restored;
  const signalLanes = optional(own(r, 'signalLanes'), (v) => expectBoolean(v, 'welcome.signalLanes'));
  if (signalLanes === true) m.signalLanes = true;
  return m;
}

function roomJoined(r: Record<string, unknown>): RoomJoinedMessage {
  const requestId = optional(own(r, 'requestId'), (v) => expectRequestId(v, 'room:joined.requestId'));
  const you = expectRecord(own(r, 'you'), 'room:joined.you');
  const m: RoomJoinedMessage = {
    type: 'room:joined',
    ...(requestId === undefined ? {} : { requestId }),
    room: expectRoomInfo(own(r, 'room'), 'room:joined.room'),
    you: { peerIndex: expectPeerIndex(own(you, 'peerIndex'), 'room:joined.you.peerIndex') },
    members: expectArray(own(r, 'members'), 'room:joined.members', MAX_ROOM_CAPACITY - 1).map((v, i) =>
      expectMember(v, `room:joined.members[${i}]`),
    ),
  };
  const ticket = optional(own(r, 'ticket'), (v) => expectTicket(v, 'room:joined.ticket'));
  if (ticket !== undefined) m.ticket = ticket;
  const restored = optional(own(r, 'restored'), (v) => expectBoolean(v, 'room:joined.restored'));
  if (restored !== undefined) m.restored = restored;
  return m;
}

function roomListResult(r: Record<string, unknown>): RoomListResultMessage {
  const m: RoomListResultMessage = {
    type: 'room:list-result',
    requestId: expectRequestId(own(r, 'requestId'), 'room:list-result.requestId'),
    rooms: expectArray(own(r, 'rooms'), 'room:list-result.rooms', MAX_ROOMS_LISTED).map((v, i) =>
      expectRoomSummary(v, `room:list-result.rooms[${i}]`),
    ),
  };
  const total = optional(own(r, 'total'), (v) => expectInteger(v, 'room:list-result.total', 0, UINT32_MAX));
  if (total !== undefined) m.total = total;
  return m;
}

function roomLeft(r: Record<string, unknown>): RoomLeftMessage {
  const requestId = optional(own(r, 'requestId'), (v) => expectRequestId(v, 'room:left.requestId'));
  return {
    type: 'room:left',
    ...(requestId === undefined ? {} : { requestId }),
    reason: expectEnum(own(r, 'reason'), 'room:left.reason', LEAVE_REASONS),
  };
}

function presenceJoin(r: Record<string, unknown>): PresenceJoinMessage {
  const m: PresenceJoinMessage = {
    type: 'presence:join',
    member: expectMember(own(r, 'member'), 'presence:join.member'),
  };
  const ticket = optional(own(r, 'ticket'), (v) => expectTicket(v, 'presence:join.ticket'));
  if (ticket !== undefined) m.ticket = ticket;
  return m;
}

function presenceLeave(r: Record<string, unknown>): PresenceLeaveMessage {
  const m: PresenceLeaveMessage = {
    type: 'presence:leave',
    playerId: expectId(own(r, 'playerId'), 'presence:leave.playerId'),
    reason: expectEnum(own(r, 'reason'), 'presence:leave.reason', LEAVE_REASONS),
  };
  const ticket = optional(own(r, 'ticket'), (v) => expectTicket(v, 'presence:leave.ticket'));
  if (ticket !== undefined) m.ticket = ticket;
  return m;
}

function presenceReconnecting(r: Record<string, unknown>): PresenceReconnectingMessage {
  return {
    type: 'presence:reconnecting',
    playerId: expectId(own(r, 'playerId'), 'presence:reconnecting.playerId'),
  };
}

function presenceBack(r: Record<string, unknown>): PresenceBackMessage {
  return { type: 'presence:back', playerId: expectId(own(r, 'playerId'), 'presence:back.playerId') };
}

function hostChange(r: Record<string, unknown>): HostChangeMessage {
  return { type: 'host:change', hostId: expectId(own(r, 'hostId'), 'host:change.hostId') };
}

function roomMetadata(r: Record<string, unknown>): RoomMetadataMessage {
  const requestId = optional(own(r, 'requestId'), (v) => expectRequestId(v, 'room:metadata.requestId'));
  return {
    type: 'room:metadata',
    ...(requestId === undefined ? {} : { requestId }),
    metadata: expectMetadata(own(r, 'metadata'), 'room:metadata.metadata'),
  };
}

function signal(r: Record<string, unknown>): ServerSignalMessage {
  return {
    type: 'signal',
    from: expectId(own(r, 'from'), 'signal.from'),
    signal: expectSignal(own(r, 'signal'), 'signal.signal'),
  };
}

function error(r: Record<string, unknown>): ErrorMessage {
  const requestId = optional(own(r, 'requestId'), (v) => expectRequestId(v, 'error.requestId'));
  return {
    type: 'error',
    ...(requestId === undefined ? {} : { requestId }),
    code: expectInteger(own(r, 'code'), 'error.code', 1, UINT16_MAX),
    message: expectString(own(r, 'message'), 'error.message', MAX_ERROR_MESSAGE_LENGTH),
    ...optionalRedirect(own(r, 'redirect')),
  };
}

/** Longest redirect URL. */
const MAX_REDIRECT_URL_LENGTH = 2048;

function optionalRedirect(value: unknown): { redirect?: ErrorMessage['redirect'] } {
  if (value === undefined) return {};
  const r = expectRecord(value, 'error.redirect');
  const url = expectString(own(r, 'url'), 'error.redirect.url', MAX_REDIRECT_URL_LENGTH, 1);
  if (!/^wss?:\/\/[^\s/]+/.test(url)) invalid('error.redirect.url', 'expected a ws: or wss: URL');
  const roomId = optional(own(r, 'roomId'), (v) => expectId(v, 'error.redirect.roomId'));
  return { redirect: { url, ...(roomId === undefined ? {} : { roomId }) } };
}

function iceServersMessage(r: Record<string, unknown>): IceServersMessage {
  return {
    type: 'ice:servers',
    iceServers: expectIceServers(own(r, 'iceServers'), 'ice:servers.iceServers'),
  };
}

const PUSH_SCOPES = ['room', 'player'] as const;

function serverPush(r: Record<string, unknown>): ServerPushMessage {
  const topic = expectString(own(r, 'topic'), 'server:message.topic', MAX_METADATA_KEY_LENGTH, 1);
  if (!METADATA_KEY_PATTERN.test(topic)) invalid('server:message.topic', 'expected [A-Za-z0-9_.:-]');
  return {
    type: 'server:message',
    scope: expectEnum(own(r, 'scope'), 'server:message.scope', PUSH_SCOPES),
    topic,
    data: expectMetadata(own(r, 'data'), 'server:message.data'),
  };
}

function pong(r: Record<string, unknown>): PongMessage {
  return {
    type: 'pong',
    requestId: expectRequestId(own(r, 'requestId'), 'pong.requestId'),
    t: expectNumber(own(r, 't'), 'pong.t'),
  };
}

const SERVER_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  [ServerMessageType.Welcome, welcome],
  [ServerMessageType.RoomJoined, roomJoined],
  [ServerMessageType.RoomListResult, roomListResult],
  [ServerMessageType.RoomLeft, roomLeft],
  [ServerMessageType.PresenceJoin, presenceJoin],
  [ServerMessageType.PresenceLeave, presenceLeave],
  [ServerMessageType.PresenceReconnecting, presenceReconnecting],
  [ServerMessageType.PresenceBack, presenceBack],
  [ServerMessageType.HostChange, hostChange],
  [ServerMessageType.RoomMetadata, roomMetadata],
  [ServerMessageType.Signal, signal],
  [ServerMessageType.Error, error],
  [ServerMessageType.Pong, pong],
  [ServerMessageType.ServerMessage, serverPush],
  [ServerMessageType.IceServers, iceServersMessage],
]);

/**
 * Validates an untrusted value as a lobby → client message and returns a
 * fresh, canonically ordered copy with only the known fields. Throws
 * `InvalidControlMessageError`.
 */
export function validateServerMessage(value: unknown): ServerMessage {
  return validateControl(value, SERVER_VALIDATORS, 'server');
}
