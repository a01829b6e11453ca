/**
 * Validation of client → lobby control messages. {@link validateClientMessage}
 * turns an untrusted decoded value into a {@link ClientMessage} with a fixed
 * key order (used both on decode and, for determinism, on encode).
 *
 * @module
 */

import {
  expectArray,
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
import { InvalidControlMessageError, InvalidMessageError } from '../errors.js';
import {
  expectAuth,
  expectId,
  expectMetadata,
  expectPlayerName,
  expectRequestId,
  expectRoomCode,
  expectRoomFilter,
  expectRoomOptions,
  expectSignal,
  expectTicket,
  expectToken,
} from './fields.js';
import { MAX_PASSWORD_LENGTH, MAX_ROOMS_LISTED } from './limits.js';
import { ClientMessageType } from './message-types.js';
import {
  ICE_CANDIDATE_TYPES,
  MAX_TELEMETRY_FALLBACK_REASONS,
  MAX_TELEMETRY_PAIRS,
  TELEMETRY_ICE_OUTCOMES,
  telemetryFallbackReason,
} from './telemetry.js';
import type {
  ClientMessage,
  ClientSignalMessage,
  HelloMessage,
  PingMessage,
  RoomCreateMessage,
  RoomJoinMessage,
  RoomLeaveMessage,
  RoomListMessage,
  RoomQuickJoinMessage,
  RoomRestore,
  RoomSetMetadataMessage,
  TelemetryMessage,
  TelemetryNat,
  TelemetryPair,
} from './types.js';

type Validator = (record: Record<string, unknown>) => ClientMessage;

function hello(r: Record<string, unknown>): HelloMessage {
  const m: HelloMessage = {
    type: 'hello',
    requestId: expectRequestId(own(r, 'requestId'), 'hello.requestId'),
    protocolVersion: expectInteger(own(r, 'protocolVersion'), 'hello.protocolVersion', 1, UINT16_MAX),
  };
  const name = optional(own(r, 'name'), (v) => expectPlayerName(v, 'hello.name'));
  if (name !== undefined) m.name = name;
  const auth = optional(own(r, 'auth'), (v) => expectAuth(v, 'hello.auth'));
  if (auth !== undefined) m.auth = auth;
  const resumeToken = optional(own(r, 'resumeToken'), (v) => expectToken(v, 'hello.resumeToken'));
  if (resumeToken !== undefined) m.resumeToken = resumeToken;
  const restore = optional(own(r, 'restore'), (v) => expectRestore(v, 'hello.restore'));
  if (restore !== undefined) m.restore = restore;
  return m;
}

function expectRestore(value: unknown, field: string): RoomRestore {
  const r = expectRecord(value, field);
  const restore: RoomRestore = { ticket: expectTicket(own(r, 'ticket'), `${field}.ticket`) };
  const metadata = optional(own(r, 'metadata'), (v) => expectMetadata(v, `${field}.metadata`));
  if (metadata !== undefined) restore.metadata = metadata;
  return restore;
}

function roomCreate(r: Record<string, unknown>): RoomCreateMessage {
  return {
    type: 'room:create',
    requestId: expectRequestId(own(r, 'requestId'), 'room:create.requestId'),
    ...expectRoomOptions(r, 'room:create'),
  };
}

function roomList(r: Record<string, unknown>): RoomListMessage {
  const m: RoomListMessage = {
    type: 'room:list',
    requestId: expectRequestId(own(r, 'requestId'), 'room:list.requestId'),
  };
  const filter = optional(own(r, 'filter'), (v) => expectRoomFilter(v, 'room:list.filter'));
  if (filter !== undefined) m.filter = filter;
  const limit = optional(own(r, 'limit'), (v) => expectInteger(v, 'room:list.limit', 1, MAX_ROOMS_LISTED));
  if (limit !== undefined) m.limit = limit;
  const offset = optional(own(r, 'offset'), (v) => expectInteger(v, 'room:list.offset', 0, UINT32_MAX));
  if (offset !== undefined) m.offset = offset;
  return m;
}

function roomJoin(r: Record<string, unknown>): RoomJoinMessage {
  const requestId = expectRequestId(own(r, 'requestId'), 'room:join.requestId');
  const roomId = optional(own(r, 'roomId'), (v) => expectId(v, 'room:join.roomId'));
  const code = optional(own(r, 'code'), (v) => expectRoomCode(v, 'room:join.code'));
  const password = optional(own(r, 'password'), (v) =>
    expectString(v, 'room:join.password', MAX_PASSWORD_LENGTH, 1),
  );
  let m: RoomJoinMessage;
  if (roomId !== undefined && code === undefined) m = { type: 'room:join', requestId, roomId };
  else if (code !== undefined && roomId === undefined) m = { type: 'room:join', requestId, code };
  else return invalid('room:join', 'exactly one of roomId and code is required');
  if (password !== undefined) m.password = password;
  return m;
}

function roomQuickJoin(r: Record<string, unknown>): RoomQuickJoinMessage {
  const m: RoomQuickJoinMessage = {
    type: 'room:quick-join',
    requestId: expectRequestId(own(r, 'requestId'), 'room:quick-join.requestId'),
  };
  const filter = optional(own(r, 'filter'), (v) => expectRoomFilter(v, 'room:quick-join.filter'));
  if (filter !== undefined) m.filter = filter;
  const create = optional(own(r, 'create'), (v) =>
    expectRoomOptions(expectRecord(v, 'room:quick-join.create'), 'room:quick-join.create'),
  );
  if (create !== undefined) m.create = create;
  return m;
}

function roomLeave(r: Record<string, unknown>): RoomLeaveMessage {
  return { type: 'room:leave', requestId: expectRequestId(own(r, 'requestId'), 'room:leave.requestId') };
}

function roomSetMetadata(r: Record<string, unknown>): RoomSetMetadataMessage {
  return {
    type: 'room:set-metadata',
    requestId: expectRequestId(own(r, 'requestId'), 'room:set-metadata.requestId'),
    metadata: expectMetadata(own(r, 'metadata'), 'room:set-metadata.metadata'),
  };
}

function signal(r: Record<string, unknown>): ClientSignalMessage {
  // A client-supplied `from` is never read: the lobby stamps the sender itself.
  return {
    type: 'signal',
    requestId: expectRequestId(own(r, 'requestId'), 'signal.requestId'),
    to: expectId(own(r, 'to'), 'signal.to'),
    signal: expectSignal(own(r, 'signal'), 'signal.signal'),
  };
}

function ping(r: Record<string, unknown>): PingMessage {
  return {
    type: 'ping',
    requestId: expectRequestId(own(r, 'requestId'), 'ping.requestId'),
    t: expectNumber(own(r, 't'), 'ping.t'),
  };
}

const TELEMETRY_PATHS = ['relay', 'turn', 'direct'] as const;

function telemetry(r: Record<string, unknown>): TelemetryMessage {
  return {
    type: 'telemetry',
    requestId: expectRequestId(own(r, 'requestId'), 'telemetry.requestId'),
    pairs: expectArray(own(r, 'pairs'), 'telemetry.pairs', MAX_TELEMETRY_PAIRS).map((v, i) =>
      telemetryPair(v, `telemetry.pairs[${i}]`),
    ),
  };
}

function telemetryPair(value: unknown, field: string): TelemetryPair {
  const r = expectRecord(value, field);
  const pair: TelemetryPair = {
    peerId: expectId(own(r, 'peerId'), `${field}.peerId`),
    path: expectEnum(own(r, 'path'), `${field}.path`, TELEMETRY_PATHS),
  };
  const time = optional(own(r, 'timeToDirectMs'), (v) =>
    expectNumberIn(v, `${field}.timeToDirectMs`, 0, 3_600_000),
  );
  if (time !== undefined) pair.timeToDirectMs = time;
  const rtt = optional(own(r, 'rttMs'), (v) => expectNumberIn(v, `${field}.rttMs`, 0, 60_000));
  if (rtt !== undefined) pair.rttMs = rtt;
  const fallbacks = optional(own(r, 'fallbacks'), (v) =>
    expectArray(v, `${field}.fallbacks`, MAX_TELEMETRY_FALLBACK_REASONS).map((f, j) => {
      const entry = expectRecord(f, `${field}.fallbacks[${j}]`);
      // Any 1..64-character reason is accepted; one outside the fixed set becomes `other` (a bounded label).
      return {
        reason: telemetryFallbackReason(
          expectString(own(entry, 'reason'), `${field}.fallbacks[${j}].reason`, 64, 1),
        ),
        count: expectInteger(own(entry, 'count'), `${field}.fallbacks[${j}].count`, 1, UINT16_MAX),
      };
    }),
  );
  if (fallbacks !== undefined) pair.fallbacks = fallbacks;
  const nat = optional(own(r, 'nat'), (v) => telemetryNat(v, `${field}.nat`));
  if (nat !== undefined) pair.nat = nat;
  return pair;
}

function telemetryNat(value: unknown, field: string): TelemetryNat {
  const r = expectRecord(value, field);
  const nat: TelemetryNat = { ice: expectEnum(own(r, 'ice'), `${field}.ice`, TELEMETRY_ICE_OUTCOMES) };
  const local = optional(own(r, 'local'), (v) => expectEnum(v, `${field}.local`, ICE_CANDIDATE_TYPES));
  if (local !== undefined) nat.local = local;
  const remote = optional(own(r, 'remote'), (v) => expectEnum(v, `${field}.remote`, ICE_CANDIDATE_TYPES));
  if (remote !== undefined) nat.remote = remote;
  return nat;
}

function expectNumberIn(value: unknown, field: string, min: number, max: number): number {
  const n = expectNumber(value, field);
  if (n < min || n > max) invalid(field, `expected ${min}..${max}`);
  return n;
}

const CLIENT_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  [ClientMessageType.Hello, hello],
  [ClientMessageType.RoomCreate, roomCreate],
  [ClientMessageType.RoomList, roomList],
  [ClientMessageType.RoomJoin, roomJoin],
  [ClientMessageType.RoomQuickJoin, roomQuickJoin],
  [ClientMessageType.RoomLeave, roomLeave],
  [ClientMessageType.RoomSetMetadata, roomSetMetadata],
  [ClientMessageType.Signal, signal],
  [ClientMessageType.Ping, ping],
  [ClientMessageType.Telemetry, telemetry],
]);

