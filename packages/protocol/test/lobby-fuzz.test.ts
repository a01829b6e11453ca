import { describe, expect, it } from 'vitest';
import { HandoffError } from '../src/errors.js';
import {
  type ClientMessage,
  decodeBroadcast,
  decodeClientMessage,
  decodeRelay,
  decodeServerMessage,
  encodeClientMessage,
  encodeRelay,
  encodeServerMessage,
  FrameKind,
  peekFrameKind,
  type ServerMessage,
} from '../src/lobby/index.js';
import { Prng } from '../src/testing/index.js';

/** Seeded PRNG (the simulator's mulberry32) as a function, so failures reproduce. */
function prng(seed: number): () => number {
  const random = new Prng(seed);
  return () => random.next();
}

const client: ClientMessage[] = [
  { type: 'hello', requestId: 1, protocolVersion: 1, name: 'Ann', resumeToken: 'tok_0123456789abcdef' },
  {
    type: 'room:create',
    requestId: 2,
    name: 'Arena',
    capacity: 8,
    visibility: 'private',
    password: 'pw',
    metadata: { mode: 'ctf', n: 3, ok: true, f: 0.25 },
  },
  { type: 'room:list', requestId: 3, filter: { metadata: { mode: 'ctf' }, hasFreeSlots: true }, limit: 10 },
  { type: 'room:join', requestId: 4, code: 'ABCD' },
  { type: 'room:quick-join', requestId: 5, create: { name: 'Q', capacity: 4, visibility: 'public' } },
  {
    type: 'signal',
    requestId: 6,
    to: 'p2',
    signal: { kind: 'candidate', candidate: 'c', sdpMid: '0', sdpMLineIndex: 1 },
  },
  {
    type: 'signal',
    requestId: 7,
    to: 'p2',
    signal: { kind: 'description', sdpType: 'offer', sdp: 'v=0\r\no=-' },
  },
  { type: 'ping', requestId: 8, t: 1234.5 },
];
const server: ServerMessage[] = [
  {
    type: 'room:joined',
    requestId: 2,
    room: {
      id: 'r1',
      code: 'ABCD',
      name: 'A',
      capacity: 4,
      visibility: 'public',
      metadata: { m: 1 },
      hostId: 'p1',
    },
    you: { peerIndex: 1 },
    members: [
      {
        id: 'p2',
        name: 'B',
        peerIndex: 2,
        isHost: false,
        pairNonce: 'nonce_0123456789ab',
        metadata: { t: 'r' },
      },
    ],
  },
  {
    type: 'room:list-result',
    requestId: 3,
    rooms: [{ id: 'r1', name: 'A', members: 1, capacity: 4, hasPassword: true, metadata: {} }],
  },
  { type: 'error', requestId: 9, code: 6, message: 'nope' },
  { type: 'signal', from: 'p1', signal: { kind: 'end-of-candidates' } },
];

function mutate(frame: Uint8Array, random: () => number): Uint8Array {
  const bytes = Array.from(frame);
  const steps = 1 + Math.floor(random() * 4);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(random() * (bytes.length + 1));
    switch (Math.floor(random() * 6)) {
      case 0: // bit flip
        if (bytes.length > 0) bytes[at % bytes.length]! ^= 1 << Math.floor(random() * 8);
        break;
      case 1: // truncate
        bytes.length = at;
        break;
      case 2: // extend with random bytes
        for (let i = Math.floor(random() * 8); i >= 0; i--) bytes.push(Math.floor(random() * 256));
        break;
      case 3: // insert a byte
        bytes.splice(at, 0, Math.floor(random() * 256));
        break;
      case 4: // set an interesting byte (container/str/ext headers, limits)
        if (bytes.length > 0) {
          const interesting = [
            0x00, 0x7f, 0x80, 0x8f, 0x9f, 0xc0, 0xc1, 0xc4, 0xd4, 0xd9, 0xdc, 0xdd, 0xde, 0xdf, 0xff,
          ];
          bytes[at % bytes.length] = interesting[Math.floor(random() * interesting.length)]!;
        }
        break;
      default: // delete a byte
        bytes.splice(at, 1);
    }
  }
  return Uint8Array.from(bytes);
}

/** What a lobby or client does with an incoming frame. Returns false on a typed rejection. */
function handle(frame: Uint8Array, decodeControl: (frame: Uint8Array) => unknown): boolean {
  try {
    const kind = peekFrameKind(frame);
    if (kind === FrameKind.Control) decodeControl(frame);
    else if (kind === FrameKind.Relay) decodeRelay(frame);
    else decodeBroadcast(frame);
    return true;
  } catch (error) {
    if (!(error instanceof HandoffError)) throw error;
    return false;
  }
}

describe('lobby decoder fuzz', () => {
  it('survives 100,000+ random and mutated frames with only typed errors', () => {
    const random = prng(0x5eed);
    const seeds = [
      ...client.map((m) => [encodeClientMessage(m), decodeClientMessage] as const),
      ...server.map((m) => [encodeServerMessage(m), decodeServerMessage] as const),
      [encodeRelay(3, Uint8Array.from([1, 2, 3, 4])), decodeClientMessage] as const,
    ];
    let accepted = 0;
    let rejected = 0;
    const iterations = 110_000;
    for (let i = 0; i < iterations; i++) {
      let frame: Uint8Array;
      let decode: (frame: Uint8Array) => unknown;
      if (i % 10 === 0) {
        // Purely random frames, mostly with a control kind byte.
        frame = new Uint8Array(Math.floor(random() * 64));
        for (let j = 0; j < frame.length; j++) frame[j] = Math.floor(random() * 256);
        if (frame.length > 0 && random() < 0.7) frame[0] = 0;
        decode = random() < 0.5 ? decodeClientMessage : decodeServerMessage;
      } else {
        const [seed, seedDecode] = seeds[i % seeds.length]!;
        frame = mutate(seed, random);
        decode = seedDecode;
      }
      if (handle(frame, decode)) accepted++;
      else rejected++;
    }
    expect(accepted + rejected).toBe(iterations);
    expect(rejected).toBeGreaterThan(iterations / 2);
    // The decoders hold no state that the garbage could have corrupted.
    for (const message of client) expect(decodeClientMessage(encodeClientMessage(message))).toEqual(message);
    for (const message of server) expect(decodeServerMessage(encodeServerMessage(message))).toEqual(message);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
