/**
 * The reading half of {@link BitWriter}: bounds-checked, most-significant bit
 * first. Every failure is a {@link MalformedInputError}, whatever the bytes.
 *
 * @module
 */

import { MalformedInputError } from '../errors.js';
import { MAX_BIT_WIDTH, MAX_VAR_ORDER, zigzagDecode } from './bit-writer.js';

/** Bits a single peek always yields (32 minus up to 7 for the bit offset in the first byte). */
const PEEK_BITS = 25;

/**
 * Reads what a {@link BitWriter} wrote. Every read checks the remaining
 * length first and throws {@link MalformedInputError} on overrun, so hostile
 * input can never cause any other exception type.
 */
export class BitReader {
  private bytes: Uint8Array;
  private bitPosition = 0;
  private bitLimit: number;

  /** @param bytes The bytes to read (not copied; do not mutate them while reading). */
  constructor(bytes: Uint8Array = new Uint8Array(0)) {
    this.bytes = bytes;
    this.bitLimit = bytes.length * 8;
  }

  /** Starts reading `bytes` from the first bit (lets one reader be reused). */
  reset(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.bitPosition = 0;
    this.bitLimit = bytes.length * 8;
  }

  /** Number of bits consumed so far. */
  get bitOffset(): number {
    return this.bitPosition;
  }

  /** Number of bits not yet consumed. */
  get bitsRemaining(): number {
    return this.bitLimit - this.bitPosition;
  }

  /** Reads an unsigned integer of `bits` bits (0–32). */
  readUint(bits: number): number {
    if (!(bits >= 0 && bits <= MAX_BIT_WIDTH) || (bits | 0) !== bits) {
      throw new MalformedInputError(`bit width ${bits} is outside 0..${MAX_BIT_WIDTH}`);
    }
    if (bits === 0) return 0;
    return this.take(bits);
  }

  /**
   * {@link readUint} without the width check, for hot paths with a constant,
   * valid width (1–32). The input is still bounds-checked.
   */
  readUintUnchecked(bits: number): number {
    return this.take(bits);
  }

  /** Reads one bit. */
  readBit(): boolean {
    return this.take(1) === 1;
  }

  /** Reads a zigzag-coded signed integer of `bits` bits (see `BitWriter.writeInt`). */
  readInt(bits: number): number {
    return zigzagDecode(this.readUint(bits));
  }

  /**
   * Reads an exp-Golomb code of order `order` (see `BitWriter.writeVarUint`).
   * More leading zeros than a 32-bit code can have is malformed.
   */
  readVarUint(order = 0): number {
    if (!(order >= 0 && order <= MAX_VAR_ORDER) || (order | 0) !== order) {
      throw new MalformedInputError(`exp-Golomb order ${order} is outside 0..${MAX_VAR_ORDER}`);
    }
    return this.readVarUintUnchecked(order);
  }

  /**
   * {@link readVarUint} without the order check (the caller passes a valid
   * order, 0–24). The input is still fully checked.
   */
  readVarUintUnchecked(order: number): number {
    // Fast path: the whole code (z zeros, then z + 1 + order bits) is in one
    // peeked word and inside the input.
    const position = this.bitPosition;
    const word = this.peek(position);
    const length = 2 * Math.clz32(word) + 1 + order;
    if (length <= PEEK_BITS && position + length <= this.bitLimit) {
      this.bitPosition = position + length;
      return (word >>> (32 - length)) - (1 << order);
    }
    return this.readVarUintSlow(order);
  }

  /**
   * Reads a presence bit and, when it is 1, the exp-Golomb code of order
   * `order` (0–24, not checked) that follows it; returns −1 when the bit is
   * 0. Same result, bits consumed and errors as {@link readUint}(1) followed
   * (when 1) by {@link readVarUintUnchecked}, in one step.
   */
  readFlaggedVarUint(order: number): number {
    const position = this.bitPosition;
    if (position >= this.bitLimit) return this.take(1);
    const word = this.peek(position);
    if (word >= 0) {
      // The presence bit is 0.
      this.bitPosition = position + 1;
      return -1;
    }
    const code = word << 1;
    const length = 2 * Math.clz32(code) + 1 + order;
    if (length < PEEK_BITS && position + 1 + length <= this.bitLimit) {
      this.bitPosition = position + 1 + length;
      return (code >>> (32 - length)) - (1 << order);
    }
    this.bitPosition = position + 1;
    return this.readVarUintSlow(order);
  }

