/**
 * The position decoder: reads full and delta snapshots, all-or-nothing, and
 * keeps decoded snapshots as baselines (see `docs/position-codec.md`).
 *
 * @module
 */

import { BitReader } from '../../bits/bit-reader.js';
import { InvalidMessageError, MalformedInputError, MissingBaselineError } from '../../errors.js';
import type { ResolvedPositionCodecOptions } from './options.js';
import type { Quantizer } from './quantizer.js';
import { DecoderHistory, type QuantizedSnapshot } from './snapshot-history.js';
import type { DecodedSnapshot, EntityState, PositionDecoder } from './types.js';
import { FieldKind, KIND_FULL, type PositionLayout, SEQUENCE_BITS, SEQUENCE_MASK } from './wire-format.js';

/** Largest baseline distance minus one (distances are 1..65535). */
const MAX_DISTANCE_CODE = SEQUENCE_MASK - 1;

/** Reads a count or index gap and checks it against an upper bound. */
function readBounded(reader: BitReader, limit: number, what: string): number {
  const value = reader.readVarUintUnchecked(0);
  if (value > limit) throw new MalformedInputError(`${what} ${value} exceeds ${limit}`);
  return value;
}

/** Copies row `from` of `source` to row `to` of `target` (rows of `width` values). */
function copyRow(source: Int32Array, from: number, target: Int32Array, to: number, width: number): void {
  const s = from * width;
  const t = to * width;
  for (let f = 0; f < width; f++) target[t + f] = source[s + f]!;
}

/** Grows a scratch array to hold at least `count` entries (contents are dropped). */
function growIds(array: Uint32Array, count: number): Uint32Array {
  return count <= array.length ? array : new Uint32Array(Math.max(count, array.length * 2));
}

/** Grows a scratch value array to hold at least `count` rows of `width` (contents are dropped). */
function growValues(array: Int32Array, count: number, width: number): Int32Array {
  return count * width <= array.length
    ? array
    : new Int32Array(Math.max(count, (array.length / width) * 2) * width);
}

/** The {@link PositionDecoder} implementation. */
export class SnapshotDecoder implements PositionDecoder {
  private readonly layout: PositionLayout;
  private readonly fieldCount: number;
  private readonly maxEntities: number;
  private readonly maxEntityId: number;
  private readonly history: DecoderHistory;
  private readonly reader = new BitReader();
  // Scratch, reused across decodes.
  private removed = new Uint8Array(16);
  private addedIds: Uint32Array = new Uint32Array(16);
  private addedValues: Int32Array;

  constructor(
    options: ResolvedPositionCodecOptions,
    layout: PositionLayout,
    private readonly quantizer: Quantizer,
  ) {
    this.layout = layout;
    this.fieldCount = layout.fieldCount;
    this.maxEntities = options.maxEntities;
    this.maxEntityId = options.maxEntityId;
    this.history = new DecoderHistory(options.historySize, layout.fieldCount);
    this.addedValues = new Int32Array(16 * layout.fieldCount);
  }

  decode(bytes: Uint8Array): DecodedSnapshot {
    return this.read(bytes, true);
  }

  decodeStale(bytes: Uint8Array): DecodedSnapshot {
    return this.read(bytes, false);
  }

  private read(bytes: Uint8Array, fresh: boolean): DecodedSnapshot {
    if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('input must be a Uint8Array');
    const reader = this.reader;
    reader.reset(bytes);
    const sequence = reader.readUint(SEQUENCE_BITS);
    const kind = reader.readUint(1);
    const target = this.history.scratch();
    target.sequence = sequence;
    let baseline: number | null = null;
    if (kind === KIND_FULL) {
      this.readFull(target);
    } else {
      const distance = readBounded(reader, MAX_DISTANCE_CODE, 'baseline distance code') + 1;
      baseline = (sequence - distance) & SEQUENCE_MASK;
      const base = this.history.find(baseline);
      if (base === null) {
        // Without the baseline the body cannot even be parsed (its counts refer to it).
        throw new MissingBaselineError(`snapshot ${sequence} needs baseline ${baseline}, not held`, baseline);
      }
      this.readDelta(base, target);
    }
    reader.assertEnd();
    const entities = this.materialize(target);
    this.history.commitScratch(fresh);
    return { sequence, baseline, entities };
  }

