import { MalformedInputError } from '../errors.js';

/**
 * Reads a datagram with a bounds check on every field: truncated or
 * oversized fields throw {@link MalformedInputError}, never anything else.
 */
export class DatagramReader {
  offset = 0;

  constructor(public bytes: Uint8Array) {}

  /** Starts reading `bytes` from the beginning (one reader serves every datagram: no object per datagram). */
  reset(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.offset = 0;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  u8(): number {
    if (this.offset >= this.bytes.length) throw truncated(this.offset);
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    if (this.offset + 2 > this.bytes.length) throw truncated(this.offset);
    const value = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!;
    this.offset += 2;
    return value;
  }

  /** LEB128 unsigned varint of at most 4 bytes; non-minimal encodings are accepted. */
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = this.u8();
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
    throw new MalformedInputError(`varint longer than 4 bytes at offset ${this.offset}`);
  }

  /** Skips `length` payload bytes and returns their start offset. */
  skip(length: number): number {
    if (length > this.remaining) throw truncated(this.offset);
    const start = this.offset;
    this.offset += length;
    return start;
  }
}

function truncated(offset: number): MalformedInputError {
  return new MalformedInputError(`datagram truncated at offset ${offset}`);
}