/** Most characters of an unknown `type` kept in errors (the rest is attacker-controlled noise). */
const MAX_REPORTED_TYPE_LENGTH = 64;

/**
 * Runs the validator of `record.type` from `validators` and turns any
 * failure into an {@link InvalidControlMessageError} that carries the
 * request id and type when they could be read.
 */
export function validateControl<M>(
  value: unknown,
  validators: ReadonlyMap<string, (record: Record<string, unknown>) => M>,
  side: string,
): M {
  let record: Record<string, unknown>;
  try {
    record = expectRecord(value, 'message');
  } catch (error) {
    throw new InvalidControlMessageError((error as Error).message, { unknownType: true });
  }
  const rawType = own(record, 'type');
  const rawRequestId = own(record, 'requestId');
  const requestId =
    typeof rawRequestId === 'number' &&
    Number.isInteger(rawRequestId) &&
    rawRequestId >= 0 &&
    rawRequestId <= 0xffffffff
      ? rawRequestId
      : undefined;
  if (typeof rawType !== 'string') {
    throw new InvalidControlMessageError('message.type: expected a string', { requestId, unknownType: true });
  }
  const messageType = rawType.slice(0, MAX_REPORTED_TYPE_LENGTH);
  const validator = validators.get(rawType);
  if (validator === undefined) {
    throw new InvalidControlMessageError(`unknown ${side} message type ${JSON.stringify(messageType)}`, {
      requestId,
      messageType,
      unknownType: true,
    });
  }
  try {
    return validator(record);
  } catch (error) {
    if (error instanceof InvalidMessageError) {
      throw new InvalidControlMessageError(error.message, { requestId, messageType });
    }
    throw error;
  }
}

/**
 * Validates an untrusted value as a client → lobby message and returns a
 * fresh, canonically ordered copy with only the known fields (a `from` in
 * `signal` is dropped). Throws {@link InvalidControlMessageError}.
 */
export function validateClientMessage(value: unknown): ClientMessage {
  return validateControl(value, CLIENT_VALIDATORS, 'client');
}