  reset(): void {
    this.history.reset();
  }

  private materialize(snapshot: QuantizedSnapshot): EntityState[] {
    return this.quantizer.dequantizeAll(snapshot.ids, snapshot.values, snapshot.count, this.fieldCount);
  }

  private readEntityCount(limit: number): number {
    const count = this.reader.readVarUint();
    if (count > limit) {
      throw new InvalidMessageError(`snapshot has more than maxEntities (${this.maxEntities}) entities`);
    }
    return count;
  }

  /** Reads `count` entities (id gaps and absolute fields) into `ids` and `values`. */
  private readEntities(count: number, ids: Uint32Array, values: Int32Array): void {
    const reader = this.reader;
    const { bits, maxValues } = this.layout;
    const fieldCount = this.fieldCount;
    const maxEntityId = this.maxEntityId;
    let previous = -1;
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const id = previous + 1 + reader.readVarUintUnchecked(0);
      if (id > maxEntityId) {
        throw new InvalidMessageError(`entity id ${id} exceeds maxEntityId (${maxEntityId})`);
      }
      ids[i] = id;
      previous = id;
      for (let f = 0; f < fieldCount; f++) {
        const value = reader.readUintUnchecked(bits[f]!);
        if (value > maxValues[f]!) this.outOfRange(f, value);
        values[offset++] = value;
      }
    }
  }

  /** Throws the error for an absolute value above its field's range. */
  private outOfRange(f: number, value: number): never {
    const field = this.layout.fields[f]!;
    throw new InvalidMessageError(`${field.key} value ${value} exceeds its range 0..${field.maxValue}`);
  }

  private readFull(target: QuantizedSnapshot): void {
    const count = this.readEntityCount(this.maxEntities);
    target.ensureCapacity(count);
    this.readEntities(count, target.ids, target.values);
    target.count = count;
  }

  /**
   * Reads the removed list and copies the kept baseline entities (ids and
   * values), in order, to the first rows of `target`. Returns how many kept.
   */
  private readKept(base: QuantizedSnapshot, target: QuantizedSnapshot): number {
    const reader = this.reader;
    const fieldCount = this.fieldCount;
    const baseCount = base.count;
    if (this.removed.length < baseCount)
      this.removed = new Uint8Array(Math.max(baseCount, this.removed.length * 2));
    const removed = this.removed;
    const removedCount = readBounded(reader, baseCount, 'removed count');
    if (removedCount > 0) removed.fill(0, 0, baseCount);
    let previous = -1;
    for (let i = 0; i < removedCount; i++) {
      const index = previous + 1 + reader.readVarUintUnchecked(0);
      if (index >= baseCount) throw new MalformedInputError(`removed index ${index} is outside the baseline`);
      removed[index] = 1;
      previous = index;
    }
    const keptCount = baseCount - removedCount;
    const baseIds = base.ids;
    const baseValues = base.values;
    if (removedCount === 0 && baseIds.length <= 2 * baseCount + 16) {
      // Copy the baseline's whole buffers: no subarray views to allocate,
      // and the capacity is not much more than the entities.
      target.ensureCapacity(baseIds.length);
      target.ids.set(baseIds);
      target.values.set(baseValues);
    } else if (removedCount === 0) {
      target.ensureCapacity(baseCount);
      target.ids.set(baseIds.subarray(0, baseCount));
      target.values.set(baseValues.subarray(0, baseCount * fieldCount));
    } else {
      target.ensureCapacity(keptCount);
      const ids = target.ids;
      const values = target.values;
      let k = 0;
      for (let b = 0; b < baseCount; b++) {
        if (removed[b] === 1) continue;
        ids[k] = baseIds[b]!;
        copyRow(baseValues, b, values, k, fieldCount);
        k++;
      }
    }
    return keptCount;
  }

  /**
   * Reads the changed list and applies each delta, validated, to the kept
   * rows of `target` (row = position in the kept list).
   */
  private readChanged(target: QuantizedSnapshot, keptCount: number): void {
    const reader = this.reader;
    const { kinds, deltaOrders, maxValues } = this.layout;
    const fieldCount = this.fieldCount;
    const changedCount = readBounded(reader, keptCount, 'changed count');
    const values = target.values;
    let previous = -1;
    for (let i = 0; i < changedCount; i++) {
      const position = previous + 1 + reader.readVarUintUnchecked(0);
      if (position >= keptCount)
        throw new MalformedInputError(`changed index ${position} is outside the kept list`);
      previous = position;
      const row = position * fieldCount;
      let changedAField = false;
      for (let f = 0; f < fieldCount; f++) {
        const coded = reader.readFlaggedVarUint(deltaOrders[f]!);
        if (coded < 0) continue;
        changedAField = true;
        // `coded` is zigzag(delta) − 1 (delta ≠ 0): odd → positive, even → negative.
        // (Integer ops only: `coded` can exceed 2^31, where `%` would be a float fmod.)
        const half = (coded >>> 1) + 1;
        const delta = (coded & 1) === 1 ? half : -half;
        const maxValue = maxValues[f]!;
        let value = values[row + f]! + delta;
        if (kinds[f] === FieldKind.Yaw) {
          const modulus = maxValue + 1;
          if (delta < -modulus / 2 || delta >= modulus / 2) {
            throw new InvalidMessageError(`yaw delta ${delta} is outside the circle`);
          }
          if (value < 0) value += modulus;
          else if (value >= modulus) value -= modulus;
        } else if (value < 0 || value > maxValue) {
          const key = this.layout.fields[f]!.key;
          throw new InvalidMessageError(`${key} value ${value} exceeds its range 0..${maxValue}`);
        }
        values[row + f] = value;
      }
      if (!changedAField) throw new MalformedInputError('a changed entity changes no field');
    }
  }

  private readDelta(base: QuantizedSnapshot, target: QuantizedSnapshot): void {
    const fieldCount = this.fieldCount;
    const keptCount = this.readKept(base, target);
    this.readChanged(target, keptCount);

    const addedCount = this.readEntityCount(this.maxEntities - keptCount);
    target.count = keptCount;
    if (addedCount === 0) return;
    this.addedIds = growIds(this.addedIds, addedCount);
    this.addedValues = growValues(this.addedValues, addedCount, fieldCount);
    const addedIds = this.addedIds;
    const addedValues = this.addedValues;
    this.readEntities(addedCount, addedIds, addedValues);

    // An added id that is also kept: report the smallest, as a forward merge would.
    const keptIds = target.ids;
    for (let k = 0, a = 0; k < keptCount && a < addedCount; ) {
      const keptId = keptIds[k]!;
      const addedId = addedIds[a]!;
      if (keptId === addedId) {
        throw new InvalidMessageError(`added entity ${addedId} is already in the snapshot`);
      }
      if (keptId < addedId) k++;
      else a++;
    }

    // Merge added into the kept rows by ascending id, in place, from the back.
    const total = keptCount + addedCount;
    target.ensureCapacity(total);
    const ids = target.ids;
    const values = target.values;
    let k = keptCount - 1;
    for (let a = addedCount - 1, out = total - 1; a >= 0; out--) {
      if (k >= 0 && ids[k]! > addedIds[a]!) {
        ids[out] = ids[k]!;
        copyRow(values, k, values, out, fieldCount);
        k--;
      } else {
        ids[out] = addedIds[a]!;
        copyRow(addedValues, a, values, out, fieldCount);
        a--;
      }
    }
    target.count = total;
  }
}
