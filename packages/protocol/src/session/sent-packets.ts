import type { ReliablePiece } from './reliable-piece.js';
import { unwrap16 } from './wire-format.js';

/** Sent packets remembered for acknowledgement; an older unacked one is declared lost. */
export const SENT_HISTORY = 1024;

/** What the session remembers about one ack-eliciting packet it sent. */
export class SentPacket {
  acked = false;
  lost = false;
  constructor(
    /** Unwrapped sequence. */
    readonly sequence: number,
    /** Send time, ms. */
    readonly sentAt: number,
    /** Datagram size, bytes. */
    readonly size: number,
    /** Reliable pieces carried. */
    readonly pieces: readonly ReliablePiece[],
    /** Unreliable delivery tokens carried, as (channel, token) pairs flattened. */
    readonly tokens: readonly number[],
  ) {}
}

/** Callbacks a {@link SentPackets} tracker reports outcomes to. */
export interface SentPacketEvents {
  acked(packet: SentPacket): void;
  lost(packet: SentPacket): void;
}

/**
 * Tracks ack-eliciting packets in flight, applies acknowledgement blocks and
 * declares packets lost by the QUIC rules (RFC 9002 §6.1): three newer
 * packets acknowledged, or sent more than 9/8 RTT before a newer acked one.
 */
export class SentPackets {
  /** Unwrapped sequence of the next packet. */
  nextSequence = 0;
  /** Largest unwrapped sequence the peer acknowledged, -1 before any. */
  largestAcked = -1;
  private readonly ring: (SentPacket | undefined)[] = new Array(SENT_HISTORY);
  /** Outstanding packets in send order (acked/lost ones are skipped lazily). */
  private outstanding: SentPacket[] = [];
  private outstandingHead = 0;
  /** Ack-eliciting packets in flight. */
  inFlight = 0;
  /**
   * Largest peer sequence our acknowledged packets reported (ack of ack):
   * the peer already knows our receive state up to there, so NACK bitfields
   * need not reach further back.
   */
  peerKnowsAcksThrough = -1;
  private readonly ackBlockLargest = new Float64Array(SENT_HISTORY).fill(-1);
  private readonly ackBlockSequence = new Float64Array(SENT_HISTORY).fill(-1);

  constructor(private readonly events: SentPacketEvents) {}

  /** Reserves the next sequence; a packet that old still in flight is declared lost first. */
  allocate(): number {
    const sequence = this.nextSequence++;
    const previous = this.ring[sequence % SENT_HISTORY];
    if (previous !== undefined && !previous.acked && !previous.lost) this.declareLost(previous);
    this.ring[sequence % SENT_HISTORY] = undefined;
    return sequence;
  }

  /** Remembers that packet `sequence` carried an ack block up to the peer's `largest`. */
  noteAckBlock(sequence: number, largest: number): void {
    this.ackBlockSequence[sequence % SENT_HISTORY] = sequence;
    this.ackBlockLargest[sequence % SENT_HISTORY] = largest;
  }

  /** Records an ack-eliciting packet that was just sent. */
  add(packet: SentPacket): void {
    this.ring[packet.sequence % SENT_HISTORY] = packet;
    this.outstanding.push(packet);
    this.inFlight++;
  }

  /**
   * Applies an ack block: `coverage` packets before `largest` are described
   * by the NACK bitfield at `datagram[nackStart, nackStart + nackLength)`
   * (see ReceiveTracker; read in place, no view per ack). Returns the newly acknowledged packet with the
   * largest sequence when it is `largest` itself (an RTT sample), else undefined.
   */
  onAck(
    largest16: number,
    coverage: number,
    datagram: Uint8Array,
    nackStart: number,
    nackLength: number,
  ): SentPacket | undefined {
    const largest = unwrap16(largest16, this.nextSequence - 1);
    // An ack for a packet never sent, or too old to track, carries nothing usable.
    if (largest >= this.nextSequence || largest < this.nextSequence - SENT_HISTORY) return undefined;
    let sample: SentPacket | undefined;
    if (this.ackBlockSequence[largest % SENT_HISTORY] === largest) {
      this.peerKnowsAcksThrough = Math.max(
        this.peerKnowsAcksThrough,
        this.ackBlockLargest[largest % SENT_HISTORY]!,
      );
    }
    const top = this.ring[largest % SENT_HISTORY];
    if (top !== undefined && top.sequence === largest && !top.acked) {
      if (!top.lost) sample = top;
      this.markAcked(top);
    }
    // Within the coverage, bits past the end of the (trimmed) bitfield are
    // zero: those packets arrived. Nothing older than the oldest outstanding
    // packet can need an ack.
    const oldest = this.outstanding[this.outstandingHead]?.sequence ?? largest;
    const span = Math.min(coverage, largest - oldest);
    for (let i = 0; i < span; i++) {
      const byte = i >> 3;
      if (byte < nackLength && (datagram[nackStart + byte]! >>> (i & 7)) & 1) continue;
      const sequence = largest - 1 - i;
      if (sequence < 0) break;
      const packet = this.ring[sequence % SENT_HISTORY];
      if (packet !== undefined && packet.sequence === sequence && !packet.acked) this.markAcked(packet);
    }
    if (largest > this.largestAcked) this.largestAcked = largest;
    return sample;
  }

  /**
   * Declares lost every outstanding packet older than the largest acked one
   * that is 3 packets behind it or was sent before `now - lossDelay`.
   * Returns the earliest time a remaining packet could become lost, or Infinity.
   */
  detectLosses(now: number, lossDelay: number): number {
    while (this.outstandingHead < this.outstanding.length) {
      const packet = this.outstanding[this.outstandingHead]!;
      if (packet.acked || packet.lost) {
        this.popOutstanding();
        continue;
      }
      if (packet.sequence >= this.largestAcked) return Number.POSITIVE_INFINITY;
      if (this.largestAcked - packet.sequence >= 3 || packet.sentAt <= now - lossDelay) {
        this.popOutstanding();
        this.declareLost(packet);
        continue;
      }
      return packet.sentAt + lossDelay;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Oldest outstanding packets, for probes; stops after `limit` packets. */
  oldestOutstanding(limit: number): SentPacket[] {
    const result: SentPacket[] = [];
    for (let i = this.outstandingHead; i < this.outstanding.length && result.length < limit; i++) {
      const packet = this.outstanding[i]!;
      if (!packet.acked && !packet.lost) result.push(packet);
    }
    return result;
  }

  private popOutstanding(): void {
    this.outstanding[this.outstandingHead++] = undefined as unknown as SentPacket;
    if (this.outstandingHead > 1024 && this.outstandingHead * 2 > this.outstanding.length) {
      this.outstanding = this.outstanding.slice(this.outstandingHead);
      this.outstandingHead = 0;
    }
  }

  private markAcked(packet: SentPacket): void {
    // Release the slot at once: a ring full of acked packets kept their pieces
    // and payloads alive until promotion, and GC took 60% of the send path.
    this.ring[packet.sequence % SENT_HISTORY] = undefined;
    if (packet.lost) {
      // Declared lost too early (reordering): its content was already queued
      // again; acknowledging still frees it, and duplicates are dropped by id.
      packet.acked = true;
      this.events.acked(packet);
      return;
    }
    packet.acked = true;
    this.inFlight--;
    this.events.acked(packet);
  }

  private declareLost(packet: SentPacket): void {
    packet.lost = true;
    this.inFlight--;
    this.events.lost(packet);
  }
}
