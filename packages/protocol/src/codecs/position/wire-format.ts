/**
 * Wire-format constants of the position codec and the per-field layout that
 * follows from the options. `docs/position-codec.md` is the normative
 * description; keep the two in step.
 *
 * @module
 */

import type { ResolvedPositionCodecOptions } from './options.js';
import { stepCount } from './options.js';

/** Width of the snapshot sequence number (it wraps from 65535 to 0). */
export const SEQUENCE_BITS = 16;
/** Sequence numbers are taken modulo this. */
export const SEQUENCE_MODULUS = 1 << SEQUENCE_BITS;
/** Mask to reduce a number to a sequence. */
export const SEQUENCE_MASK = SEQUENCE_MODULUS - 1;

/** Value of the kind bit that follows the sequence: a full snapshot. */
export const KIND_FULL = 0;
/** Value of the kind bit that follows the sequence: a delta against a baseline. */
export const KIND_DELTA = 1;

/**
 * A typical per-snapshot displacement on one axis, in world units (a player
 * at ~7.5 units/s sampled at 30 Hz). The exp-Golomb order of position
 * deltas is chosen so that moves of this size cost `order + 1..3` bits.
 */
export const TYPICAL_MOVE = 0.25;
/** Typical per-snapshot change of a velocity component, in its own units. */
export const TYPICAL_VELOCITY_CHANGE = 0.5;
/** Yaw deltas use exp-Golomb order `max(0, yawBits − YAW_ORDER_OFFSET)`. */
export const YAW_ORDER_OFFSET = 8;
/** Largest exp-Golomb order derived for a field. */
export const MAX_DELTA_ORDER = 20;

/** What a quantized field holds; decides how deltas are formed. */
export const FieldKind = {
  /** A position axis: `[0, steps]`, linear deltas. */
  Position: 0,
  /** Yaw: `[0, 2^bits)`, deltas wrap around the circle. */
  Yaw: 1,
  /** A velocity component: `[0, steps]` (offset by `max`), linear deltas. */
  Velocity: 2,
} as const;

/** One of the values of {@link FieldKind}. */
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

/** One quantized field of an entity, in wire order. */
export interface FieldLayout {
  /** Property of `EntityState` the field comes from. */
  readonly key: 'x' | 'y' | 'z' | 'yaw' | 'vx' | 'vy' | 'vz';
  /** How deltas are formed. */
  readonly kind: FieldKind;
  /** Value of world coordinate `q = 0` (positions: `bounds.min`; velocity: `−max`; yaw: 0). */
  readonly offset: number;
  /** Smallest accepted world value (inclusive); `-Infinity` for yaw, which wraps. */
  readonly min: number;
  /** Largest accepted world value (inclusive); `Infinity` for yaw, which wraps. */
  readonly max: number;
  /** World units per quantization step. */
  readonly step: number;
  /** Largest quantized value (positions/velocity: `steps`; yaw: `2^bits − 1`). */
  readonly maxValue: number;
  /** Bits of the absolute value in full snapshots and for new entities. */
  readonly bits: number;
  /** Exp-Golomb order of `|zigzag(delta)| − 1` in delta snapshots. */
  readonly deltaOrder: number;
}

/** Everything the encoder and decoder need to lay out bits, derived once from the options. */
export interface PositionLayout {
  /** Fields of one entity, in wire order: x, y, [z], [yaw], [vx, vy, [vz]]. */
  readonly fields: readonly FieldLayout[];
  /** `fields.length`. */
  readonly fieldCount: number;
  /** `fields[i].bits`, as a typed array for the hot loops. */
  readonly bits: Uint8Array;
  /** `fields[i].deltaOrder`. */
  readonly deltaOrders: Uint8Array;
  /** `fields[i].kind`. */
  readonly kinds: Uint8Array;
  /** `fields[i].maxValue`. */
  readonly maxValues: Int32Array;
}

/** Bits needed to write every integer in [0, maxValue]. */
export function bitsFor(maxValue: number): number {
  return maxValue <= 0 ? 0 : 32 - Math.clz32(maxValue);
}

function orderFor(typicalSteps: number): number {
  if (!(typicalSteps >= 1)) return 0;
  return Math.min(MAX_DELTA_ORDER, Math.floor(Math.log2(typicalSteps)));
}

/** Derives the field layout from resolved options. */
export function computeLayout(options: ResolvedPositionCodecOptions): PositionLayout {
  const fields: FieldLayout[] = [];
  const axes = (['x', 'y', 'z'] as const).slice(0, options.dimensions);
  axes.forEach((key, axis) => {
    const min = options.bounds.min[axis]!;
    const max = options.bounds.max[axis]!;
    const steps = stepCount(min, max, options.resolution);
    fields.push({
      key,
      kind: FieldKind.Position,
      offset: min,
      min,
      max,
      step: options.resolution,
      maxValue: steps,
      bits: bitsFor(steps),
      deltaOrder: orderFor(TYPICAL_MOVE / options.resolution),
    });
  });
  if (options.yaw !== false) {
    const bits = options.yaw.bits;
    fields.push({
      key: 'yaw',
      kind: FieldKind.Yaw,
      offset: 0,
      min: Number.NEGATIVE_INFINITY,
      max: Number.POSITIVE_INFINITY,
      step: (2 * Math.PI) / 2 ** bits,
      maxValue: 2 ** bits - 1,
      bits,
      deltaOrder: Math.max(0, bits - YAW_ORDER_OFFSET),
    });
  }
  if (options.velocity !== false) {
    const { max, resolution } = options.velocity;
    const steps = stepCount(-max, max, resolution);
    const velocityKeys = (['vx', 'vy', 'vz'] as const).slice(0, options.dimensions);
    for (const key of velocityKeys) {
      fields.push({
        key,
        kind: FieldKind.Velocity,
        offset: -max,
        min: -max,
        max,
        step: resolution,
        maxValue: steps,
        bits: bitsFor(steps),
        deltaOrder: orderFor(TYPICAL_VELOCITY_CHANGE / resolution),
      });
    }
  }
  return {
    fields,
    fieldCount: fields.length,
    bits: Uint8Array.from(fields, (f) => f.bits),
    deltaOrders: Uint8Array.from(fields, (f) => f.deltaOrder),
    kinds: Uint8Array.from(fields, (f) => f.kind),
    maxValues: Int32Array.from(fields, (f) => f.maxValue),
  };
}

/** `(a − b) mod 2^16`: how many snapshots `a` is after `b`. */
export function sequenceDistance(a: number, b: number): number {
  return (a - b) & SEQUENCE_MASK;
}
