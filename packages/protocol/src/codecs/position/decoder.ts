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

/** The {@link PositionDecoder} implementation. */
export class SnapshotDecoder implements PositionDecoder {
  private readonly layout: PositionLayout;
  private readonly fieldCount: number;
  private readonly history: DecoderHistory;
  private readonly reader = new BitReader();
  // Scratch, reused across decodes.
  private removed = new Uint8Array(16);
  private keptRows = new Uint32Array(16);
  private keptValues: Int32Array;
  private addedIds = new Uint32Array(16);
  private addedValues: Int32Array;

  constructor(
    private readonly options: ResolvedPositionCodecOptions,
    layout: PositionLayout,
    private readonly quantizer: Quantizer,
  ) {
    this.layout = layout;
    this.fieldCount = layout.fieldCount;
    this.history = new DecoderHistory(options.historySize, layout.fieldCount);
    this.keptValues = new Int32Array(16 * layout.fieldCount);
    this.addedValues = new Int32Array(16 * layout.fieldCount);
  }

  decode(bytes: Uint8Array): DecodedSnapshot {
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
    this.history.commitScratch();
    return { sequence, baseline, entities };
  }

  reset(): void {
    this.history.reset();
  }

  private materialize(snapshot: QuantizedSnapshot): EntityState[] {
    const entities = new Array<EntityState>(snapshot.count);
    const fieldCount = this.fieldCount;
    for (let i = 0; i < snapshot.count; i++) {
      entities[i] = this.quantizer.dequantize(snapshot.ids[i]!, snapshot.values, i * fieldCount);
    }
    return entities;
  }

  private readEntityCount(limit: number): number {
    const count = this.reader.readVarUint();
    if (count > limit) {
      throw new InvalidMessageError(
        `snapshot has more than maxEntities (${this.options.maxEntities}) entities`,
      );
    }
    return count;
  }

  /** Reads one id gap after `previous` and validates the id. */
  private readId(previous: number): number {
    const id = previous + 1 + this.reader.readVarUintUnchecked(0);
    if (id > this.options.maxEntityId) {
      throw new InvalidMessageError(`entity id ${id} exceeds maxEntityId (${this.options.maxEntityId})`);
    }
    return id;
  }

  /** Reads absolute fields into `values[offset..]`. */
  private readAbsolute(values: Int32Array, offset: number): void {
    const reader = this.reader;
    const { bits, maxValues } = this.layout;
    for (let f = 0; f < bits.length; f++) {
      const value = reader.readUintUnchecked(bits[f]!);
      if (value > maxValues[f]!) {
        const field = this.layout.fields[f]!;
        throw new InvalidMessageError(`${field.key} value ${value} exceeds its range 0..${field.maxValue}`);
      }
      values[offset + f] = value;
    }
  }

