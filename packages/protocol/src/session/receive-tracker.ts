import { ACK_BITFIELD_PACKETS, NACK_LENGTHS, unwrap16 } from './wire-format.js';

/** Packets remembered for duplicate detection; older ones are dropped as stale. */
export const RECEIVE_HISTORY = 1024;

/**
 * Remembers which packets arrived, to drop duplicates and to build the
 * acknowledgement block (largest sequence + NACK bitfield) for the peer.
 * Sequences are kept unwrapped, so 16-bit wrap-around is invisible here.
 *
 * A packet can be *refused* after it was applied (the game's codec could not
 * use a message in it): it still counts as seen, so a copy is dropped as a
 * duplicate, but it is never acknowledged — the sender's `delivered` never
 * fires for what it carried (see `SessionHandlers.message`).
 */
export class ReceiveTracker {
  /** Largest unwrapped sequence received, -1 before the first packet. */
  largest = -1;
  /** Largest unwrapped sequence received and not refused: the one acks name; -1 if none. */
  ackLargest = -1;
  /** An ack-eliciting packet arrived since the last acknowledgement we sent. */
  ackPending = false;
  /** When the first of those arrived (ms): the ack delay counts from here. */
  ackPendingSince = 0;
  /** How many of those arrived. */
  ackElicitingPending = 0;
  /** How many of those carried reliable data. */
  reliablePending = 0;
  private readonly seen = new Float64Array(RECEIVE_HISTORY).fill(-1);
  private readonly refused = new Float64Array(RECEIVE_HISTORY).fill(-1);
  private readonly arrivedAt = new Float64Array(RECEIVE_HISTORY);
  /** The NACK bitfield {@link buildNack} built last: its first `NACK_LENGTHS[nackCode]` bytes go on the wire. */
  readonly nack = new Uint8Array(ACK_BITFIELD_PACKETS / 8);
  /** Length code of the last NACK bitfield (an index into NACK_LENGTHS). */
  nackCode = 0;
  /** Packets before `ackLargest` the last NACK bitfield describes. */
  nackCoverage = 0;

  /** When `ackLargest` arrived (ms), for the ack delay field. */
  get ackLargestReceivedAt(): number {
    return this.arrivedAt[this.ackLargest % RECEIVE_HISTORY]!;
  }

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

  /** Records a validated packet; `reliable`: it carried reliable data. */
  record(unwrapped: number, now: number, ackEliciting: boolean, reliable: boolean): void {
    const slot = unwrapped % RECEIVE_HISTORY;
    this.seen[slot] = unwrapped;
    this.arrivedAt[slot] = now;
    if (unwrapped > this.largest) this.largest = unwrapped;
    if (unwrapped > this.ackLargest) this.ackLargest = unwrapped;
    if (!ackEliciting) return;
    if (!this.ackPending) {
      this.ackPending = true;
      this.ackPendingSince = now;
      this.ackElicitingPending = 0;
      this.reliablePending = 0;
    }
    this.ackElicitingPending++;
    if (reliable) this.reliablePending++;
  }

  /** Takes back the acknowledgement of a recorded packet: it stays seen (duplicates are dropped) but is reported missing. */
  refuse(unwrapped: number): void {
    this.refused[unwrapped % RECEIVE_HISTORY] = unwrapped;
    if (unwrapped !== this.ackLargest) return;
    let sequence = unwrapped - 1;
    const floor = Math.max(this.largest - RECEIVE_HISTORY, -1);
    while (sequence > floor && !this.acknowledges(sequence)) sequence--;
    this.ackLargest = sequence > floor ? sequence : -1;
  }

  /** Whether `sequence` arrived and was not refused. */
  private acknowledges(sequence: number): boolean {
    const slot = sequence % RECEIVE_HISTORY;
    return this.seen[slot] === sequence && this.refused[slot] !== sequence;
  }

  /**
   * Builds the acknowledgement's coverage and NACK bitfield into
   * {@link nackCoverage}, {@link nack} and {@link nackCode}. `coverage` is
   * how many packets before `largest` the ack describes; bit i (byte i >> 3,
   * bit i & 7) set means packet `largest - 1 - i` has NOT arrived, a clear
   * bit (or one past the trimmed bitfield, within coverage) means it has.
   * Coverage stops at `peerKnowsThrough` — an ack the peer acknowledged
   * already described those packets — and at the session's first packet, so
   * a loss-free steady state costs one byte. Packets outside the coverage
   * carry no information (never a false acknowledgement).
   */
  buildNack(peerKnowsThrough: number): void {
    const nack = this.nack;
    nack.fill(0);
    const largest = this.ackLargest;
    const coverage = Math.max(0, Math.min(ACK_BITFIELD_PACKETS, largest - 1 - peerKnowsThrough, largest));
    let used = 0;
    for (let i = 0; i < coverage; i++) {
      const sequence = largest - 1 - i;
      if (!this.acknowledges(sequence)) {
        nack[i >> 3]! |= 1 << (i & 7);
        used = (i >> 3) + 1;
      }
    }
    let code = 0;
    while (NACK_LENGTHS[code]! < used) code++;
    // Into fields, not a fresh object: this runs for every datagram sent (#11).
    this.nackCode = code;
    this.nackCoverage = coverage;
  }
}
