/**
 * Quantization: world values ↔ the integers that travel on the wire.
 * Positions and velocities round to the nearest grid point (error ≤ half a
 * step); yaw wraps to [0, 2π) and rounds to the nearest of `2^bits` steps.
 *
 * @module
 */

import { InvalidMessageError } from '../../errors.js';
import type { EntityState } from './types.js';
import type { FieldLayout, PositionLayout } from './wire-format.js';

const TWO_PI = 2 * Math.PI;

function invalid(field: FieldLayout, value: unknown, id: number): InvalidMessageError {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return new InvalidMessageError(
      `entity ${id}: ${field.key} must be a finite number, got ${String(value)}`,
    );
  }
  return new InvalidMessageError(
    `entity ${id}: ${field.key} = ${value} is outside ${field.min}..${field.max}`,
  );
}

/** A position or velocity component: must lie in [min, max]; rounds to the nearest step. */
function quantizeLinear(field: FieldLayout, value: number | undefined, id: number): number {
  if (typeof value !== 'number' || !(value >= field.min && value <= field.max))
    throw invalid(field, value, id);
  return Math.round((value - field.offset) / field.step);
}

/** Yaw: any finite angle, wrapped to [0, 2π), rounded to the nearest of 2^bits steps (2π wraps to 0). */
function quantizeYaw(field: FieldLayout, value: number | undefined, id: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, value, id);
  let wrapped = value;
  // Fast paths are exactly what `%` gives for these ranges; `%` (fmod) is slow.
  if (wrapped < 0) {
    if (wrapped <= -TWO_PI) wrapped %= TWO_PI;
    wrapped += TWO_PI;
  } else if (wrapped >= TWO_PI) {
    wrapped %= TWO_PI;
  }
  const q = Math.round(wrapped / field.step);
  return q > field.maxValue ? 0 : q;
}

/** Which optional fields a layout has, as bits of a small integer (see {@link Quantizer.dequantize}). */
const HAS_Z = 1;
const HAS_YAW = 2;
const HAS_VELOCITY = 4;

/** A field that is absent from the layout (never read: the shape says so). */
const ABSENT: FieldLayout = {
  key: 'x',
  kind: 0,
  offset: 0,
  min: 0,
  max: 0,
  step: 1,
  maxValue: 0,
  bits: 0,
  deltaOrder: 0,
};

/**
 * Converts entities to quantized integer rows and back, for one layout.
 * Every field is present (absent ones are {@link ABSENT}) so the class has
 * one shape; `shape` says which ones the layout really has.
 */
export class Quantizer {
  private readonly x: FieldLayout;
  private readonly y: FieldLayout;
  private readonly z: FieldLayout;
  private readonly yaw: FieldLayout;
  private readonly vx: FieldLayout;
  private readonly vy: FieldLayout;
  private readonly vz: FieldLayout;
  /** `HAS_*` bits of the layout. */
  private readonly shape: number;

  constructor(layout: PositionLayout) {
    const find = (key: FieldLayout['key']): FieldLayout | undefined =>
      layout.fields.find((f) => f.key === key);
    const z = find('z');
    const yaw = find('yaw');
    const vx = find('vx');
    this.x = find('x')!;
    this.y = find('y')!;
    this.z = z ?? ABSENT;
    this.yaw = yaw ?? ABSENT;
    this.vx = vx ?? ABSENT;
    this.vy = find('vy') ?? ABSENT;
    this.vz = find('vz') ?? ABSENT;
    this.shape = (z ? HAS_Z : 0) | (yaw ? HAS_YAW : 0) | (vx ? HAS_VELOCITY : 0);
  }

  /**
   * Validates one entity's values and writes its quantized fields, in
   * layout order, to `out[offset..]`.
   *
   * @throws {InvalidMessageError} for a missing, non-finite or out-of-range value.
   */
  quantize(entity: EntityState, out: Int32Array, offset: number): void {
    const id = entity.id;
    const shape = this.shape;
    let i = offset;
    out[i++] = quantizeLinear(this.x, entity.x, id);
    out[i++] = quantizeLinear(this.y, entity.y, id);
    if ((shape & HAS_Z) !== 0) out[i++] = quantizeLinear(this.z, entity.z, id);
    if ((shape & HAS_YAW) !== 0) out[i++] = quantizeYaw(this.yaw, entity.yaw, id);
    if ((shape & HAS_VELOCITY) !== 0) {
      out[i++] = quantizeLinear(this.vx, entity.vx, id);
      out[i++] = quantizeLinear(this.vy, entity.vy, id);
      if ((shape & HAS_Z) !== 0) out[i++] = quantizeLinear(this.vz, entity.vz, id);
    }
  }

