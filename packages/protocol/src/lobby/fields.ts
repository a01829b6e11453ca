/**
 * Validators of the composite fields shared by lobby control messages.
 * Each takes an untrusted decoded value and returns a FRESH object with
 * only the known fields, in the canonical (wire) key order, or throws
 * `InvalidMessageError`. Unknown fields are dropped.
 *
 * @module
 */

import {
  expectArray,
  expectBoolean,
  expectEnum,
  expectInteger,
  expectMatch,
  expectNumber,
  expectRecord,
  expectSafeKey,
  expectString,
  expectText,
  expectUint16,
  expectUint32,
  invalid,
  optional,
  own,
} from '../codecs/validate.js';
import { Packr } from '../vendor/msgpackr.js';
import {
  MAX_AUTH_LENGTH,
  MAX_CANDIDATE_LENGTH,
  MAX_ICE_CREDENTIAL_LENGTH,
  MAX_ICE_SERVERS,
  MAX_ICE_URL_LENGTH,
  MAX_ICE_URLS,
  MAX_ID_LENGTH,
  MAX_METADATA_BYTES,
  MAX_METADATA_KEY_LENGTH,
  MAX_METADATA_KEYS,
  MAX_METADATA_STRING_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_ROOM_CAPACITY,
  MAX_ROOM_CODE_LENGTH,
  MAX_ROOM_NAME_LENGTH,
  MAX_SDP_LENGTH,
  MAX_SDP_MID_LENGTH,
  MAX_TICKET_LENGTH,
  MAX_TOKEN_LENGTH,
  MIN_ROOM_CAPACITY,
  MIN_ROOM_CODE_LENGTH,
  MIN_TOKEN_LENGTH,
} from './limits.js';
import type {
  CandidateSignal,
  IceServer,
  LobbyLimits,
  Member,
  Metadata,
  RoomFilter,
  RoomInfo,
  RoomOptions,
  RoomSummary,
  Signal,
} from './types.js';
import { VISIBILITIES } from './types.js';

/** Player and room ids: 1..64 characters of `[A-Za-z0-9_-]`. */
export const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
/** Session tokens, resume tokens and pair nonces: 16..256 characters of `[A-Za-z0-9_.~-]`. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_.~-]+$/;
/** Sealed room tickets: 16..4096 characters of base64url. */
export const TICKET_PATTERN = /^[A-Za-z0-9_-]+$/;
/** Room join codes: 4..16 characters of `[A-Za-z0-9]`. */
export const ROOM_CODE_PATTERN = /^[A-Za-z0-9]+$/;
/** Metadata keys: 1..32 characters of `[A-Za-z0-9_.:-]`. */
export const METADATA_KEY_PATTERN = /^[A-Za-z0-9_.:-]+$/;
/** ICE server URL schemes. */
export const ICE_URL_PATTERN = /^(stun|stuns|turn|turns):[^\s]+$/;

const metadataPackr = new Packr({ useRecords: false, variableMapSize: true });

/** Validates a player or room id. */
export function expectId(value: unknown, field: string): string {
  return expectMatch(value, field, ID_PATTERN, MAX_ID_LENGTH);
}

/** Validates a session token, resume token or pair nonce. */
export function expectToken(value: unknown, field: string): string {
  return expectMatch(value, field, TOKEN_PATTERN, MAX_TOKEN_LENGTH, MIN_TOKEN_LENGTH);
}

/** Validates a sealed room ticket (its content is checked by the lobby that sealed it). */
export function expectTicket(value: unknown, field: string): string {
  return expectMatch(value, field, TICKET_PATTERN, MAX_TICKET_LENGTH, MIN_TOKEN_LENGTH);
}

/** Validates a room join code. */
export function expectRoomCode(value: unknown, field: string): string {
  return expectMatch(value, field, ROOM_CODE_PATTERN, MAX_ROOM_CODE_LENGTH, MIN_ROOM_CODE_LENGTH);
}

/** Validates a player display name. */
export function expectPlayerName(value: unknown, field: string): string {
  return expectText(value, field, MAX_NAME_LENGTH);
}

/** Validates the opaque `auth` string. */
export function expectAuth(value: unknown, field: string): string {
  return expectString(value, field, MAX_AUTH_LENGTH);
}

/** Validates a peer index (u16). */
export function expectPeerIndex(value: unknown, field: string): number {
  return expectUint16(value, field);
}

/** Validates a request id (u32). */
export function expectRequestId(value: unknown, field: string): number {
  return expectUint32(value, field);
}

