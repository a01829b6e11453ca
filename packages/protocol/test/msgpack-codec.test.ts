import { encode as referenceEncode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMsgpackStructure, createMessageCodec } from '../src/codecs/msgpack-codec.js';
import {
  expectArray,
  expectInteger,
  expectRecord,
  expectString,
  optional,
  own,
} from '../src/codecs/validate.js';
import {
  HandoffError,
  InvalidMessageError,
  InvalidOptionError,
  MalformedInputError,
  MessageTooLargeError,
} from '../src/errors.js';

interface Move {
  kind: string;
  x: number;
  y: number;
  tags?: string[];
}

const STRUCTURES = [
  ['kind', 'x', 'y'],
  ['kind', 'x', 'y', 'tags'],
];

const validateMove = (value: unknown): Move => {
  const r = expectRecord(value, 'move');
  const move: Move = {
    kind: expectString(own(r, 'kind'), 'move.kind', 16),
    x: expectInteger(own(r, 'x'), 'move.x', -1e6, 1e6),
    y: expectInteger(own(r, 'y'), 'move.y', -1e6, 1e6),
  };
  const tags = optional(own(r, 'tags'), (v) =>
    expectArray(v, 'move.tags', 4).map((t) => expectString(t, 'tag', 8)),
  );
  if (tags !== undefined) move.tags = tags;
  return move;
};

const makeCodec = () =>
  createMessageCodec<Move>({ structures: STRUCTURES, validate: validateMove, maxBytes: 256 });
