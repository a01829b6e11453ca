/**
 * The position encoder: quantizes a snapshot, picks the newest acknowledged
 * baseline and writes a full or delta snapshot (see `docs/position-codec.md`).
 *
 * @module
 */

import { BitWriter } from '../../bits/bit-writer.js';
import { InvalidMessageError } from '../../errors.js';
import type { ResolvedPositionCodecOptions } from './options.js';
import type { Quantizer } from './quantizer.js';
import { EncoderHistory, type QuantizedSnapshot } from './snapshot-history.js';
import type { EncodedSnapshot, EntityState, PositionEncoder } from './types.js';
import {
  FieldKind,
  KIND_DELTA,
  KIND_FULL,
  type PositionLayout,
  SEQUENCE_BITS,
  SEQUENCE_MASK,
  sequenceDistance,
} from './wire-format.js';

/**
 * Bytes of the buffer encoded snapshots are carved from (about 27 snapshots of
 * 32 entities): a returned snapshot keeps at most this much memory alive.
 */
const OUTPUT_SLAB_BYTES = 8192;

/** Grows a scratch index array to hold at least `count` entries. */
function grow(array: Int32Array<ArrayBuffer>, count: number): Int32Array<ArrayBuffer> {
  if (count <= array.length) return array;
  let capacity = array.length * 2;
  while (capacity < count) capacity *= 2;
  return new Int32Array(capacity);
}

/** Writes every field of row `row` of `values` as absolute values (`bits[f]` bits each). */
function writeAbsolute(writer: BitWriter, bits: Uint8Array, values: Int32Array, row: number): void {
  const fieldCount = bits.length;
  const base = row * fieldCount;
  for (let f = 0; f < fieldCount; f++) writer.writeUintUnchecked(values[base + f]!, bits[f]!);
}

/** The {@link PositionEncoder} implementation. */
export class SnapshotEncoder implements PositionEncoder {
  private readonly layout: PositionLayout;
  private readonly fieldCount: number;
  private readonly history: EncoderHistory;
  /** Output slab: each encode's bytes are a view into it, never overwritten (see `BitWriter.takeBytes`). */
  private readonly writer = new BitWriter(OUTPUT_SLAB_BYTES);
  private nextSequence = 0;
  // Scratch arrays, reused across encodes.
  private order = new Int32Array(16);
  private removed = new Int32Array(16);
  private keptBase = new Int32Array(16);
  private keptCurrent = new Int32Array(16);
  private changed = new Int32Array(16);
  private added = new Int32Array(16);

  constructor(
    private readonly options: ResolvedPositionCodecOptions,
    layout: PositionLayout,
    private readonly quantizer: Quantizer,
  ) {
    this.layout = layout;
    this.fieldCount = layout.fieldCount;
    this.history = new EncoderHistory(options.historySize, layout.fieldCount);
  }

  encode(entities: readonly EntityState[]): EncodedSnapshot {
    if (!Array.isArray(entities)) throw new InvalidMessageError('entities must be an array');
    const count = entities.length;
    if (count > this.options.maxEntities) {
      throw new InvalidMessageError(`${count} entities exceed maxEntities (${this.options.maxEntities})`);
    }
    const order = this.sortedOrder(entities);
    const current = this.history.beginNext();
    current.ensureCapacity(count);
    const fieldCount = this.fieldCount;
    for (let i = 0; i < count; i++) {
      const entity = entities[order[i]!]!;
      current.ids[i] = entity.id;
      this.quantizer.quantize(entity, current.values, i * fieldCount);
    }
    current.count = count;
    const sequence = this.nextSequence;
    current.sequence = sequence;

    const base = this.history.baseline();
    const writer = this.writer;
    writer.reset();
    writer.writeUint(sequence, SEQUENCE_BITS);
    if (base === null) {
      writer.writeUint(KIND_FULL, 1);
      this.writeFull(current);
    } else {
      writer.writeUint(KIND_DELTA, 1);
      writer.writeVarUint(sequenceDistance(sequence, base.sequence) - 1);
      this.writeDelta(base, current);
    }
    // A view into the writer's slab: allocating a fresh ArrayBuffer for each
    // datagram (what slice() does above 64 bytes) costs more than encoding it.
    const bytes = writer.takeBytes();
    this.history.commit();
    this.nextSequence = (sequence + 1) & SEQUENCE_MASK;
    return { bytes, sequence, baseline: base === null ? null : base.sequence };
  }

  acknowledge(sequence: number): void {
    if (!Number.isInteger(sequence) || sequence < 0 || sequence > SEQUENCE_MASK) return;
    this.history.acknowledge(sequence);
  }

  reset(): void {
    this.history.reset();
  }

