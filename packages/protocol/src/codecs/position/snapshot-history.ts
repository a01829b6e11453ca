/**
 * Quantized snapshots and the rings of them that both sides keep as delta
 * baselines. Storage is reused: a long-running encoder or decoder stops
 * allocating once its buffers have grown to the largest snapshot seen.
 *
 * @module
 */

import { sequenceDistance } from './wire-format.js';

/** A snapshot as integers: sorted ids and `fieldCount` quantized values per entity. */
export class QuantizedSnapshot {
  /** 16-bit sequence number. */
  sequence = 0;
  /** Number of entities. */
  count = 0;
  /** Entity ids, strictly ascending, `count` of them. */
  ids: Uint32Array;
  /** Quantized fields, row-major: entity `i` uses `values[i·fieldCount .. (i+1)·fieldCount)`. */
  values: Int32Array;

  constructor(
    /** Quantized fields per entity. */
    readonly fieldCount: number,
    capacity = 8,
  ) {
    this.ids = new Uint32Array(capacity);
    this.values = new Int32Array(capacity * fieldCount);
  }

  /** Makes room for `count` entities (contents are kept). */
  ensureCapacity(count: number): void {
    if (count <= this.ids.length) return;
    let capacity = this.ids.length * 2;
    while (capacity < count) capacity *= 2;
    const ids = new Uint32Array(capacity);
    ids.set(this.ids);
    const values = new Int32Array(capacity * this.fieldCount);
    values.set(this.values);
    this.ids = ids;
    this.values = values;
  }
}

/**
 * The encoder's ring: the last `historySize + 1` snapshots it sent (the
 * newest plus `historySize` possible baselines for the next one), each with
 * an acknowledged flag. Slot of the n-th snapshot sent (n counts from 0 and
 * never wraps) is `n mod (historySize + 1)`.
 */
export class EncoderHistory {
  private readonly slots: QuantizedSnapshot[];
  /** Send counter stored in each slot, or −1 when the slot is empty. */
  private readonly counters: Float64Array;
  /** Counter of the newest acknowledged snapshot, or −1. */
  private newestAcked = -1;
  /** Counter of the newest snapshot sent, or −1. */
  private newest = -1;

  constructor(
    /** How many older snapshots may serve as the baseline of the next one. */
    readonly historySize: number,
    fieldCount: number,
  ) {
    const slotCount = historySize + 1;
    this.slots = Array.from({ length: slotCount }, () => new QuantizedSnapshot(fieldCount));
    this.counters = new Float64Array(slotCount).fill(-1);
  }

  /**
   * The slot the next snapshot (counter `newest + 1`) will occupy. The caller
   * fills it, then calls {@link commit}; until then the slot counts as empty.
   */
  beginNext(): QuantizedSnapshot {
    const index = (this.newest + 1) % this.slots.length;
    this.counters[index] = -1;
    return this.slots[index]!;
  }

  /** Marks the slot returned by {@link beginNext} as holding a sent snapshot. */
  commit(): void {
    this.newest += 1;
    this.counters[this.newest % this.slots.length] = this.newest;
  }

  /** The newest acknowledged snapshot that can be a baseline for the next one, or `null`. */
  baseline(): QuantizedSnapshot | null {
    const acked = this.newestAcked;
    if (acked < 0 || this.newest + 1 - acked > this.historySize) return null;
    const index = acked % this.slots.length;
    return this.counters[index] === acked ? this.slots[index]! : null;
  }

  /** Records an acknowledgement; ignored when the snapshot is not (or no longer) held. */
  acknowledge(sequence: number): void {
    if (this.newest < 0) return;
    const newestSequence = this.slots[this.newest % this.slots.length]!.sequence;
    const distance = sequenceDistance(newestSequence, sequence);
    if (distance >= this.historySize) return;
    const counter = this.newest - distance;
    if (counter < 0 || counter <= this.newestAcked) return;
    const index = counter % this.slots.length;
    if (this.counters[index] !== counter || this.slots[index]!.sequence !== sequence) return;
    this.newestAcked = counter;
  }

  /** Forgets every snapshot and acknowledgement (the send counter keeps running). */
  reset(): void {
    this.counters.fill(-1);
    this.newestAcked = -1;
  }
}

/**
 * The decoder's store: up to `historySize` decoded snapshots, looked up by
 * sequence. A new snapshot replaces the entry with the same sequence if there
 * is one, else the entry stored longest ago (first in, first out by arrival,
 * so one hostile datagram with a far-away sequence cannot pin the store).
 */
export class DecoderHistory {
  private readonly slots: QuantizedSnapshot[];
  /** Sequence held by each slot, or −1 when the slot is empty (one flat array to scan). */
  private readonly sequences: Int32Array;
  private next = 0;
  private spare: QuantizedSnapshot;

  constructor(historySize: number, fieldCount: number) {
    this.slots = Array.from({ length: historySize }, () => new QuantizedSnapshot(fieldCount));
    this.sequences = new Int32Array(historySize).fill(-1);
    this.spare = new QuantizedSnapshot(fieldCount);
  }

  /** Slot holding `sequence`, or −1. Scans newest first: baselines are usually recent. */
  private indexOf(sequence: number): number {
    const sequences = this.sequences;
    const size = sequences.length;
    for (let i = this.next - 1; i >= 0; i--) if (sequences[i] === sequence) return i;
    for (let i = size - 1; i >= this.next; i--) if (sequences[i] === sequence) return i;
    return -1;
  }

  /** The stored snapshot with this sequence, or `null`. */
  find(sequence: number): QuantizedSnapshot | null {
    const index = this.indexOf(sequence);
    return index < 0 ? null : this.slots[index]!;
  }

  /** A scratch snapshot to decode into; it becomes stored only through {@link commitScratch}. */
  scratch(): QuantizedSnapshot {
    return this.spare;
  }

  /** Stores the scratch snapshot (swapping buffers, no copy). */
  commitScratch(): void {
    const incoming = this.spare;
    let index = this.indexOf(incoming.sequence);
    if (index < 0) {
      index = this.next;
      this.next = (this.next + 1) % this.slots.length;
    }
    this.spare = this.slots[index]!;
    this.slots[index] = incoming;
    this.sequences[index] = incoming.sequence;
  }

  /** Forgets every stored snapshot. */
  reset(): void {
    this.sequences.fill(-1);
    this.next = 0;
  }
}