  /** Reads a zigzag-mapped {@link readVarUint}. */
  readVarInt(order = 0): number {
    return zigzagDecode(this.readVarUint(order));
  }

  /**
   * Checks that the input ends here: only zero padding bits (fewer than 8)
   * may remain. Throws {@link MalformedInputError} otherwise (trailing data).
   */
  assertEnd(): void {
    const remaining = this.bitLimit - this.bitPosition;
    if (remaining >= 8) throw new MalformedInputError(`${remaining >> 3} trailing byte(s) after the end`);
    if (remaining > 0 && this.take(remaining) !== 0) {
      throw new MalformedInputError('padding bits after the end are not zero');
    }
  }

  /** {@link readVarUintUnchecked} for long codes and codes near or past the end. */
  private readVarUintSlow(order: number): number {
    const zeros = this.countZeros(31 - order);
    // The leading 1 bit of m was consumed by countZeros.
    const tailBits = zeros + order;
    const tail = tailBits === 0 ? 0 : this.take(tailBits);
    // 2^tailBits without Math.pow (tailBits ≤ 31).
    return ((1 << tailBits) >>> 0) + tail - (1 << order);
  }

  /**
   * Consumes zero bits up to and including the first 1 bit and returns how
   * many zeros came before it; more than `max` zeros is malformed.
   */
  private countZeros(max: number): number {
    const bytes = this.bytes;
    let position = this.bitPosition;
    let zeros = 0;
    for (;;) {
      if (position >= this.bitLimit)
        throw new MalformedInputError('input ends inside a variable-length integer');
      const offset = position & 7;
      const available = 8 - offset;
      const window = (bytes[position >>> 3]! << offset) & 0xff;
      if (window !== 0) {
        const run = Math.clz32(window) - 24;
        zeros += run;
        if (zeros > max) throw new MalformedInputError('variable-length integer is too long');
        this.bitPosition = position + run + 1;
        return zeros;
      }
      zeros += available;
      position += available;
      if (zeros > max) throw new MalformedInputError('variable-length integer is too long');
    }
  }

  /**
   * The 32 bits from bit `position` on, most significant first, as an int32;
   * bits past the end of the input read as 0. At least {@link PEEK_BITS} of
   * them are input bits when `position` is inside the input.
   */
  private peek(position: number): number {
    const bytes = this.bytes;
    const index = position >>> 3;
    // position + 32 ≤ bitLimit implies the four bytes from `index` exist.
    const word =
      position + 32 <= this.bitLimit
        ? (bytes[index]! << 24) | (bytes[index + 1]! << 16) | (bytes[index + 2]! << 8) | bytes[index + 3]!
        : this.tailWord(index);
    return word << (position & 7);
  }

  /** The four bytes from `index` on as a big-endian int32, zeros past the end. */
  private tailWord(index: number): number {
    const bytes = this.bytes;
    let word = 0;
    for (let i = index; i < index + 4; i++) word = (word << 8) | (i < bytes.length ? bytes[i]! : 0);
    return word;
  }

  /** Reads `bits` (1–32) bits after a bounds check. */
  private take(bits: number): number {
    const position = this.bitPosition;
    if (position + bits > this.bitLimit) {
      throw new MalformedInputError(
        `input ends early: needed ${bits} bit(s), ${this.bitLimit - position} left`,
      );
    }
    this.bitPosition = position + bits;
    if (bits <= PEEK_BITS) return this.peek(position) >>> (32 - bits);
    // 26–32 bits: the first 16, then the rest.
    const rest = bits - 16;
    return (this.peek(position) >>> 16) * (1 << rest) + (this.peek(position + 16) >>> (32 - rest));
  }
}
