import type { DatagramWriter } from './datagram-writer.js';
import type { ReliablePiece } from './reliable-piece.js';
import { FrameType, varintSize } from './wire-format.js';

/** What a {@link DatagramBatch} needs from its session to open and close datagrams. */
export interface DatagramSink {
  /** Where datagrams are written (one at a time). */
  readonly datagramWriter: DatagramWriter;
  /** Starts a datagram in {@link datagramWriter}: allocates its sequence (returned, unwrapped) and writes the header. */
  openDatagram(now: number): number;
  /** Registers a finished datagram (stats, and the sent-packet record when ack-eliciting). */
  closeDatagram(batch: DatagramBatch, bytes: Uint8Array, now: number): void;
}

/**
 * The pieces (tokens) of a datagram without any, shared: a datagram's lists
 * are made on first use, as literals (an empty list that grows allocates
 * room for 17), because its sent-packet record keeps them (#11).
 */
const NO_PIECES: readonly ReliablePiece[] = [];
const NO_TOKENS: readonly number[] = [];

/** Header bytes the pacer counts per datagram (a typical ack block). */
const DATAGRAM_OVERHEAD = 8;

/**
 * The datagrams of one `poll`: frames are appended with the write methods,
 * and a new datagram is opened whenever the next frame does not fit.
 */
export class DatagramBatch {
  /** Finished datagrams. */
  readonly out: Uint8Array[] = [];
  /** Datagrams opened so far. */
  count = 0;
  /** Unwrapped sequence of the open datagram. */
  sequence = -1;
  /** The open datagram carries an ack-eliciting frame. */
  ackEliciting = false;
  /** Reliable pieces in the open datagram. */
  pieces: readonly ReliablePiece[] = NO_PIECES;
  /** Delivery tokens in the open datagram, as (channel, token) pairs. */
  tokens: readonly number[] = NO_TOKENS;
  /** Bytes of frames written so far, plus a header's worth per datagram (what the pacer budgets). */
  written = 0;
  private current: DatagramWriter | undefined;

  constructor(
    private readonly sink: DatagramSink,
    private readonly now: number,
  ) {}

  /** Makes sure `size` bytes fit in the open datagram, opening a new one if needed (size 0: just ensure one is open). */
  reserve(size: number): DatagramWriter {
    if (this.current !== undefined && this.current.remaining >= size) return this.current;
    this.close();
    this.sequence = this.sink.openDatagram(this.now);
    const writer = this.sink.datagramWriter;
    this.written += DATAGRAM_OVERHEAD;
    this.current = writer;
    this.count++;
    return writer;
  }

  /** Writes a whole reliable message or one fragment of it. */
  writePiece(piece: ReliablePiece): void {
    const length = piece.payload.length;
    const fragmented = piece.count > 1;
    const size =
      3 + (fragmented ? varintSize(piece.index) + varintSize(piece.count) : 0) + varintSize(length) + length;
    const writer = this.reserve(size);
    this.written += size;
    writer.u8(((fragmented ? FrameType.Fragment : FrameType.Reliable) << 5) | piece.message.channel);
    writer.u16(piece.message.id & 0xffff);
    if (fragmented) {
      writer.varint(piece.index);
      writer.varint(piece.count);
    }
    writer.varint(length);
    writer.raw(piece.payload);
    piece.lastPacket = this.sequence;
    if (this.pieces === NO_PIECES) this.pieces = [piece];
    else (this.pieces as ReliablePiece[]).push(piece);
    this.ackEliciting = true;
  }

  /** Writes an unreliable (or sequenced) message; `token` ≥ 0 is reported when its packet is acked. */
  writeUnreliable(channel: number, payload: Uint8Array, token: number): void {
    const size = 1 + varintSize(payload.length) + payload.length;
    const writer = this.reserve(size);
    this.written += size;
    writer.u8((FrameType.Unreliable << 5) | channel);
    writer.varint(payload.length);
    writer.raw(payload);
    this.ackEliciting = true;
    if (token < 0) return;
    if (this.tokens === NO_TOKENS) this.tokens = [channel, token];
    else (this.tokens as number[]).push(channel, token);
  }

  /** Writes a cumulative channel ack (not ack-eliciting). */
  writeChannelAck(channel: number, nextExpected: number): void {
    const writer = this.reserve(3);
    writer.u8((FrameType.ChannelAck << 5) | channel);
    writer.u16(nextExpected & 0xffff);
  }

  /** Writes a ping frame (ack-eliciting, empty). */
  writePing(): void {
    this.reserve(1).u8(FrameType.Ping << 5);
    this.ackEliciting = true;
  }

  /** Closes the open datagram and returns them all. */
  finish(): Uint8Array[] {
    this.close();
    return this.out;
  }

  private close(): void {
    if (this.current === undefined) return;
    const bytes = this.current.finish();
    this.out.push(bytes);
    this.sink.closeDatagram(this, bytes, this.now);
    this.current = undefined;
    this.ackEliciting = false;
    this.pieces = NO_PIECES;
    this.tokens = NO_TOKENS;
  }
}
