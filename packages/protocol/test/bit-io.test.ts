import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitReader } from '../src/bits/bit-reader.js';
import { BitWriter, varUintBitLength, zigzagDecode, zigzagEncode } from '../src/bits/bit-writer.js';
import { HandoffError, InvalidMessageError, MalformedInputError } from '../src/errors.js';

type Op =
  | { kind: 'uint'; bits: number; value: number }
  | { kind: 'int'; bits: number; value: number }
  | { kind: 'var'; order: number; value: number }
  | { kind: 'varint'; order: number; value: number };

const uintOp = fc.integer({ min: 1, max: 32 }).chain((bits) =>
  fc.record({
    kind: fc.constant('uint' as const),
    bits: fc.constant(bits),
    value: fc.integer({ min: 0, max: 2 ** bits - 1 }),
  }),
);
const intOp = fc.integer({ min: 1, max: 32 }).chain((bits) =>
  fc.record({
    kind: fc.constant('int' as const),
    bits: fc.constant(bits),
    value: fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 }),
  }),
);
const varOp = fc.integer({ min: 0, max: 24 }).chain((order) =>
  fc.record({
    kind: fc.constant('var' as const),
    order: fc.constant(order),
    value: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 32 - 1 - 2 ** order })),
  }),
);
const varIntOp = fc.integer({ min: 0, max: 24 }).chain((order) =>
  fc.record({
    kind: fc.constant('varint' as const),
    order: fc.constant(order),
    value: fc.integer({ min: -(2 ** 30), max: 2 ** 30 }),
  }),
);

function write(writer: BitWriter, op: Op): void {
  if (op.kind === 'uint') writer.writeUint(op.value, op.bits);
  else if (op.kind === 'int') writer.writeInt(op.value, op.bits);
  else if (op.kind === 'var') writer.writeVarUint(op.value, op.order);
  else writer.writeVarInt(op.value, op.order);
}

function read(reader: BitReader, op: Op): number {
  if (op.kind === 'uint') return reader.readUint(op.bits);
  if (op.kind === 'int') return reader.readInt(op.bits);
  if (op.kind === 'var') return reader.readVarUint(op.order);
  return reader.readVarInt(op.order);
}

