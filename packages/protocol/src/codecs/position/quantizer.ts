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

/** Converts entities to quantized integer rows and back, for one layout. */
export class Quantizer {
  private readonly x: FieldLayout;
  private readonly y: FieldLayout;
  private readonly z: FieldLayout | undefined;
  private readonly yaw: FieldLayout | undefined;
  private readonly vx: FieldLayout | undefined;
  private readonly vy: FieldLayout | undefined;
  private readonly vz: FieldLayout | undefined;

  constructor(layout: PositionLayout) {
    const find = (key: FieldLayout['key']): FieldLayout | undefined =>
      layout.fields.find((f) => f.key === key);
    this.x = find('x')!;
    this.y = find('y')!;
    this.z = find('z');
    this.yaw = find('yaw');
    this.vx = find('vx');
    this.vy = find('vy');
    this.vz = find('vz');
  }

  /**
   * Validates one entity's values and writes its quantized fields, in
   * layout order, to `out[offset..]`.
   *
   * @throws {InvalidMessageError} for a missing, non-finite or out-of-range value.
   */
  quantize(entity: EntityState, out: Int32Array, offset: number): void {
    const id = entity.id;
    let i = offset;
    out[i++] = quantizeLinear(this.x, entity.x, id);
    out[i++] = quantizeLinear(this.y, entity.y, id);
    if (this.z !== undefined) out[i++] = quantizeLinear(this.z, entity.z, id);
    if (this.yaw !== undefined) out[i++] = quantizeYaw(this.yaw, entity.yaw, id);
    if (this.vx !== undefined) {
      out[i++] = quantizeLinear(this.vx, entity.vx, id);
      out[i++] = quantizeLinear(this.vy!, entity.vy, id);
      if (this.vz !== undefined) out[i++] = quantizeLinear(this.vz, entity.vz, id);
    }
  }

  /** Builds the entity whose quantized fields are `values[offset..]`. */
  dequantize(id: number, values: Int32Array, offset: number): EntityState {
    let i = offset;
    const x = this.x.offset + values[i++]! * this.x.step;
    const y = this.y.offset + values[i++]! * this.y.step;
    const entity: EntityState =
      this.z === undefined ? { id, x, y } : { id, x, y, z: this.z.offset + values[i++]! * this.z.step };
    if (this.yaw !== undefined) entity.yaw = values[i++]! * this.yaw.step;
    if (this.vx !== undefined) {
      entity.vx = this.vx.offset + values[i++]! * this.vx.step;
      entity.vy = this.vy!.offset + values[i++]! * this.vy!.step;
      if (this.vz !== undefined) entity.vz = this.vz.offset + values[i++]! * this.vz.step;
    }
    return entity;
  }
}
