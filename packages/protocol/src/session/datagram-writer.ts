import { MAX_VARINT } from './wire-format.js';

/**
 * Writes one datagram into a fixed-capacity buffer. Callers check space with
 * {@link DatagramWriter.remaining} before writing a frame; the writer itself
 * does not bounds-check (the hot path stays branch-light).
 */
export class DatagramWriter {
  readonly bytes: Uint8Array;
  offset = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Free bytes left. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  u8(value: number): void {
    this.bytes[this.offset++] = value;
  }

  u16(value: number): void {
    this.bytes[this.offset++] = (value >>> 8) & 0xff;
    this.bytes[this.offset++] = value & 0xff;
  }

  /** LEB128 unsigned varint, at most 4 bytes (values up to {@link MAX_VARINT}). */
  varint(value: number): void {
    if (value > MAX_VARINT) throw new RangeError('varint out of range');
    while (value >= 0x80) {
      this.bytes[this.offset++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.bytes[this.offset++] = value;
  }

  raw(payload: Uint8Array): void {
    this.bytes.set(payload, this.offset);
    this.offset += payload.length;
  }

  /** The written bytes (a view; the writer is not reused after this). */
  finish(): Uint8Array {
    return this.bytes.subarray(0, this.offset);
  }
}