describe('BitWriter / BitReader', () => {
  it('writes most-significant bit first', () => {
    const writer = new BitWriter();
    writer.writeUint(1, 1);
    writer.writeUint(0, 2);
    writer.writeUint(0b10110, 5);
    writer.writeUint(0xabc, 12);
    expect(Buffer.from(writer.finish()).toString('hex')).toBe('96abc0');
  });

  it('round-trips any sequence of operations, bit-exact in length', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(uintOp, intOp, varOp, varIntOp), { maxLength: 60 }), (ops) => {
        const writer = new BitWriter(8);
        let expectedBits = 0;
        for (const op of ops) {
          const before = writer.bitLength;
          write(writer, op);
          if (op.kind === 'uint' || op.kind === 'int') expect(writer.bitLength - before).toBe(op.bits);
          if (op.kind === 'var') expect(writer.bitLength - before).toBe(varUintBitLength(op.value, op.order));
          expectedBits += writer.bitLength - before;
        }
        const bytes = writer.finish().slice();
        expect(bytes.length).toBe(Math.ceil(expectedBits / 8));
        const reader = new BitReader(bytes);
        for (const op of ops) expect(read(reader, op)).toBe(op.value);
        reader.assertEnd();
      }),
      { numRuns: 500 },
    );
  });

  it('zigzag maps small magnitudes to small codes', () => {
    expect([0, -1, 1, -2, 2].map(zigzagEncode)).toEqual([0, 1, 2, 3, 4]);
    for (const v of [0, 1, -1, 2 ** 30, -(2 ** 30), 2 ** 31 - 1, -(2 ** 31)]) {
      expect(zigzagDecode(zigzagEncode(v))).toBe(v);
    }
  });

  it('exp-Golomb costs order+1 bits below 2^order and two more per doubling', () => {
    expect(varUintBitLength(0, 0)).toBe(1);
    expect(varUintBitLength(1, 0)).toBe(3);
    expect(varUintBitLength(127, 7)).toBe(8);
    expect(varUintBitLength(128, 7)).toBe(10);
    expect(varUintBitLength(2 ** 32 - 1 - 2 ** 7, 7)).toBe(32 + 32 - 1 - 7);
  });

  it('grows its buffer and reuses it after reset', () => {
    const writer = new BitWriter(8);
    for (let i = 0; i < 1000; i++) writer.writeUint(i & 0xff, 8);
    const bytes = writer.finish();
    expect(bytes.length).toBe(1000);
    expect(bytes[999]).toBe(999 & 0xff);
    writer.reset();
    expect(writer.bitLength).toBe(0);
    writer.writeUint(5, 3);
    expect(writer.byteLength).toBe(1);
    expect([...writer.finish()]).toEqual([0b10100000]);
  });

  it('takeBytes hands out results that later writes never overwrite', () => {
    const writer = new BitWriter(16);
    const taken: { bytes: Uint8Array; expected: number[] }[] = [];
    for (let i = 0; i < 200; i++) {
      const length = 1 + (i % 23);
      for (let j = 0; j < length; j++) writer.writeUint((i * 31 + j) & 0xff, 8);
      writer.writeUint(1, 1);
      const expected = [...writer.finish()];
      writer.reset();
      for (let j = 0; j < length; j++) writer.writeUint((i * 31 + j) & 0xff, 8);
      writer.writeUint(1, 1);
      expect(writer.bitLength).toBe(length * 8 + 1);
      taken.push({ bytes: writer.takeBytes(), expected });
      expect(writer.bitLength).toBe(0);
      // An abandoned message (reset) must not touch what was taken either.
      writer.writeUint(0xffff, 16);
      writer.reset();
    }
    for (const { bytes, expected } of taken) expect([...bytes]).toEqual(expected);
  });

  it('flagged exp-Golomb codes equal a 1 bit plus the code, and read back as one step', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            present: fc.boolean(),
            order: fc.integer({ min: 0, max: 24 }),
            value: fc.oneof(
              fc.integer({ min: 0, max: 300 }),
              fc.integer({ min: 0, max: 2 ** 32 - 1 - 2 ** 24 }),
            ),
          }),
          { maxLength: 40 },
        ),
        (fields) => {
          const fused = new BitWriter(8);
          const plain = new BitWriter(8);
          for (const { present, order, value } of fields) {
            if (present) {
              fused.writeFlaggedVarUintUnchecked(value, order);
              plain.writeUint(1, 1);
              plain.writeVarUint(value, order);
            } else {
              fused.writeUint(0, 1);
              plain.writeUint(0, 1);
            }
          }
          expect(fused.bitLength).toBe(plain.bitLength);
          const bytes = fused.finish().slice();
          expect([...bytes]).toEqual([...plain.finish()]);
          const reader = new BitReader(bytes);
          for (const { present, order, value } of fields) {
            expect(reader.readFlaggedVarUint(order)).toBe(present ? value : -1);
          }
          reader.assertEnd();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('readFlaggedVarUint fails exactly like readUint(1) then readVarUint, on any bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 10 }),
        fc.array(fc.integer({ min: 0, max: 24 }), { maxLength: 12 }),
        (bytes, orders) => {
          const fused = new BitReader(bytes);
          const plain = new BitReader(bytes);
          for (const order of orders) {
            let expected: number | string;
            try {
              expected = plain.readUint(1) === 0 ? -1 : plain.readVarUint(order);
            } catch (error) {
              expected = (error as Error).message;
            }
            let actual: number | string;
            try {
              actual = fused.readFlaggedVarUint(order);
            } catch (error) {
              expect(error).toBeInstanceOf(MalformedInputError);
              actual = (error as Error).message;
            }
            expect(actual).toBe(expected);
            expect(fused.bitOffset).toBe(plain.bitOffset);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects values that do not fit with InvalidMessageError', () => {
    const writer = new BitWriter();
    expect(() => writer.writeUint(256, 8)).toThrow(InvalidMessageError);
    expect(() => writer.writeUint(-1, 8)).toThrow(InvalidMessageError);
    expect(() => writer.writeUint(1.5, 8)).toThrow(InvalidMessageError);
    expect(() => writer.writeUint(1, 0)).toThrow(InvalidMessageError);
    expect(() => writer.writeUint(0, 33)).toThrow(InvalidMessageError);
    expect(() => writer.writeInt(128, 8)).toThrow(InvalidMessageError);
    expect(() => writer.writeVarUint(2 ** 32, 0)).toThrow(InvalidMessageError);
    expect(() => writer.writeVarUint(-1, 0)).toThrow(InvalidMessageError);
    expect(() => writer.writeVarUint(1, 25)).toThrow(InvalidMessageError);
    expect(() => writer.writeVarInt(0.5, 0)).toThrow(InvalidMessageError);
    writer.writeUint(0, 0);
    expect(writer.bitLength).toBe(0);
  });

  describe('overrun and malformed input', () => {
    it('throws MalformedInputError when a read passes the end', () => {
      const reader = new BitReader(new Uint8Array([0xff, 0x00]));
      expect(reader.readUint(12)).toBe(0xff0);
      expect(reader.bitsRemaining).toBe(4);
      expect(() => reader.readUint(5)).toThrow(MalformedInputError);
      // A failed read consumes nothing.
      expect(reader.bitsRemaining).toBe(4);
      expect(reader.readUint(4)).toBe(0);
      expect(() => reader.readBit()).toThrow(MalformedInputError);
      expect(() => new BitReader(new Uint8Array(0)).readUint(1)).toThrow(MalformedInputError);
      expect(new BitReader(new Uint8Array(0)).readUint(0)).toBe(0);
    });

    it('rejects a variable-length integer that runs off the end or is too long', () => {
      expect(() => new BitReader(new Uint8Array([0, 0])).readVarUint()).toThrow(MalformedInputError);
      expect(() => new BitReader(new Uint8Array([0x00, 0x01])).readVarUint()).toThrow(MalformedInputError);
      // 32 zero bits then a one: longer than any 32-bit code.
      expect(() => new BitReader(new Uint8Array([0, 0, 0, 0, 0x80, 0, 0, 0, 0])).readVarUint()).toThrow(
        MalformedInputError,
      );
      // 31 zeros is the limit for order 0: the largest code decodes.
      const writer = new BitWriter();
      writer.writeVarUint(2 ** 32 - 2, 0);
      expect(new BitReader(writer.finish()).readVarUint()).toBe(2 ** 32 - 2);
      // For order 7 the limit is 24 zeros: 24 decode, 25 do not.
      expect(new BitReader(new Uint8Array([0, 0, 0, 0x80, 0, 0, 0, 0])).readVarUint(7)).toBe(
        2 ** 31 - 2 ** 7,
      );
      expect(() =>
        new BitReader(new Uint8Array([0, 0, 0, 0x40, 0xff, 0xff, 0xff, 0xff])).readVarUint(7),
      ).toThrow(MalformedInputError);
    });

    it('rejects trailing bytes and non-zero padding', () => {
      const reader = new BitReader(new Uint8Array([0b10100000, 0]));
      reader.readUint(3);
      expect(() => reader.assertEnd()).toThrow(MalformedInputError);
      const padded = new BitReader(new Uint8Array([0b10100001]));
      padded.readUint(3);
      expect(() => padded.assertEnd()).toThrow(MalformedInputError);
      const clean = new BitReader(new Uint8Array([0b10100000]));
      clean.readUint(3);
      expect(() => clean.assertEnd()).not.toThrow();
    });

    it('rejects bad widths with MalformedInputError', () => {
      const reader = new BitReader(new Uint8Array(8));
      expect(() => reader.readUint(33)).toThrow(MalformedInputError);
      expect(() => reader.readUint(-1)).toThrow(MalformedInputError);
      expect(() => reader.readVarUint(25)).toThrow(MalformedInputError);
    });

    it('throws only MalformedInputError on random bytes', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 12 }),
          fc.array(fc.oneof(uintOp, intOp, varOp, varIntOp), { maxLength: 10 }),
          (bytes, ops) => {
            const reader = new BitReader(bytes);
            try {
              for (const op of ops) read(reader, op);
              reader.assertEnd();
            } catch (error) {
              expect(error).toBeInstanceOf(MalformedInputError);
              expect(error).toBeInstanceOf(HandoffError);
            }
          },
        ),
        { numRuns: 2000 },
      );
    });
  });
});
