import { ACK_BITFIELD_PACKETS, NACK_LENGTHS, unwrap16 } from './wire-format.js';

/** Packets remembered for duplicate detection; older ones are dropped as stale. */
export const RECEIVE_HISTORY = 1024;

/**
 * Remembers which packets arrived, to drop duplicates and to build the
 * acknowledgement block (largest sequence + NACK bitfield) for the peer.
 * Sequences are kept unwrapped, so 16-bit wrap-around is invisible here.
 */
export class ReceiveTracker {
  /** Largest unwrapped sequence received, -1 before the first packet. */
  largest = -1;
  /** When `largest` arrived (ms), for the ack delay field. */
  largestReceivedAt = 0;
  /** An ack-eliciting packet arrived since the last acknowledgement we sent. */
  ackPending = false;
  private readonly seen = new Float64Array(RECEIVE_HISTORY).fill(-1);
  private readonly nack = new Uint8Array(ACK_BITFIELD_PACKETS / 8);

  /**
   * Classifies an incoming 16-bit sequence without recording it: returns the
   * unwrapped sequence, or -1 for a duplicate or a packet too old to judge.
   */
  classify(sequence16: number): number {
    const unwrapped = unwrap16(sequence16, Math.max(this.largest, 0));
    if (unwrapped < 0 || unwrapped <= this.largest - RECEIVE_HISTORY) return -1;
    if (this.seen[unwrapped % RECEIVE_HISTORY] === unwrapped) return -1;
    return unwrapped;
  }

  /** Records a validated packet. */
  record(unwrapped: number, now: number, ackEliciting: boolean): void {
    this.seen[unwrapped % RECEIVE_HISTORY] = unwrapped;
    if (unwrapped > this.largest) {
      this.largest = unwrapped;
      this.largestReceivedAt = now;
    }
    if (ackEliciting) this.ackPending = true;
  }

  /**
   * Builds the acknowledgement's coverage and NACK bitfield. `coverage` is
   * how many packets before `largest` the ack describes; bit i (byte i >> 3,
   * bit i & 7) set means packet `largest - 1 - i` has NOT arrived, a clear
   * bit (or one past the trimmed bitfield, within coverage) means it has.
   * Coverage stops at `peerKnowsThrough` — an ack the peer acknowledged
   * already described those packets — and at the session's first packet, so
   * a loss-free steady state costs one byte. Packets outside the coverage
   * carry no information (never a false acknowledgement).
   */
  nackBitfield(peerKnowsThrough: number): { code: number; bytes: Uint8Array; coverage: number } {
    const nack = this.nack;
    nack.fill(0);
    const coverage = Math.max(
      0,
      Math.min(ACK_BITFIELD_PACKETS, this.largest - 1 - peerKnowsThrough, this.largest),
    );
    let used = 0;
    for (let i = 0; i < coverage; i++) {
      const sequence = this.largest - 1 - i;
      if (this.seen[sequence % RECEIVE_HISTORY] !== sequence) {
        nack[i >> 3]! |= 1 << (i & 7);
        used = (i >> 3) + 1;
      }
    }
    let code = 0;
    while (NACK_LENGTHS[code]! < used) code++;
    return { code, bytes: nack.subarray(0, NACK_LENGTHS[code]), coverage };
  }
}
