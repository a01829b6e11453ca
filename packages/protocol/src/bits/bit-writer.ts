/**
 * A bit packer: writes unsigned, zigzag-signed and variable-length integers
 * most-significant bit first into a growable byte buffer.
 *
 * @module
 */

import { InvalidMessageError } from '../errors.js';

/** Largest bit width a single {@link BitWriter.writeUint} call accepts. */
export const MAX_BIT_WIDTH = 32;

/** Largest exp-Golomb order accepted by the variable-length methods. */
export const MAX_VAR_ORDER = 24;

const INITIAL_CAPACITY = 64;

/**
 * Maps a signed integer to an unsigned one so that small magnitudes stay
 * small: 0 → 0, -1 → 1, 1 → 2, -2 → 3, ... Valid for |value| ≤ 2^31.
 */
export function zigzagEncode(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Inverse of {@link zigzagEncode}. */
export function zigzagDecode(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

/**
 * Number of bits of an exp-Golomb code of order `order` for `value`
 * (see {@link BitWriter.writeVarUint}).
 */
export function varUintBitLength(value: number, order: number): number {
  const m = value + (1 << order);
  const length = 32 - Math.clz32(m);
  return 2 * length - 1 - order;
}

/**
 * Writes bits most-significant first: the first bit written is the top bit of
 * byte 0. The buffer grows by doubling and is reused across {@link reset}s,
 * so a long-lived writer allocates nothing on the hot path.
 *
 * Misuse (a value that does not fit its width, a width out of range) throws
 * {@link InvalidMessageError}.
 */
export class BitWriter {
  private buffer: Uint8Array;
  /** Index of the first byte of the current message (bytes before it were handed out by {@link takeBytes}). */
  private start = 0;
  /** Index of the next whole byte to write. */
  private position = 0;
  /** Pending bits not yet stored, right-aligned (a 32-bit accumulator). */
  private pending = 0;
  /** How many bits `pending` holds (0–31). */
  private pendingBits = 0;
  /** `buffer.length − 4`: a word may be stored at any position up to this. */
  private lastWordAt: number;

  /** @param initialCapacity Initial buffer size in bytes (it grows as needed). */
  constructor(initialCapacity: number = INITIAL_CAPACITY) {
    this.buffer = new Uint8Array(Math.max(8, initialCapacity));
    this.lastWordAt = this.buffer.length - 4;
  }

  /** Number of bits written since the last {@link reset}. */
  get bitLength(): number {
    return (this.position - this.start) * 8 + this.pendingBits;
  }

  /** Number of bytes {@link finish} would return (bits rounded up to whole bytes). */
  get byteLength(): number {
    return this.position - this.start + ((this.pendingBits + 7) >>> 3);
  }

  /** Forgets everything written; keeps the buffer for reuse. */
  reset(): void {
    this.position = this.start;
    this.pending = 0;
    this.pendingBits = 0;
  }

  /**
   * Writes `value` as an unsigned integer of exactly `bits` bits (0–32).
   * `value` must be an integer in [0, 2^bits − 1].
   */
  writeUint(value: number, bits: number): void {
    if (!(bits >= 0 && bits <= MAX_BIT_WIDTH) || (bits | 0) !== bits) {
      throw new InvalidMessageError(`bit width ${bits} is outside 0..${MAX_BIT_WIDTH}`);
    }
    if (bits === 0) {
      if (value !== 0) throw new InvalidMessageError(`value ${value} does not fit in 0 bits`);
      return;
    }
    if (value >>> 0 !== value || (bits < 32 && value >>> bits !== 0)) {
      throw new InvalidMessageError(`value ${value} does not fit in ${bits} unsigned bits`);
    }
    this.put(value, bits);
  }

  /** Writes a single bit (`true` = 1). */
  writeBit(bit: boolean): void {
    this.put(bit ? 1 : 0, 1);
  }

  /**
   * Writes a signed integer in `bits` bits (1–32) using zigzag mapping; the
   * value must be in [−2^(bits−1), 2^(bits−1) − 1].
   */
  writeInt(value: number, bits: number): void {
    if (!Number.isInteger(value)) throw new InvalidMessageError(`value ${value} is not an integer`);
    this.writeUint(zigzagEncode(value), bits);
  }

  /**
   * Writes an unsigned integer with an exp-Golomb code of order `order`
   * (0–24): with `m = value + 2^order` and `L` the bit length of `m`, it
   * writes `L − 1 − order` zero bits, then `m` in `L` bits. Values below
   * 2^order cost `order + 1` bits; each doubling of the magnitude costs two
   * more. `value + 2^order` must be below 2^32.
   */
  writeVarUint(value: number, order = 0): void {
    if (!(order >= 0 && order <= MAX_VAR_ORDER) || (order | 0) !== order) {
      throw new InvalidMessageError(`exp-Golomb order ${order} is outside 0..${MAX_VAR_ORDER}`);
    }
    const m = value + (1 << order);
    if (!(value >= 0) || m >>> 0 !== m) {
      throw new InvalidMessageError(`value ${value} cannot be written as a variable-length integer`);
    }
    this.writeVarUintUnchecked(value, order);
  }

  /** Writes a signed integer as {@link writeVarUint} of its zigzag mapping. */
  writeVarInt(value: number, order = 0): void {
    if (!Number.isInteger(value)) throw new InvalidMessageError(`value ${value} is not an integer`);
    this.writeVarUint(zigzagEncode(value), order);
  }

  /**
   * {@link writeUint} without argument checks, for hot paths whose caller
   * has already guaranteed `1 ≤ bits ≤ 32` and `0 ≤ value < 2^bits`
   * (an integer). Breaking that contract corrupts the output.
   */
  writeUintUnchecked(value: number, bits: number): void {
    this.put(value, bits);
  }

  /**
   * {@link writeVarUint} without argument checks: the caller guarantees
   * `0 ≤ order ≤ 24` and an integer `value ≥ 0` with `value + 2^order < 2^32`.
   */
  writeVarUintUnchecked(value: number, order: number): void {
    const m = value + (1 << order);
    const length = 32 - Math.clz32(m);
    const zeros = length - 1 - order;
    if (zeros + length <= 32) {
      this.put(m, zeros + length);
    } else {
      this.put(0, zeros);
      this.put(m, length);
    }
  }

  /**
   * Writes a 1 bit followed by {@link writeVarUintUnchecked}(`value`,
   * `order`), in one step where the two fit in 32 bits. Same contract.
   */
  writeFlaggedVarUintUnchecked(value: number, order: number): void {
    const m = value + (1 << order);
    const length = 32 - Math.clz32(m);
    const bits = 2 * length - order;
    if (bits <= 31) {
      this.put((1 << (bits - 1)) | m, bits);
    } else {
      this.put(1, 1);
      this.writeVarUintUnchecked(value, order);
    }
  }

  /**
   * Pads the last partial byte with zero bits and returns a view of the
   * bytes written. The view is only valid until the next write or
   * {@link reset}; copy it (`slice()`) to keep it.
   */
  finish(): Uint8Array {
    const pendingBits = this.pendingBits;
    if (pendingBits > 0) {
      this.ensure(4);
      // Left-align the pending bits in 32 and store the bytes they touch.
      const word = this.pending << (32 - pendingBits);
      const buffer = this.buffer;
      let position = this.position;
      for (let shift = 24; shift > 24 - pendingBits; shift -= 8) buffer[position++] = word >>> shift;
      this.position = position;
      this.pending = 0;
      this.pendingBits = 0;
    }
    return this.buffer.subarray(this.start, this.position);
  }

  /**
   * Like {@link finish}, but the bytes returned are never written again:
   * later writes (after an implicit {@link reset}) go after them, or into a
   * new buffer of the same capacity once this one is full. A long-lived
   * writer can so hand out results without copying them; each result is a
   * view that keeps its whole buffer (`initialCapacity` bytes or more) alive.
   */
  takeBytes(): Uint8Array {
    this.finish();
    const start = this.start;
    const end = this.position;
    this.start = end;
    this.reset();
    return new Uint8Array(this.buffer.buffer, start, end - start);
  }

  /**
   * Appends the low `bits` bits of `value` (1–32 bits, already validated).
   * Bits collect in a 32-bit accumulator that is stored four bytes at a time.
   */
  private put(value: number, bits: number): void {
    const free = 32 - this.pendingBits;
    if (bits < free) {
      this.pending = (this.pending << bits) | value;
      this.pendingBits += bits;
      return;
    }
    // Fill the accumulator to exactly 32 bits and store it; keep the rest.
    // (When it is empty, free = 32 and `pending << 32` is `pending` = 0.)
    const rest = bits - free;
    const word = (this.pending << free) | (value >>> rest);
    if (this.position > this.lastWordAt) this.ensure(4);
    const buffer = this.buffer;
    const position = this.position;
    buffer[position] = word >>> 24;
    buffer[position + 1] = word >>> 16;
    buffer[position + 2] = word >>> 8;
    buffer[position + 3] = word;
    this.position = position + 4;
    this.pending = value & ((1 << rest) - 1);
    this.pendingBits = rest;
  }

  private ensure(extra: number): void {
    if (this.position + extra <= this.buffer.length) return;
    // Move the current message to the start of a new buffer, at least twice
    // its size (the old buffer may still be viewed by takeBytes results).
    const used = this.position - this.start;
    let capacity = this.buffer.length;
    while (capacity < 2 * (used + extra)) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(this.start, this.position));
    this.buffer = grown;
    this.lastWordAt = capacity - 4;
    this.start = 0;
    this.position = used;
  }
}
