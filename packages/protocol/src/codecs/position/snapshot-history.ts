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
 * The decoder's store of baselines, looked up by sequence.
 *
 * The encoder picks a baseline among the last `historySize` snapshots it
 * sent, so once snapshot `L` was decoded the next fresh one can only need a
 * sequence in `(L − historySize, L]`. Those entries are *protected*: the
 * store has `historySize + 1` slots, and a new entry evicts the unprotected
 * entry that arrived longest ago. `L` is the latest *fresh* snapshot (by the
 * order the session delivers them), not the largest sequence seen, so a
 * late snapshot never unprotects a baseline and a datagram with a far-away
 * sequence cannot pin the store: the next fresh snapshot moves `L` back.
 */
export class DecoderHistory {
  private readonly slots: QuantizedSnapshot[];
  /** Sequence held by each slot, or −1 when the slot is empty (one flat array to scan). */
  private readonly sequences: Int32Array;
  /** Arrival stamp of each slot (larger = later). */
  private readonly arrivals: Float64Array;
  private arrivalCounter = 0;
  /** Sequence of the latest fresh snapshot, or −1. */
  private latest = -1;
  private spare: QuantizedSnapshot;

  constructor(
    private readonly historySize: number,
    fieldCount: number,
  ) {
    const slotCount = historySize + 1;
    this.slots = Array.from({ length: slotCount }, () => new QuantizedSnapshot(fieldCount));
    this.sequences = new Int32Array(slotCount).fill(-1);
    this.arrivals = new Float64Array(slotCount);
    this.spare = new QuantizedSnapshot(fieldCount);
  }

  /** Slot holding `sequence`, or −1. */
  private indexOf(sequence: number): number {
    const sequences = this.sequences;
    for (let i = 0; i < sequences.length; i++) if (sequences[i] === sequence) return i;
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

  /** Whether the next fresh snapshot may need `sequence` as its baseline. */
  private isProtected(sequence: number): boolean {
    return this.latest >= 0 && sequenceDistance(this.latest, sequence) < this.historySize;
  }

  /**
   * Stores the scratch snapshot (swapping buffers, no copy). A `fresh` one
   * becomes the latest; a stale one is stored only if the encoder may still
   * pick it. Returns whether it was stored.
   */
  commitScratch(fresh: boolean): boolean {
    const incoming = this.spare;
    const sequence = incoming.sequence;
    if (fresh) this.latest = sequence;
    let index = this.indexOf(sequence);
    if (index < 0) {
      if (!fresh && !this.isProtected(sequence)) return false;
      index = this.victim();
    }
    this.spare = this.slots[index]!;
    this.slots[index] = incoming;
    this.sequences[index] = sequence;
    this.arrivals[index] = ++this.arrivalCounter;
    return true;
  }

  /** An empty slot, else the unprotected entry that arrived longest ago (one always exists: see the class note). */
  private victim(): number {
    const sequences = this.sequences;
    let victim = -1;
    let oldestArrival = Number.POSITIVE_INFINITY;
    for (let i = 0; i < sequences.length; i++) {
      const held = sequences[i]!;
      if (held < 0) return i;
      if (!this.isProtected(held) && this.arrivals[i]! < oldestArrival) {
        oldestArrival = this.arrivals[i]!;
        victim = i;
      }
    }
    return victim;
  }

  /** Forgets every stored snapshot. */
  reset(): void {
    this.sequences.fill(-1);
    this.latest = -1;
  }
}
