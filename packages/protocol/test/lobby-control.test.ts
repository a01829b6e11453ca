import { decode as referenceDecode, encode as referenceEncode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import {
  HandoffError,
  InvalidControlMessageError,
  InvalidMessageError,
  MalformedInputError,
  MessageTooLargeError,
} from '../src/errors.js';
import {
  type ClientMessage,
  ClientMessageType,
  decodeClientMessage,
  decodeControl,
  decodeServerMessage,
  encodeClientMessage,
  encodeControl,
  encodeServerMessage,
  LOBBY_PROTOCOL_VERSION,
  LobbyCloseCode,
  LobbyErrorCode,
  lobbyErrorCodeName,
  MAX_CONTROL_FRAME_BYTES,
  MAX_METADATA_KEYS,
  MAX_NAME_LENGTH,
  MAX_SDP_LENGTH,
  type Member,
  type ServerMessage,
  ServerMessageType,
  shouldReconnectAfterClose,
  TELEMETRY_FALLBACK_REASONS,
  telemetryFallbackReason,
} from '../src/lobby/index.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
/** A control frame around a body encoded by the reference MessagePack library. */
const rawFrame = (body: unknown): Uint8Array => {
  const encoded = referenceEncode(body);
  const frame = new Uint8Array(encoded.length + 1);
  frame.set(encoded, 1);
  return frame;
};
const withBody = (bytes: number[]): Uint8Array => Uint8Array.from([0x00, ...bytes]);

const TOKEN = 'tok_0123456789abcdefABCDEF';
const NONCE = 'nonce-0123456789abcdef';
const member: Member = { id: 'p-bob', name: 'Bob', peerIndex: 2, isHost: false, pairNonce: NONCE };

const clientSamples: ClientMessage[] = [
  { type: 'hello', requestId: 1, protocolVersion: 1 },
  { type: 'hello', requestId: 2, protocolVersion: 1, name: 'Ann', auth: 'jwt.a.b', resumeToken: TOKEN },
  { type: 'room:create', requestId: 3, name: 'Arena #1', capacity: 8, visibility: 'public' },
  {
    type: 'room:create',
    requestId: 4,
    name: 'Secret',
    capacity: 2,
    visibility: 'private',
    password: 'hunter2',
    metadata: { mode: 'ctf', map: 3, ranked: true, ratio: 0.5 },
  },
  { type: 'room:list', requestId: 5 },
  { type: 'room:list', requestId: 6, filter: { metadata: { mode: 'ctf' }, hasFreeSlots: true }, limit: 100 },
  { type: 'room:join', requestId: 7, roomId: 'r_abc' },
  { type: 'room:join', requestId: 8, code: 'ABCD12', password: 'pw' },
  { type: 'room:quick-join', requestId: 9 },
  {
    type: 'room:quick-join',
    requestId: 10,
    filter: { hasFreeSlots: true },
    create: { name: 'Auto', capacity: 4, visibility: 'public', metadata: { mode: 'ffa' } },
  },
  { type: 'room:leave', requestId: 11 },
  { type: 'room:set-metadata', requestId: 12, metadata: {} },
  { type: 'room:set-metadata', requestId: 13, metadata: { round: 2, 'phase:name': 'warmup' } },
  {
    type: 'signal',
    requestId: 14,
    to: 'p-bob',
    signal: { kind: 'description', sdpType: 'offer', sdp: 'v=0\r\n' },
  },
  { type: 'signal', requestId: 15, to: 'p-bob', signal: { kind: 'description', sdpType: 'answer', sdp: '' } },
  {
    type: 'signal',
    requestId: 16,
    to: 'p-bob',
    signal: {
      kind: 'candidate',
      candidate: 'candidate:1 1 udp 2 1.2.3.4 5 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    },
  },
  { type: 'signal', requestId: 17, to: 'p-bob', signal: { kind: 'candidate', candidate: '' } },
  { type: 'signal', requestId: 18, to: 'p-bob', signal: { kind: 'end-of-candidates' } },
  {
    type: 'signal',
    requestId: 19,
    to: 'p-bob',
    signal: { kind: 'description', sdpType: 'offer', sdp: 'v=0\r\n', lane: 'turn' },
  },
  { type: 'signal', requestId: 20, to: 'p-bob', signal: { kind: 'candidate', candidate: '', lane: 'turn' } },
  { type: 'signal', requestId: 21, to: 'p-bob', signal: { kind: 'end-of-candidates', lane: 'turn' } },
  { type: 'ping', requestId: 0xffffffff, t: 12345.678 },
  {
    type: 'telemetry',
    requestId: 30,
    pairs: [
      {
        peerId: 'p1',
        path: 'direct',
        timeToDirectMs: 240,
        rttMs: 31.5,
        fallbacks: [
          { reason: 'heartbeats-missed', count: 2 },
          { reason: 'replaced', count: 1 },
        ],
        nat: { ice: 'reached', local: 'srflx', remote: 'prflx' },
      },
      { peerId: 'p2', path: 'relay', nat: { ice: 'unreached' } },
      { peerId: 'p3', path: 'turn', rttMs: 0, nat: { ice: 'reached', local: 'relay', remote: 'host' } },
      { peerId: 'p4', path: 'relay', nat: { ice: 'untried' } },
    ],
  },
];

const serverSamples: ServerMessage[] = [
  {
    type: 'welcome',
    requestId: 1,
    protocolVersion: 1,
    playerId: 'p-ann',
    sessionToken: TOKEN,
    resumed: false,
    iceServers: [
      { urls: 'stun:stun.example.org:3478' },
      {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
        username: 'u',
        credential: 'c',
      },
    ],
    limits: {
      maxRelayPayloadBytes: 1200,
      maxControlFrameBytes: 32768,
      maxMessagesPerSecond: 200,
      maxBytesPerSecond: 262144,
      heartbeatIntervalMs: 5000,
      idleTimeoutMs: 20000,
      resumeGraceMs: 30000,
    },
    signalLanes: true,
  },
  {
    type: 'room:joined',
    requestId: 3,
    room: {
      id: 'r_abc',
      code: 'ABCD12',
      name: 'Arena #1',
      capacity: 8,
      visibility: 'public',
      metadata: { mode: 'ctf' },
      hostId: 'p-ann',
    },
    you: { peerIndex: 1 },
    members: [
      member,
      { ...member, id: 'p-cy', name: 'Cy', peerIndex: 3, isHost: true, metadata: { team: 'red' } },
    ],
  },
  {
    type: 'room:joined',
    room: { id: 'r', code: 'WXYZ', name: 'R', capacity: 2, visibility: 'private', metadata: {}, hostId: 'p' },
    you: { peerIndex: 0 },
    members: [],
  },
  {
    type: 'room:list-result',
    requestId: 5,
    rooms: [
      {
        id: 'r_abc',
        name: 'Arena #1',
        members: 3,
        capacity: 8,
        hasPassword: false,
        metadata: { mode: 'ctf' },
      },
    ],
  },
  { type: 'room:list-result', requestId: 6, rooms: [] },
  { type: 'room:left', requestId: 11, reason: 'left' },
  { type: 'room:left', reason: 'kicked' },
  { type: 'presence:join', member },
  { type: 'presence:leave', playerId: 'p-bob', reason: 'disconnected' },
  { type: 'presence:reconnecting', playerId: 'p-bob' },
  { type: 'presence:back', playerId: 'p-bob' },
  { type: 'host:change', hostId: 'p-bob' },
  { type: 'room:metadata', requestId: 13, metadata: { round: 2 } },
  { type: 'room:metadata', metadata: {} },
  { type: 'signal', from: 'p-bob', signal: { kind: 'description', sdpType: 'answer', sdp: 'v=0\r\n' } },
  { type: 'error', requestId: 7, code: LobbyErrorCode.RoomFull, message: 'room is full' },
  { type: 'error', code: LobbyErrorCode.RateLimited, message: '' },
  { type: 'pong', requestId: 19, t: -1 },
  { type: 'server:message', scope: 'room', topic: 'round.start', data: { n: 2, map: 'dust', ranked: true } },
  {
    type: 'ice:servers',
    iceServers: [
      {
        urls: ['turn:turn.example.org:3478?transport=udp'],
        username: '1796000000:p1',
        credential: 'c2VjcmV0',
      },
    ],
  },
];

describe('lobby control messages: round trip', () => {
  it('covers every message type', () => {
    expect(new Set(clientSamples.map((m) => m.type))).toEqual(new Set(Object.values(ClientMessageType)));
    expect(new Set(serverSamples.map((m) => m.type))).toEqual(new Set(Object.values(ServerMessageType)));
  });

  it.each(clientSamples.map((m) => [`${m.type} #${m.requestId}`, m] as const))('client %s', (_, message) => {
    const frame = encodeClientMessage(message);
    expect(frame[0]).toBe(0x00);
    expect(decodeClientMessage(frame)).toEqual(message);
    expect(decodeControl('client', encodeControl('client', message))).toEqual(message);
    // Interoperable: the body is plain MessagePack.
    expect(referenceDecode(frame.subarray(1))).toEqual(message);
    expect(decodeClientMessage(rawFrame(message))).toEqual(message);
  });

  it.each(serverSamples.map((m, i) => [`${m.type} #${i}`, m] as const))('server %s', (_, message) => {
    const frame = encodeServerMessage(message);
    expect(decodeServerMessage(frame)).toEqual(message);
    expect(decodeControl('server', encodeControl('server', message))).toEqual(message);
    expect(referenceDecode(frame.subarray(1))).toEqual(message);
    expect(decodeServerMessage(rawFrame(message))).toEqual(message);
  });

  it('encodes deterministically, whatever the key order of the input', () => {
    const a = encodeClientMessage({
      type: 'room:create',
      requestId: 1,
      name: 'x',
      capacity: 4,
      visibility: 'public',
    });
    const reordered = {
      visibility: 'public',
      capacity: 4,
      name: 'x',
      requestId: 1,
      type: 'room:create',
    } as const;
    expect(hex(encodeClientMessage(reordered))).toBe(hex(a));
    expect(hex(encodeClientMessage(reordered))).toBe(hex(a));
  });
});

describe('lobby control messages: golden vectors', () => {
  const golden: [string, Uint8Array, string][] = [
    [
      'hello',
      encodeClientMessage({
        type: 'hello',
        requestId: 1,
        protocolVersion: LOBBY_PROTOCOL_VERSION,
        name: 'Ann',
      }),
      '0084a474797065a568656c6c6fa972657175657374496401af70726f746f636f6c56657273696f6e02a46e616d65a3416e6e',
    ],
    [
      'room:join by code',
      encodeClientMessage({ type: 'room:join', requestId: 258, code: 'ABCD' }),
      '0083a474797065a9726f6f6d3a6a6f696ea9726571756573744964cd0102a4636f6465a441424344',
    ],
    [
      'ping',
      encodeClientMessage({ type: 'ping', requestId: 7, t: 1.5 }),
      '0083a474797065a470696e67a972657175657374496407a174cb3ff8000000000000',
    ],
    [
      'signal end-of-candidates',
      encodeClientMessage({ type: 'signal', requestId: 9, to: 'p2', signal: { kind: 'end-of-candidates' } }),
      '0084a474797065a67369676e616ca972657175657374496409a2746fa27032a67369676e616c81a46b696e64b1656e642d6f662d63616e64696461746573',
    ],
    [
      'error',
      encodeServerMessage({ type: 'error', requestId: 7, code: LobbyErrorCode.RoomFull, message: 'full' }),
      '0084a474797065a56572726f72a972657175657374496407a4636f646507a76d657373616765a466756c6c',
    ],
    [
      'host:change',
      encodeServerMessage({ type: 'host:change', hostId: 'p-bob' }),
      '0082a474797065ab686f73743a6368616e6765a6686f73744964a5702d626f62',
    ],
  ];
  it.each(golden)('%s', (_, bytes, expected) => {
    expect(hex(bytes)).toBe(expected);
  });

  it('decodes the golden bytes', () => {
    expect(decodeServerMessage(fromHex(golden[4]![2]))).toEqual({
      type: 'error',
      requestId: 7,
      code: 7,
      message: 'full',
    });
  });
});

/** Expects `fn` to throw an instance of `type` and returns it. */
function rejects<E extends HandoffError>(fn: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error('expected a rejection');
}

describe('lobby control messages: rejections', () => {
  it('rejects an unknown type, carrying the request id', () => {
    const error = rejects(
      () => decodeClientMessage(rawFrame({ type: 'room:nuke', requestId: 42 })),
      InvalidControlMessageError,
    );
    expect(error.unknownType).toBe(true);
    expect(error.requestId).toBe(42);
    expect(error.messageType).toBe('room:nuke');
    expect(error.name).toBe('InvalidControlMessageError');
    // A lobby-only type sent by a client is unknown too, and vice versa.
    rejects(
      () => decodeClientMessage(rawFrame({ type: 'welcome', requestId: 1 })),
      InvalidControlMessageError,
    );
    rejects(
      () => decodeServerMessage(rawFrame({ type: 'hello', requestId: 1, protocolVersion: 1 })),
      InvalidControlMessageError,
    );
    // Object.prototype names are not message types.
    for (const type of ['constructor', 'toString', 'hasOwnProperty']) {
      rejects(() => decodeClientMessage(rawFrame({ type, requestId: 1 })), InvalidControlMessageError);
    }
  });

  it('rejects a missing or non-string type, and a non-map body', () => {
    expect(
      rejects(() => decodeClientMessage(rawFrame({ requestId: 1 })), InvalidControlMessageError).unknownType,
    ).toBe(true);
    rejects(() => decodeClientMessage(rawFrame({ type: 1, requestId: 1 })), InvalidControlMessageError);
    rejects(() => decodeClientMessage(rawFrame(['hello', 1])), InvalidControlMessageError);
    rejects(() => decodeClientMessage(rawFrame('hello')), InvalidControlMessageError);
    rejects(() => decodeClientMessage(rawFrame(null)), InvalidControlMessageError);
  });

  it('rejects missing and wrongly typed fields, carrying the request id', () => {
    const cases: Record<string, unknown>[] = [
      { type: 'hello', requestId: 1 },
      { type: 'hello', requestId: 1, protocolVersion: '1' },
      { type: 'hello', requestId: 1, protocolVersion: 0 },
      { type: 'hello', requestId: 1, protocolVersion: 1.5 },
      { type: 'hello', requestId: 1, protocolVersion: 1, name: 7 },
      { type: 'hello', requestId: 1, protocolVersion: 1, resumeToken: 'short' },
      { type: 'room:create', requestId: 1, name: 'x', capacity: 1, visibility: 'public' },
      { type: 'room:create', requestId: 1, name: 'x', capacity: 65, visibility: 'public' },
      { type: 'room:create', requestId: 1, name: 'x', capacity: 4, visibility: 'secret' },
      { type: 'room:create', requestId: 1, name: '', capacity: 4, visibility: 'public' },
      { type: 'room:create', requestId: 1, name: 'a\nb', capacity: 4, visibility: 'public' },
      { type: 'room:create', requestId: 1, name: 'x', capacity: 4, visibility: 'public', password: '' },
      { type: 'room:list', requestId: 1, limit: 101 },
      { type: 'room:list', requestId: 1, filter: { hasFreeSlots: 'yes' } },
      { type: 'room:join', requestId: 1 },
      { type: 'room:join', requestId: 1, roomId: 'r', code: 'ABCD' },
      { type: 'room:join', requestId: 1, code: 'AB' },
      { type: 'room:join', requestId: 1, roomId: 'r/../x' },
      { type: 'room:quick-join', requestId: 1, create: { name: 'x' } },
      { type: 'room:set-metadata', requestId: 1 },
      { type: 'room:set-metadata', requestId: 1, metadata: { k: null } },
      { type: 'room:set-metadata', requestId: 1, metadata: { k: [1] } },
      { type: 'room:set-metadata', requestId: 1, metadata: { 'bad key': 1 } },
      { type: 'room:set-metadata', requestId: 1, metadata: { k: 'x'.repeat(257) } },
      { type: 'signal', requestId: 1, to: 'p', signal: { kind: 'offer' } },
      {
        type: 'signal',
        requestId: 1,
        to: 'p',
        signal: { kind: 'description', sdpType: 'pranswer', sdp: '' },
      },
      {
        type: 'signal',
        requestId: 1,
        to: 'p',
        signal: { kind: 'candidate', candidate: 'x', sdpMLineIndex: -1 },
      },
      { type: 'signal', requestId: 1, signal: { kind: 'end-of-candidates' } },
      { type: 'signal', requestId: 1, to: 'p', signal: { kind: 'end-of-candidates', lane: 'direct' } },
      { type: 'signal', requestId: 1, to: 'p', signal: { kind: 'candidate', candidate: '', lane: true } },
      { type: 'ping', requestId: 1 },
      { type: 'ping', requestId: 1, t: 'now' },
      { type: 'telemetry', requestId: 1 },
      { type: 'telemetry', requestId: 1, pairs: [{ peerId: 'p', path: 'lan' }] },
      { type: 'telemetry', requestId: 1, pairs: [{ peerId: 'p', path: 'relay', rttMs: -1 }] },
      { type: 'telemetry', requestId: 1, pairs: [{ peerId: 'p', path: 'relay', timeToDirectMs: 3_600_001 }] },
      {
        type: 'telemetry',
        requestId: 1,
        pairs: [{ peerId: 'p', path: 'relay', fallbacks: [{ reason: '', count: 1 }] }],
      },
      {
        type: 'telemetry',
        requestId: 1,
        pairs: [{ peerId: 'p', path: 'relay', fallbacks: [{ reason: 'x'.repeat(65), count: 1 }] }],
      },
      {
        type: 'telemetry',
        requestId: 1,
        pairs: [{ peerId: 'p', path: 'relay', fallbacks: [{ reason: 'x', count: 0 }] }],
      },
      {
        type: 'telemetry',
        requestId: 1,
        pairs: [
          {
            peerId: 'p',
            path: 'relay',
            fallbacks: Array.from({ length: 9 }, () => ({ reason: 'x', count: 1 })),
          },
        ],
      },
      { type: 'telemetry', requestId: 1, pairs: [{ peerId: 'p', path: 'relay', nat: {} }] },
      { type: 'telemetry', requestId: 1, pairs: [{ peerId: 'p', path: 'relay', nat: { ice: 'maybe' } }] },
      {
        type: 'telemetry',
        requestId: 1,
        pairs: [{ peerId: 'p', path: 'relay', nat: { ice: 'reached', local: 'public' } }],
      },
      {
        type: 'telemetry',
        requestId: 1,
        pairs: [{ peerId: 'p', path: 'relay', nat: { ice: 'reached', remote: 1 } }],
      },
      { type: 'telemetry', requestId: 1, pairs: [{ peerId: 'p', path: 'relay', nat: 'symmetric' }] },
      {
        type: 'telemetry',
        requestId: 1,
        pairs: Array.from({ length: 64 }, (_, i) => ({ peerId: `p${i}`, path: 'relay' })),
      },
    ];
    for (const body of cases) {
      const error = rejects(() => decodeClientMessage(rawFrame(body)), InvalidControlMessageError);
      expect(error.requestId, JSON.stringify(body)).toBe(1);
      expect(error.unknownType).toBe(false);
      expect(error).toBeInstanceOf(InvalidMessageError);
    }
    for (const requestId of [-1, 2 ** 32, 1.5, '1', null]) {
      const error = rejects(
        () => decodeClientMessage(rawFrame({ type: 'room:leave', requestId })),
        InvalidControlMessageError,
      );
      expect(error.requestId).toBeUndefined();
    }
  });

  it('decodes a telemetry fallback reason outside the fixed set as other (bounded metric labels)', () => {
    const report = (reason: string) =>
      decodeClientMessage(
        rawFrame({
          type: 'telemetry',
          requestId: 1,
          pairs: [{ peerId: 'p', path: 'relay', fallbacks: [{ reason, count: 3 }] }],
        }),
      );
    for (const reason of ['heartbeats missed', 'x'.repeat(64), 'OTHER', '__proto__', 'connection-failed ']) {
      expect(report(reason)).toMatchObject({ pairs: [{ fallbacks: [{ reason: 'other', count: 3 }] }] });
    }
    for (const reason of TELEMETRY_FALLBACK_REASONS) {
      expect(report(reason)).toMatchObject({ pairs: [{ fallbacks: [{ reason, count: 3 }] }] });
    }
    expect(telemetryFallbackReason('no-webrtc')).toBe('no-webrtc');
    expect(telemetryFallbackReason('no WebRTC: missing')).toBe('other');
  });

  it('rejects over-long strings and oversized metadata', () => {
    const hello = (name: string) => rawFrame({ type: 'hello', requestId: 1, protocolVersion: 1, name });
    expect(decodeClientMessage(hello('n'.repeat(MAX_NAME_LENGTH)))).toMatchObject({ name: 'n'.repeat(32) });
    rejects(() => decodeClientMessage(hello('n'.repeat(MAX_NAME_LENGTH + 1))), InvalidControlMessageError);
    const sdp = (length: number) =>
      rawFrame({
        type: 'signal',
        requestId: 1,
        to: 'p',
        signal: { kind: 'description', sdpType: 'offer', sdp: 's'.repeat(length) },
      });
    expect(decodeClientMessage(sdp(MAX_SDP_LENGTH)).type).toBe('signal');
    rejects(() => decodeClientMessage(sdp(MAX_SDP_LENGTH + 1)), InvalidControlMessageError);
    const manyKeys = Object.fromEntries(
      Array.from({ length: MAX_METADATA_KEYS + 1 }, (_, i) => [`k${i}`, i]),
    );
    rejects(
      () => decodeClientMessage(rawFrame({ type: 'room:set-metadata', requestId: 1, metadata: manyKeys })),
      InvalidControlMessageError,
    );
    // 8 keys × 200-char values: within key and string limits, over the 1024-byte encoded cap.
    const big = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, 'v'.repeat(200)]));
    rejects(
      () => decodeClientMessage(rawFrame({ type: 'room:set-metadata', requestId: 1, metadata: big })),
      InvalidControlMessageError,
    );
    // The encoder refuses the same.
    rejects(
      () => encodeClientMessage({ type: 'room:set-metadata', requestId: 1, metadata: big }),
      InvalidControlMessageError,
    );
    rejects(
      () => encodeClientMessage({ type: 'hello', requestId: 1, protocolVersion: 1, name: 'n'.repeat(33) }),
      InvalidMessageError,
    );
  });

  it('never lets __proto__ or constructor keys through', () => {
    const protoKey = [0xa9, ...new TextEncoder().encode('__proto__')];
    const ctorKey = [0xab, ...new TextEncoder().encode('constructor')];
    const typeLeave = [
      0xa4,
      ...new TextEncoder().encode('type'),
      0xaa,
      ...new TextEncoder().encode('room:leave'),
    ];
    const reqId = [0xa9, ...new TextEncoder().encode('requestId'), 0x01];
    for (const key of [protoKey, ctorKey]) {
      // At the top level and nested inside metadata.
      rejects(
        () => decodeClientMessage(withBody([0x83, ...typeLeave, ...reqId, ...key, 0x81, 0xa1, 0x78, 0xc3])),
        MalformedInputError,
      );
      const meta = [0xa8, ...new TextEncoder().encode('metadata'), 0x81, ...key, 0xc3];
      rejects(
        () => decodeClientMessage(withBody([0x83, ...typeLeave, ...reqId, ...meta])),
        MalformedInputError,
      );
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    // A metadata key named like an Object.prototype member is refused on encode too.
    rejects(
      () => encodeClientMessage({ type: 'room:set-metadata', requestId: 1, metadata: { constructor: 1 } }),
      InvalidMessageError,
    );
  });

  it('ignores a client-supplied `from` in signal', () => {
    const decoded = decodeClientMessage(
      rawFrame({
        type: 'signal',
        requestId: 1,
        to: 'p2',
        from: 'p-admin',
        signal: { kind: 'end-of-candidates' },
      }),
    );
    expect(decoded).toEqual({
      type: 'signal',
      requestId: 1,
      to: 'p2',
      signal: { kind: 'end-of-candidates' },
    });
    expect('from' in decoded).toBe(false);
  });

  it('rejects deep nesting and huge arrays or maps', () => {
    const deep = withBody([...Array.from({ length: 2000 }, () => 0x91), 0xc0]);
    rejects(() => decodeClientMessage(deep), MalformedInputError);
    // array 32 claiming 2^32-1 elements
    rejects(() => decodeClientMessage(withBody([0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0])), MalformedInputError);
    // map 32 claiming 2^31 entries
    rejects(() => decodeClientMessage(withBody([0xdf, 0x80, 0x00, 0x00, 0x00])), MalformedInputError);
    // a real array of 200 elements: over the per-container cap
    rejects(
      () => decodeClientMessage(rawFrame({ type: 'room:leave', requestId: 1, junk: new Array(200).fill(0) })),
      MalformedInputError,
    );
    // nested 9 levels inside a valid message
    let nested: unknown = 1;
    for (let i = 0; i < 9; i++) nested = [nested];
    rejects(
      () => decodeClientMessage(rawFrame({ type: 'room:leave', requestId: 1, junk: nested })),
      MalformedInputError,
    );
  });

  it('rejects truncated, oversized, non-control and non-MessagePack frames', () => {
    const frame = encodeClientMessage(clientSamples[1]!);
    for (let length = 0; length < frame.length; length++) {
      const error = rejects(() => decodeClientMessage(frame.subarray(0, length)), HandoffError);
      expect(error).toBeInstanceOf(MalformedInputError);
    }
    rejects(() => decodeClientMessage(Uint8Array.from([...frame, 0xc0])), MalformedInputError);
    rejects(() => decodeClientMessage(Uint8Array.from([0x01, ...frame.subarray(1)])), MalformedInputError);
    rejects(() => decodeClientMessage(Uint8Array.from([0x07, 0x80])), MalformedInputError);
    rejects(() => decodeClientMessage(new Uint8Array(MAX_CONTROL_FRAME_BYTES + 1)), MessageTooLargeError);
    // Extensions (timestamp, msgpackr records, undefined) and 0xc1 are not part of the protocol.
    rejects(() => decodeClientMessage(withBody([0xd6, 0xff, 0, 0, 0, 1])), MalformedInputError);
    rejects(
      () => decodeClientMessage(withBody([0xd4, 0x72, 0x40, 0x91, 0xa1, 0x61, 0x01])),
      MalformedInputError,
    );
    rejects(() => decodeClientMessage(withBody([0xd4, 0x00, 0x00])), MalformedInputError);
    rejects(() => decodeClientMessage(withBody([0xc1])), MalformedInputError);
    // Binary values and non-string map keys.
    rejects(() => decodeClientMessage(withBody([0xc4, 0x01, 0x00])), MalformedInputError);
    rejects(() => decodeClientMessage(withBody([0x81, 0x01, 0x02])), MalformedInputError);
  });

  it('refuses to encode a frame over the cap', () => {
    const offer = { kind: 'description', sdpType: 'offer', sdp: 's'.repeat(MAX_SDP_LENGTH) } as const;
    const huge = { type: 'hello', requestId: 1, protocolVersion: 1, auth: 'a'.repeat(4096) } as const;
    expect(encodeClientMessage({ type: 'signal', requestId: 1, to: 'p', signal: offer }).length).toBeLessThan(
      MAX_CONTROL_FRAME_BYTES,
    );
    expect(encodeClientMessage(huge).length).toBeLessThan(MAX_CONTROL_FRAME_BYTES);
  });
});

describe('lobby codes', () => {
  it('has stable, unique error and close codes', () => {
    const errors = Object.values(LobbyErrorCode);
    expect(new Set(errors).size).toBe(errors.length);
    expect(LobbyErrorCode.BadRequest).toBe(1);
    expect(LobbyErrorCode.Internal).toBe(17);
    expect(lobbyErrorCodeName(7)).toBe('RoomFull');
    expect(lobbyErrorCodeName(999)).toBeUndefined();
    const closes = Object.values(LobbyCloseCode);
    expect(new Set(closes).size).toBe(closes.length);
    expect(closes.every((code) => code >= 4000 && code <= 4999)).toBe(true);
    expect(LobbyCloseCode.ProtocolError).toBe(4000);
    expect(LobbyCloseCode.HandshakeTimeout).toBe(4012);
    expect(shouldReconnectAfterClose(1006)).toBe(true);
    expect(shouldReconnectAfterClose(LobbyCloseCode.ServerShutdown)).toBe(true);
    expect(shouldReconnectAfterClose(LobbyCloseCode.Kicked)).toBe(false);
    expect(shouldReconnectAfterClose(LobbyCloseCode.SessionReplaced)).toBe(false);
  });
});