/** Size of `metadata` in its canonical MessagePack encoding (keys in the map's own order), in bytes. */
export function metadataEncodedSize(metadata: Metadata): number {
  return metadataPackr.pack(metadata).length;
}

/** Validates a metadata map: keys, value types and lengths, entry count, encoded size. */
export function expectMetadata(value: unknown, field: string): Metadata {
  const record = expectRecord(value, field);
  const keys = Object.keys(record);
  if (keys.length > MAX_METADATA_KEYS) invalid(field, `more than ${MAX_METADATA_KEYS} keys`);
  const result: Metadata = {};
  for (const key of keys) {
    const keyField = `${field}[${JSON.stringify(key.slice(0, MAX_METADATA_KEY_LENGTH))}]`;
    expectSafeKey(key, keyField);
    expectMatch(key, `${field} key`, METADATA_KEY_PATTERN, MAX_METADATA_KEY_LENGTH);
    const entry = record[key];
    if (typeof entry === 'string') result[key] = expectString(entry, keyField, MAX_METADATA_STRING_LENGTH);
    else if (typeof entry === 'number') result[key] = expectNumber(entry, keyField);
    else if (typeof entry === 'boolean') result[key] = entry;
    else invalid(keyField, 'expected a string, number or boolean');
  }
  const size = metadataEncodedSize(result);
  if (size > MAX_METADATA_BYTES) invalid(field, `encodes to ${size} bytes, more than ${MAX_METADATA_BYTES}`);
  return result;
}

/** Validates room options (`room:create` fields, `room:quick-join`'s `create`). */
export function expectRoomOptions(record: Record<string, unknown>, field: string): RoomOptions {
  const result: RoomOptions = {
    name: expectText(own(record, 'name'), `${field}.name`, MAX_ROOM_NAME_LENGTH),
    capacity: expectInteger(
      own(record, 'capacity'),
      `${field}.capacity`,
      MIN_ROOM_CAPACITY,
      MAX_ROOM_CAPACITY,
    ),
    visibility: expectEnum(own(record, 'visibility'), `${field}.visibility`, VISIBILITIES),
  };
  const password = optional(own(record, 'password'), (v) =>
    expectString(v, `${field}.password`, MAX_PASSWORD_LENGTH, 1),
  );
  if (password !== undefined) result.password = password;
  const metadata = optional(own(record, 'metadata'), (v) => expectMetadata(v, `${field}.metadata`));
  if (metadata !== undefined) result.metadata = metadata;
  return result;
}

/** Validates a room filter. */
export function expectRoomFilter(value: unknown, field: string): RoomFilter {
  const record = expectRecord(value, field);
  const result: RoomFilter = {};
  const metadata = optional(own(record, 'metadata'), (v) => expectMetadata(v, `${field}.metadata`));
  if (metadata !== undefined) result.metadata = metadata;
  const hasFreeSlots = optional(own(record, 'hasFreeSlots'), (v) =>
    expectBoolean(v, `${field}.hasFreeSlots`),
  );
  if (hasFreeSlots !== undefined) result.hasFreeSlots = hasFreeSlots;
  return result;
}

/** Validates a WebRTC signal payload. */
export function expectSignal(value: unknown, field: string): Signal {
  const record = expectRecord(value, field);
  const signal = signalBody(record, field);
  const lane = optional(own(record, 'lane'), (v) => expectEnum(v, `${field}.lane`, ['turn'] as const));
  if (lane !== undefined) signal.lane = lane;
  return signal;
}

function signalBody(record: Record<string, unknown>, field: string): Signal {
  const kind = expectEnum(own(record, 'kind'), `${field}.kind`, [
    'description',
    'candidate',
    'end-of-candidates',
  ] as const);
  switch (kind) {
    case 'description':
      return {
        kind,
        sdpType: expectEnum(own(record, 'sdpType'), `${field}.sdpType`, ['offer', 'answer'] as const),
        sdp: expectString(own(record, 'sdp'), `${field}.sdp`, MAX_SDP_LENGTH),
      };
    case 'candidate': {
      const result: CandidateSignal = {
        kind,
        candidate: expectString(own(record, 'candidate'), `${field}.candidate`, MAX_CANDIDATE_LENGTH),
      };
      const sdpMid = optional(own(record, 'sdpMid'), (v) =>
        expectString(v, `${field}.sdpMid`, MAX_SDP_MID_LENGTH),
      );
      if (sdpMid !== undefined) result.sdpMid = sdpMid;
      const index = optional(own(record, 'sdpMLineIndex'), (v) => expectUint16(v, `${field}.sdpMLineIndex`));
      if (index !== undefined) result.sdpMLineIndex = index;
      return result;
    }
    case 'end-of-candidates':
      return { kind };
  }
}