  /** Validates ids and returns entity indices in ascending id order. */
  private sortedOrder(entities: readonly EntityState[]): Int32Array<ArrayBuffer> {
    const count = entities.length;
    const maxId = this.options.maxEntityId;
    this.order = grow(this.order, count);
    const order = this.order;
    let sorted = true;
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const entity = entities[i];
      if (typeof entity !== 'object' || entity === null) {
        throw new InvalidMessageError(`entity at index ${i} is not an object`);
      }
      const id = entity.id;
      if (!Number.isInteger(id) || id < 0 || id > maxId) {
        throw new InvalidMessageError(`entity id ${String(id)} is not an integer in 0..${maxId}`);
      }
      if (id <= previous) sorted = false;
      previous = id;
      order[i] = i;
    }
    if (sorted) return order;
    const view = order.subarray(0, count);
    view.sort((a, b) => entities[a]!.id - entities[b]!.id);
    for (let i = 1; i < count; i++) {
      if (entities[view[i]!]!.id === entities[view[i - 1]!]!.id) {
        throw new InvalidMessageError(`duplicate entity id ${entities[view[i]!]!.id}`);
      }
    }
    return order;
  }

  private writeFull(current: QuantizedSnapshot): void {
    const writer = this.writer;
    writer.writeVarUint(current.count);
    let previous = -1;
    for (let i = 0; i < current.count; i++) {
      const id = current.ids[i]!;
      writer.writeVarUintUnchecked(id - previous - 1, 0);
      previous = id;
      writeAbsolute(writer, this.layout.bits, current.values, i);
    }
  }

  private writeDelta(base: QuantizedSnapshot, current: QuantizedSnapshot): void {
    const writer = this.writer;
    const { bits, kinds, deltaOrders, maxValues } = this.layout;
    const fieldCount = this.fieldCount;
    const baseCount = base.count;
    const currentCount = current.count;
    this.removed = grow(this.removed, baseCount);
    this.keptBase = grow(this.keptBase, baseCount);
    this.keptCurrent = grow(this.keptCurrent, baseCount);
    this.changed = grow(this.changed, baseCount);
    this.added = grow(this.added, currentCount);
    const { removed, keptBase, keptCurrent, changed, added } = this;

    // Merge the two sorted id lists (usually identical: then every entity is kept).
    let removedCount = 0;
    let keptCount = 0;
    let addedCount = 0;
    let b = 0;
    let c = 0;
    const baseIds = base.ids;
    const currentIds = current.ids;
    if (baseCount === currentCount) {
      while (keptCount < baseCount && baseIds[keptCount] === currentIds[keptCount]) {
        keptBase[keptCount] = keptCount;
        keptCurrent[keptCount] = keptCount;
        keptCount++;
      }
      b = keptCount;
      c = keptCount;
    }
    while (b < baseCount || c < currentCount) {
      if (c >= currentCount || (b < baseCount && baseIds[b]! < currentIds[c]!)) {
        removed[removedCount++] = b++;
      } else if (b >= baseCount || currentIds[c]! < baseIds[b]!) {
        added[addedCount++] = c++;
      } else {
        keptBase[keptCount] = b++;
        keptCurrent[keptCount++] = c++;
      }
    }

    // Which kept entities changed?
    const baseValues = base.values;
    const currentValues = current.values;
    let changedCount = 0;
    for (let k = 0; k < keptCount; k++) {
      const bo = keptBase[k]! * fieldCount;
      const co = keptCurrent[k]! * fieldCount;
      for (let f = 0; f < fieldCount; f++) {
        if (baseValues[bo + f] !== currentValues[co + f]) {
          changed[changedCount++] = k;
          break;
        }
      }
    }

    writer.writeVarUintUnchecked(removedCount, 0);
    let previous = -1;
    for (let i = 0; i < removedCount; i++) {
      writer.writeVarUintUnchecked(removed[i]! - previous - 1, 0);
      previous = removed[i]!;
    }

    writer.writeVarUintUnchecked(changedCount, 0);
    previous = -1;
    for (let i = 0; i < changedCount; i++) {
      const k = changed[i]!;
      writer.writeVarUintUnchecked(k - previous - 1, 0);
      previous = k;
      const bo = keptBase[k]! * fieldCount;
      const co = keptCurrent[k]! * fieldCount;
      for (let f = 0; f < fieldCount; f++) {
        let delta = currentValues[co + f]! - baseValues[bo + f]!;
        if (delta === 0) {
          writer.writeUintUnchecked(0, 1);
          continue;
        }
        if (kinds[f] === FieldKind.Yaw) {
          // Shortest way around the circle: delta in [−half, half).
          const modulus = maxValues[f]! + 1;
          const half = modulus / 2;
          if (delta >= half) delta -= modulus;
          else if (delta < -half) delta += modulus;
        }
        // A 1 bit, then zigzag(delta) − 1: delta is never 0 here.
        writer.writeFlaggedVarUintUnchecked(delta > 0 ? 2 * delta - 1 : -2 * delta - 2, deltaOrders[f]!);
      }
    }

    writer.writeVarUintUnchecked(addedCount, 0);
    previous = -1;
    for (let i = 0; i < addedCount; i++) {
      const row = added[i]!;
      const id = currentIds[row]!;
      writer.writeVarUintUnchecked(id - previous - 1, 0);
      previous = id;
      writeAbsolute(writer, bits, currentValues, row);
    }
  }
}