  private readFull(target: QuantizedSnapshot): void {
    const count = this.readEntityCount(this.options.maxEntities);
    target.ensureCapacity(count);
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const id = this.readId(previous);
      target.ids[i] = id;
      previous = id;
      this.readAbsolute(target.values, i * this.fieldCount);
    }
    target.count = count;
  }

  private readDelta(base: QuantizedSnapshot, target: QuantizedSnapshot): void {
    const reader = this.reader;
    const { kinds, deltaOrders, maxValues } = this.layout;
    const fieldCount = this.fieldCount;
    const baseCount = base.count;

    // Removed entities: ascending indices into the baseline.
    if (this.removed.length < baseCount)
      this.removed = new Uint8Array(Math.max(baseCount, this.removed.length * 2));
    const removed = this.removed;
    removed.fill(0, 0, baseCount);
    const removedCount = readBounded(reader, baseCount, 'removed count');
    let previous = -1;
    for (let i = 0; i < removedCount; i++) {
      const index = previous + 1 + reader.readVarUintUnchecked(0);
      if (index >= baseCount) throw new MalformedInputError(`removed index ${index} is outside the baseline`);
      removed[index] = 1;
      previous = index;
    }

    // Kept entities, in baseline order, with their baseline values.
    const keptCount = baseCount - removedCount;
    if (this.keptRows.length < keptCount) {
      this.keptRows = new Uint32Array(Math.max(keptCount, this.keptRows.length * 2));
      this.keptValues = new Int32Array(this.keptRows.length * fieldCount);
    }
    const keptRows = this.keptRows;
    const keptValues = this.keptValues;
    let k = 0;
    for (let b = 0; b < baseCount; b++) {
      if (removed[b] === 1) continue;
      keptRows[k] = b;
      copyRow(base.values, b, keptValues, k, fieldCount);
      k++;
    }

    // Changed entities: ascending positions in the kept list, then per-field deltas.
    const changedCount = readBounded(reader, keptCount, 'changed count');
    previous = -1;
    for (let i = 0; i < changedCount; i++) {
      const position = previous + 1 + reader.readVarUintUnchecked(0);
      if (position >= keptCount)
        throw new MalformedInputError(`changed index ${position} is outside the kept list`);
      previous = position;
      const offset = position * fieldCount;
      let any = false;
      for (let f = 0; f < fieldCount; f++) {
        if (reader.readUintUnchecked(1) === 0) continue;
        any = true;
        // The code is zigzag(delta) − 1 (delta ≠ 0).
        const code = reader.readVarUintUnchecked(deltaOrders[f]!) + 1;
        const delta = code % 2 === 0 ? code / 2 : -(code + 1) / 2;
        const old = keptValues[offset + f]!;
        const maxValue = maxValues[f]!;
        let value: number;
        if (kinds[f] === FieldKind.Yaw) {
          const modulus = maxValue + 1;
          if (delta < -modulus / 2 || delta >= modulus / 2) {
            throw new InvalidMessageError(`yaw delta ${delta} is outside the circle`);
          }
          value = old + delta;
          if (value < 0) value += modulus;
          else if (value >= modulus) value -= modulus;
        } else {
          value = old + delta;
          if (value < 0 || value > maxValue) {
            const key = this.layout.fields[f]!.key;
            throw new InvalidMessageError(`${key} value ${value} exceeds its range 0..${maxValue}`);
          }
        }
        keptValues[offset + f] = value;
      }
      if (!any) throw new MalformedInputError('a changed entity changes no field');
    }

    // Added entities.
    const addedCount = this.readEntityCount(this.options.maxEntities - keptCount);
    if (this.addedIds.length < addedCount) {
      this.addedIds = new Uint32Array(Math.max(addedCount, this.addedIds.length * 2));
      this.addedValues = new Int32Array(this.addedIds.length * fieldCount);
    }
    const addedIds = this.addedIds;
    const addedValues = this.addedValues;
    previous = -1;
    for (let i = 0; i < addedCount; i++) {
      const id = this.readId(previous);
      addedIds[i] = id;
      previous = id;
      this.readAbsolute(addedValues, i * fieldCount);
    }

    // Merge kept and added by ascending id.
    const total = keptCount + addedCount;
    target.ensureCapacity(total);
    const ids = target.ids;
    const values = target.values;
    const baseIds = base.ids;
    let a = 0;
    k = 0;
    for (let out = 0; out < total; out++) {
      const keptId = k < keptCount ? baseIds[keptRows[k]!]! : -1;
      const addedId = a < addedCount ? addedIds[a]! : -1;
      if (a >= addedCount || (k < keptCount && keptId < addedId)) {
        ids[out] = keptId;
        copyRow(keptValues, k, values, out, fieldCount);
        k++;
      } else {
        if (k < keptCount && keptId === addedId) {
          throw new InvalidMessageError(`added entity ${addedId} is already in the snapshot`);
        }
        ids[out] = addedId;
        copyRow(addedValues, a, values, out, fieldCount);
        a++;
      }
    }
    target.count = total;
  }
}