/** Validates one ICE server. */
export function expectIceServer(value: unknown, field: string): IceServer {
  const record = expectRecord(value, field);
  const urls = own(record, 'urls');
  const url = (v: unknown, f: string): string => expectMatch(v, f, ICE_URL_PATTERN, MAX_ICE_URL_LENGTH);
  const result: IceServer = {
    urls:
      typeof urls === 'string'
        ? url(urls, `${field}.urls`)
        : expectArray(urls, `${field}.urls`, MAX_ICE_URLS, 1).map((v, i) => url(v, `${field}.urls[${i}]`)),
  };
  const username = optional(own(record, 'username'), (v) =>
    expectString(v, `${field}.username`, MAX_ICE_CREDENTIAL_LENGTH),
  );
  if (username !== undefined) result.username = username;
  const credential = optional(own(record, 'credential'), (v) =>
    expectString(v, `${field}.credential`, MAX_ICE_CREDENTIAL_LENGTH),
  );
  if (credential !== undefined) result.credential = credential;
  return result;
}

/** Validates an ICE server list. */
export function expectIceServers(value: unknown, field: string): IceServer[] {
  return expectArray(value, field, MAX_ICE_SERVERS).map((v, i) => expectIceServer(v, `${field}[${i}]`));
}

/** Validates the limits announced in `welcome`. */
export function expectLobbyLimits(value: unknown, field: string): LobbyLimits {
  const record = expectRecord(value, field);
  const u32 = (key: keyof LobbyLimits): number => expectUint32(own(record, key), `${field}.${key}`);
  return {
    maxRelayPayloadBytes: u32('maxRelayPayloadBytes'),
    maxControlFrameBytes: u32('maxControlFrameBytes'),
    maxMessagesPerSecond: u32('maxMessagesPerSecond'),
    maxBytesPerSecond: u32('maxBytesPerSecond'),
    heartbeatIntervalMs: u32('heartbeatIntervalMs'),
    idleTimeoutMs: u32('idleTimeoutMs'),
    resumeGraceMs: u32('resumeGraceMs'),
  };
}

/** Validates a room as seen by a member. */
export function expectRoomInfo(value: unknown, field: string): RoomInfo {
  const record = expectRecord(value, field);
  return {
    id: expectId(own(record, 'id'), `${field}.id`),
    code: expectRoomCode(own(record, 'code'), `${field}.code`),
    name: expectText(own(record, 'name'), `${field}.name`, MAX_ROOM_NAME_LENGTH),
    capacity: expectInteger(
      own(record, 'capacity'),
      `${field}.capacity`,
      MIN_ROOM_CAPACITY,
      MAX_ROOM_CAPACITY,
    ),
    visibility: expectEnum(own(record, 'visibility'), `${field}.visibility`, VISIBILITIES),
    metadata: expectMetadata(own(record, 'metadata'), `${field}.metadata`),
    hostId: expectId(own(record, 'hostId'), `${field}.hostId`),
  };
}

/** Validates a member. */
export function expectMember(value: unknown, field: string): Member {
  const record = expectRecord(value, field);
  const result: Member = {
    id: expectId(own(record, 'id'), `${field}.id`),
    name: expectPlayerName(own(record, 'name'), `${field}.name`),
    peerIndex: expectPeerIndex(own(record, 'peerIndex'), `${field}.peerIndex`),
    isHost: expectBoolean(own(record, 'isHost'), `${field}.isHost`),
    pairNonce: expectToken(own(record, 'pairNonce'), `${field}.pairNonce`),
  };
  const metadata = optional(own(record, 'metadata'), (v) => expectMetadata(v, `${field}.metadata`));
  if (metadata !== undefined) result.metadata = metadata;
  return result;
}

/** Validates a room summary of a listing. */
export function expectRoomSummary(value: unknown, field: string): RoomSummary {
  const record = expectRecord(value, field);
  const capacity = expectInteger(
    own(record, 'capacity'),
    `${field}.capacity`,
    MIN_ROOM_CAPACITY,
    MAX_ROOM_CAPACITY,
  );
  return {
    id: expectId(own(record, 'id'), `${field}.id`),
    name: expectText(own(record, 'name'), `${field}.name`, MAX_ROOM_NAME_LENGTH),
    members: expectInteger(own(record, 'members'), `${field}.members`, 0, capacity),
    capacity,
    hasPassword: expectBoolean(own(record, 'hasPassword'), `${field}.hasPassword`),
    metadata: expectMetadata(own(record, 'metadata'), `${field}.metadata`),
  };
}