/** A permissive codec (accepts any decoded value) to observe what reaches the application. */
const anyCodec = () => createMessageCodec<unknown>({ validate: (v) => v, maxDepth: 8, maxEntries: 64 });
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('createMessageCodec', () => {
  it('round-trips records and plain maps', () => {
    const codec = makeCodec();
    const messages: Move[] = [
      { kind: 'walk', x: 1, y: -2 },
      { kind: 'jump', x: 100000, y: 0, tags: ['a', 'bb'] },
    ];
    for (const m of messages) expect(codec.decode(codec.encode(m))).toEqual(m);
    // Matching a frozen structure gives a one-byte record header instead of key strings.
    expect(hex(codec.encode({ kind: 'a', x: 1, y: 2 }))).toBe('40a1610102');
    expect(hex(codec.encode({ kind: 'a', x: 1, y: 2, tags: [] }))).toBe('41a161010290');
    expect(codec.encode({ kind: 'a', x: 1, y: 2 })).toBeInstanceOf(Uint8Array);
  });

  it('decodes any message with a fresh decoder: a lost first message breaks nothing', () => {
    const sender = makeCodec();
    const sent = Array.from({ length: 50 }, (_, i): Move => ({ kind: `k${i % 3}`, x: i, y: 1 - i }));
    // Unknown shapes too: they must never create structures the peer needs to know.
    const shapes = [{ kind: 'z', y: 1, x: 2 }, ...sent] as Move[];
    const frames = shapes.map((m) => sender.encode(m));
    for (let i = frames.length - 1; i >= 0; i--) {
      const fresh = makeCodec();
      expect(fresh.decode(frames[i]!)).toEqual(shapes[i]);
    }
    // Same bytes whatever was encoded before.
    expect(hex(makeCodec().encode(sent[7]!))).toBe(hex(frames[8]!));
  });

  it('keeps the structure list frozen (no auto-growing)', () => {
    const structures = STRUCTURES.map((keys) => [...keys]);
    const codec = createMessageCodec<unknown>({ structures, validate: (v) => v });
    for (let i = 0; i < 100; i++) codec.encode({ [`key${i}`]: i, other: i });
    expect(structures).toEqual(STRUCTURES);
    const bytes = codec.encode({ a: 1, b: 2 });
    expect(bytes[0]).toBe(0x82); // plain fixmap, not a record definition
  });

  it('enforces the size cap before parsing, and on encode', () => {
    const codec = makeCodec();
    expect(() => codec.decode(new Uint8Array(257))).toThrow(MessageTooLargeError);
    const tight = createMessageCodec<unknown>({ validate: (v) => v, maxBytes: 8 });
    expect(() => tight.encode('x'.repeat(20))).toThrow(MessageTooLargeError);
  });

  it('maps validation failures to InvalidMessageError (and wraps foreign throws)', () => {
    const codec = makeCodec();
    expect(() => codec.decode(referenceEncode({ kind: 'walk', x: 'one', y: 2 }))).toThrow(
      InvalidMessageError,
    );
    expect(() => codec.decode(referenceEncode({ kind: 'a'.repeat(17), x: 1, y: 2 }))).toThrow(
      InvalidMessageError,
    );
    expect(() => codec.encode({ kind: 'walk', x: 1.5, y: 2 })).toThrow(InvalidMessageError);
    const foreign = createMessageCodec<unknown>({
      validate: () => {
        throw new TypeError('boom');
      },
    });
    expect(() => foreign.decode(Uint8Array.of(0xc0))).toThrow(InvalidMessageError);
  });

  it('keeps __proto__ and constructor keys away from Object.prototype', () => {
    const codec = anyCodec();
    const enc = new TextEncoder();
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const k = enc.encode(key);
      const polluted = Uint8Array.from([
        0x81,
        0xa0 | k.length,
        ...k,
        0x81,
        0xa8,
        ...enc.encode('polluted'),
        0xc3,
      ]);
      expect(() => codec.decode(polluted)).toThrow(MalformedInputError);
      // nested
      const nested = Uint8Array.from([0x91, ...polluted]);
      expect(() => codec.decode(nested)).toThrow(MalformedInputError);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    // A decoded plain map has Object.prototype and only own data properties.
    const decoded = codec.decode(referenceEncode({ a: 1 })) as object;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(() => createMessageCodec({ structures: [['__proto__']], validate: (v) => v })).toThrow(
      InvalidOptionError,
    );
  });

  it('caps nesting depth and container sizes', () => {
    const codec = anyCodec();
    let value: unknown = 0;
    for (let i = 0; i < 8; i++) value = [value];
    expect(codec.decode(referenceEncode(value))).toEqual(value);
    expect(() => codec.decode(referenceEncode([value]))).toThrow(MalformedInputError);
    // 60,000 nested arrays: no stack overflow, a typed error.
    expect(() => codec.decode(new Uint8Array(60_000).fill(0x91))).toThrow(MalformedInputError);
    expect(() => makeCodec().decode(new Uint8Array(200).fill(0x91))).toThrow(MalformedInputError);
    expect(codec.decode(referenceEncode(new Array(64).fill(1)))).toHaveLength(64);
    expect(() => codec.decode(referenceEncode(new Array(65).fill(1)))).toThrow(MalformedInputError);
    const map = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i]));
    expect(() => codec.decode(referenceEncode(map))).toThrow(MalformedInputError);
    // Headers claiming huge sizes, with no data behind them.
    for (const bytes of [
      [0xdd, 0xff, 0xff, 0xff, 0xff],
      [0xdf, 0xff, 0xff, 0xff, 0xff],
      [0xdb, 0xff, 0xff, 0xff, 0xff],
      [0xc6, 0xff, 0xff, 0xff, 0xff],
      [0xdc, 0x00, 0x10],
    ]) {
      expect(() => codec.decode(Uint8Array.from(bytes))).toThrow(MalformedInputError);
    }
    expect(() => createMessageCodec({ validate: (v) => v, maxDepth: 65 })).toThrow(InvalidOptionError);
  });

  it('rejects extensions, trailing bytes and truncation', () => {
    const codec = anyCodec();
    expect(() => codec.decode(Uint8Array.of(0xd6, 0xff, 0, 0, 0, 1))).toThrow(MalformedInputError); // timestamp
    expect(() => codec.decode(Uint8Array.of(0xd4, 0x72, 0x40, 0x91, 0xa1, 0x61, 0x01))).toThrow(
      MalformedInputError,
    );
    expect(() => codec.decode(Uint8Array.of(0xc0, 0xc0))).toThrow(MalformedInputError);
    expect(() => codec.decode(Uint8Array.of(0xcb, 0x3f))).toThrow(MalformedInputError);
    expect(() => codec.decode(new Uint8Array(0))).toThrow(MalformedInputError);
    expect(() =>
      checkMsgpackStructure(Uint8Array.of(0x40), {
        maxDepth: 4,
        maxEntries: 4,
        allowBinary: false,
        structureSizes: [2],
      }),
    ).toThrow(MalformedInputError);
  });

  it('throws only HandoffErrors for arbitrary bytes, and keeps working', () => {
    const codec = makeCodec();
    const loose = anyCodec();
    const valid = codec.encode({ kind: 'walk', x: 3, y: 4, tags: ['t'] });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        for (const c of [codec, loose]) {
          try {
            c.decode(bytes);
          } catch (error) {
            if (!(error instanceof HandoffError)) throw error;
          }
        }
      }),
      { numRuns: 5000, seed: 42 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (at, byte) => {
          const bytes = Uint8Array.from(valid);
          bytes[at] = byte;
          try {
            codec.decode(bytes);
          } catch (error) {
            if (!(error instanceof HandoffError)) throw error;
          }
        },
      ),
      { numRuns: 3000, seed: 7 },
    );
    expect(codec.decode(valid)).toEqual({ kind: 'walk', x: 3, y: 4, tags: ['t'] });
  });

  it('validates its options', () => {
    expect(() => createMessageCodec({ validate: (v) => v, maxBytes: 0 })).toThrow(InvalidOptionError);
    expect(() => createMessageCodec({ structures: [[]], validate: (v) => v })).toThrow(InvalidOptionError);
    expect(() => createMessageCodec({ structures: [['a', 'a']], validate: (v) => v })).toThrow(
      InvalidOptionError,
    );
    const many = Array.from({ length: 33 }, (_, i) => [`k${i}`]);
    expect(() => createMessageCodec({ structures: many, validate: (v) => v })).toThrow(InvalidOptionError);
  });
});