  /**
   * Builds the entities of a quantized snapshot: entity `i` has id `ids[i]`
   * and fields `values[i·fieldCount ..]`. The common 3D layouts get a loop
   * of their own with every constant in a local.
   */
  dequantizeAll(ids: Uint32Array, values: Int32Array, count: number, fieldCount: number): EntityState[] {
    const entities = new Array<EntityState>(count);
    const { x, y, z, yaw } = this;
    const ox = x.offset;
    const sx = x.step;
    const oy = y.offset;
    const sy = y.step;
    const oz = z.offset;
    const sz = z.step;
    if (this.shape === (HAS_Z | HAS_YAW)) {
      const syaw = yaw.step;
      for (let i = 0, o = 0; i < count; i++, o += 4) {
        entities[i] = {
          id: ids[i]!,
          x: ox + values[o]! * sx,
          y: oy + values[o + 1]! * sy,
          z: oz + values[o + 2]! * sz,
          yaw: values[o + 3]! * syaw,
        };
      }
    } else if (this.shape === HAS_Z) {
      for (let i = 0, o = 0; i < count; i++, o += 3) {
        entities[i] = {
          id: ids[i]!,
          x: ox + values[o]! * sx,
          y: oy + values[o + 1]! * sy,
          z: oz + values[o + 2]! * sz,
        };
      }
    } else {
      for (let i = 0; i < count; i++) entities[i] = this.dequantize(ids[i]!, values, i * fieldCount);
    }
    return entities;
  }

  /**
   * Builds the entity whose quantized fields are `values[offset..]`. Each
   * layout gets one object literal, so every entity is created with its
   * final shape in one allocation (no properties added afterwards).
   */
  dequantize(id: number, values: Int32Array, offset: number): EntityState {
    const x = this.x.offset + values[offset]! * this.x.step;
    const y = this.y.offset + values[offset + 1]! * this.y.step;
    switch (this.shape) {
      case 0:
        return { id, x, y };
      case HAS_Z:
        return { id, x, y, z: this.z.offset + values[offset + 2]! * this.z.step };
      case HAS_YAW:
        return { id, x, y, yaw: values[offset + 2]! * this.yaw.step };
      case HAS_Z | HAS_YAW:
        return {
          id,
          x,
          y,
          z: this.z.offset + values[offset + 2]! * this.z.step,
          yaw: values[offset + 3]! * this.yaw.step,
        };
      default:
        return this.dequantizeWithVelocity(id, x, y, values, offset + 2);
    }
  }

  /** {@link dequantize} for layouts with velocity; `i` indexes the field after `y`. */
  private dequantizeWithVelocity(
    id: number,
    x: number,
    y: number,
    values: Int32Array,
    i: number,
  ): EntityState {
    const { z, yaw, vx, vy, vz } = this;
    switch (this.shape) {
      case HAS_VELOCITY:
        return {
          id,
          x,
          y,
          vx: vx.offset + values[i]! * vx.step,
          vy: vy.offset + values[i + 1]! * vy.step,
        };
      case HAS_VELOCITY | HAS_YAW:
        return {
          id,
          x,
          y,
          yaw: values[i]! * yaw.step,
          vx: vx.offset + values[i + 1]! * vx.step,
          vy: vy.offset + values[i + 2]! * vy.step,
        };
      case HAS_VELOCITY | HAS_Z:
        return {
          id,
          x,
          y,
          z: z.offset + values[i]! * z.step,
          vx: vx.offset + values[i + 1]! * vx.step,
          vy: vy.offset + values[i + 2]! * vy.step,
          vz: vz.offset + values[i + 3]! * vz.step,
        };
      default:
        return {
          id,
          x,
          y,
          z: z.offset + values[i]! * z.step,
          yaw: values[i + 1]! * yaw.step,
          vx: vx.offset + values[i + 2]! * vx.step,
          vy: vy.offset + values[i + 3]! * vy.step,
          vz: vz.offset + values[i + 4]! * vz.step,
        };
    }
  }
}
