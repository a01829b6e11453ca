import { MalformedInputError, UnknownChannelError, UnsupportedVersionError } from '../errors.js';
import { DatagramReader } from './datagram-reader.js';
import {
  ACK_BITFIELD_PACKETS,
  FLAG_ACK,
  FrameType,
  NACK_BYTES_MASK,
  NACK_BYTES_SHIFT,
  NACK_LENGTHS,
  RESERVED_FLAGS_MASK,
  SESSION_VERSION,
} from './wire-format.js';

const EMPTY = new Uint8Array(0);

/** Channel classes the parser needs to know to validate frame types. */
export const ChannelClass = { Reliable: 0, Unreliable: 1 } as const;

/**
 * Parses a whole datagram into reusable staging arrays, validating every
 * field, before the session changes any state. Throws only typed errors.
 * Frame `i` is described by `types[i]`, `channels[i]`, `ids[i]` (16-bit wire
 * id), `indexes[i]`, `counts[i]`, `starts[i]` and `lengths[i]`.
 */
export class DatagramParser {
  sequence = 0;
  hasAck = false;
  ackLargest = 0;
  /** Ack delay in wire units (100 µs). */
  ackDelay = 0;
  /** Packets before `ackLargest` the ack describes. */
  ackCoverage = 0;
  /** Offset of the NACK bitfield in the datagram. */
  nackStart = 0;
  /** Length of the NACK bitfield, bytes. */
  nackLength = 0;
  frameCount = 0;
  ackEliciting = false;
  /** The datagram carries reliable data (a whole message or a fragment): its ack frees the sender's window. */
  carriesReliable = false;
  readonly types: number[] = [];
  readonly channels: number[] = [];
  readonly ids: number[] = [];
  readonly indexes: number[] = [];
  readonly counts: number[] = [];
  readonly starts: number[] = [];
  readonly lengths: number[] = [];
  private readonly reader = new DatagramReader(EMPTY);

  /** `classes[c]` is the {@link ChannelClass} of channel `c`. */
  constructor(private readonly classes: readonly number[]) {}

  parse(datagram: Uint8Array): void {
    const reader = this.reader;
    reader.reset(datagram);
    try {
      this.parseAll(reader);
    } finally {
      // The reader is reused for every datagram; it must not keep this one's buffer alive.
      reader.reset(EMPTY);
    }
  }

  private parseAll(reader: DatagramReader): void {
    const flags = reader.u8();
    if (flags >>> 6 !== SESSION_VERSION) {
      throw new UnsupportedVersionError(
        `session version ${flags >>> 6} is not supported (expected ${SESSION_VERSION})`,
      );
    }
    if (flags & RESERVED_FLAGS_MASK) throw new MalformedInputError('reserved header bits set');
    this.sequence = reader.u16();
    const nackCode = (flags & NACK_BYTES_MASK) >>> NACK_BYTES_SHIFT;
    this.hasAck = (flags & FLAG_ACK) !== 0;
    this.nackLength = 0;
    if (this.hasAck) {
      this.ackLargest = reader.u16();
      this.ackDelay = reader.varint();
      this.ackCoverage = reader.varint();
      this.nackLength = NACK_LENGTHS[nackCode]!;
      if (this.ackCoverage > ACK_BITFIELD_PACKETS) {
        throw new MalformedInputError(
          `ack coverage ${this.ackCoverage} exceeds ${ACK_BITFIELD_PACKETS} packets`,
        );
      }
      this.nackStart = reader.skip(this.nackLength);
    } else if (nackCode !== 0) {
      throw new MalformedInputError('NACK bytes without an ack block');
    }
    this.frameCount = 0;
    this.ackEliciting = false;
    this.carriesReliable = false;
    while (reader.remaining > 0) this.parseFrame(reader);
  }

  private parseFrame(reader: DatagramReader): void {
    const head = reader.u8();
    const type = head >>> 5;
    const channel = head & 0x1f;
    let id = 0;
    let index = 0;
    let count = 1;
    let length = 0;
    let start = 0;
    if (type === FrameType.Ping) {
      if (channel !== 0) throw new MalformedInputError('ping frame with a channel');
      this.ackEliciting = true;
    } else {
      const cls = this.classes[channel];
      if (cls === undefined) throw new UnknownChannelError(`frame for undeclared channel ${channel}`);
      const wantsReliable = type !== FrameType.Unreliable;
      if (type > FrameType.Ping) throw new MalformedInputError(`unknown frame type ${type}`);
      if (wantsReliable !== (cls === ChannelClass.Reliable)) {
        throw new MalformedInputError(`frame type ${type} on channel ${channel} of the other class`);
      }
      if (type === FrameType.ChannelAck) {
        id = reader.u16();
      } else {
        if (type !== FrameType.Unreliable) id = reader.u16();
        if (type === FrameType.Fragment) {
          index = reader.varint();
          count = reader.varint();
          if (count < 2 || index >= count) throw new MalformedInputError(`fragment ${index} of ${count}`);
        }
        length = reader.varint();
        start = reader.skip(length);
        this.ackEliciting = true;
        if (type !== FrameType.Unreliable) this.carriesReliable = true;
      }
    }
    const i = this.frameCount++;
    this.types[i] = type;
    this.channels[i] = channel;
    this.ids[i] = id;
    this.indexes[i] = index;
    this.counts[i] = count;
    this.starts[i] = start;
    this.lengths[i] = length;
  }
}
