/**
 * Options of the position codec, their defaults and their validation.
 *
 * @module
 */

import { InvalidOptionError } from '../../errors.js';

/** Options of {@link createPositionCodec}. Both peers must use identical options. */
export interface PositionCodecOptions {
  /** Number of position axes: 2 (`x`, `y`) or 3 (`x`, `y`, `z`). Default 3. */
  dimensions?: 2 | 3;
  /**
   * World bounds per axis, in world units, inclusive: `min[i] ≤ value ≤ max[i]`
   * (both arrays have `dimensions` entries, `min[i] < max[i]`). Positions
   * outside are rejected by `encode`. Default −1024..1024 on every axis.
   */
  bounds?: { min: readonly number[]; max: readonly number[] };
  /**
   * Quantization step of positions, in world units (> 0). The round-trip
   * error is at most half of it on each axis. Default 1/512. At most 2^30
   * steps may fit between `min` and `max` on any axis.
   */
  resolution?: number;
  /**
   * Whether entities carry a heading (`yaw`, radians, any finite value; it is
   * wrapped to [0, 2π)). `true` = 10 bits (a step of 2π/1024 ≈ 0.35°);
   * `{ bits }` picks 1–24 bits. Default `false`.
   */
  yaw?: boolean | { bits: number };
  /**
   * Whether entities carry a velocity (`vx`, `vy`, and `vz` in 3D), each in
   * [−max, max] quantized to `resolution` (both > 0, in world units per second
   * or whatever unit the game uses). Default `false`.
   */
  velocity?: false | { max: number; resolution: number };
  /** Most entities in one snapshot (1–65535); the decoder rejects more (hostile input). Default 256. */
  maxEntities?: number;
  /** Largest entity id accepted (0 – 2^31 − 1); ids are integers ≥ 0. Default 65535. */
  maxEntityId?: number;
  /**
   * Snapshots kept on each side to serve as delta baselines (1–4096). An
   * acknowledgement older than this many snapshots is ignored. Default 32
   * (about a second at 30 Hz).
   */
  historySize?: number;
}

/** {@link PositionCodecOptions} with every default filled in and validated. */
export interface ResolvedPositionCodecOptions {
  /** Number of position axes. */
  readonly dimensions: 2 | 3;
  /** Inclusive world bounds per axis (`dimensions` entries each). */
  readonly bounds: { readonly min: readonly number[]; readonly max: readonly number[] };
  /** Position quantization step, world units. */
  readonly resolution: number;
  /** Yaw precision in bits, or `false` when entities carry no yaw. */
  readonly yaw: false | { readonly bits: number };
  /** Velocity range and step per axis, or `false` when entities carry no velocity. */
  readonly velocity: false | { readonly max: number; readonly resolution: number };
  /** Most entities per snapshot. */
  readonly maxEntities: number;
  /** Largest entity id. */
  readonly maxEntityId: number;
  /** Snapshots kept for baselines on each side. */
  readonly historySize: number;
}

/** Default world bound magnitude on every axis (world units). */
export const DEFAULT_BOUND = 1024;
/** Default position resolution (world units). */
export const DEFAULT_RESOLUTION = 1 / 512;
/** Yaw precision used when `yaw: true`. */
export const DEFAULT_YAW_BITS = 10;
/** Default {@link PositionCodecOptions.maxEntities}. */
export const DEFAULT_MAX_ENTITIES = 256;
/** Default {@link PositionCodecOptions.maxEntityId}. */
export const DEFAULT_MAX_ENTITY_ID = 65535;
/** Default {@link PositionCodecOptions.historySize}. */
export const DEFAULT_HISTORY_SIZE = 32;

/** Most quantization steps allowed on one axis (keeps every value and delta in 32-bit integer math). */
export const MAX_STEPS = 2 ** 30 - 1;

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(`${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** Number of quantization steps between `min` and `max` at `resolution` (as the quantizer rounds). */
export function stepCount(min: number, max: number, resolution: number): number {
  return Math.round((max - min) / resolution);
}

/**
 * Fills in defaults and validates every option.
 *
 * @throws {InvalidOptionError} when a value is out of its documented range.
 */
export function resolvePositionOptions(options: PositionCodecOptions = {}): ResolvedPositionCodecOptions {
  const dimensions = options.dimensions ?? 3;
  if (dimensions !== 2 && dimensions !== 3) {
    throw new InvalidOptionError(`dimensions must be 2 or 3, got ${String(dimensions)}`);
  }
  const resolution = positive('resolution', options.resolution ?? DEFAULT_RESOLUTION);
  const min = options.bounds?.min ?? new Array<number>(dimensions).fill(-DEFAULT_BOUND);
  const max = options.bounds?.max ?? new Array<number>(dimensions).fill(DEFAULT_BOUND);
  if (!Array.isArray(min) || !Array.isArray(max) || min.length !== dimensions || max.length !== dimensions) {
    throw new InvalidOptionError(`bounds.min and bounds.max must have ${dimensions} entries each`);
  }
  for (let axis = 0; axis < dimensions; axis++) {
    const low = min[axis];
    const high = max[axis];
    if (
      typeof low !== 'number' ||
      typeof high !== 'number' ||
      !Number.isFinite(low) ||
      !Number.isFinite(high)
    ) {
      throw new InvalidOptionError(`bounds on axis ${axis} must be finite numbers`);
    }
    if (!(low < high)) throw new InvalidOptionError(`bounds.min[${axis}] must be below bounds.max[${axis}]`);
    const steps = stepCount(low, high, resolution);
    if (steps < 1 || steps > MAX_STEPS) {
      throw new InvalidOptionError(
        `axis ${axis} spans ${steps} steps of the resolution; allowed 1..${MAX_STEPS}`,
      );
    }
  }

  let yaw: false | { bits: number } = false;
  if (options.yaw === true) yaw = { bits: DEFAULT_YAW_BITS };
  else if (typeof options.yaw === 'object' && options.yaw !== null) {
    yaw = { bits: integerIn('yaw.bits', options.yaw.bits, 1, 24) };
  } else if (options.yaw !== undefined && options.yaw !== false) {
    throw new InvalidOptionError('yaw must be a boolean or { bits }');
  }

  let velocity: false | { max: number; resolution: number } = false;
  if (options.velocity !== undefined && options.velocity !== false) {
    if (typeof options.velocity !== 'object' || options.velocity === null) {
      throw new InvalidOptionError('velocity must be false or { max, resolution }');
    }
    const vmax = positive('velocity.max', options.velocity.max);
    const vres = positive('velocity.resolution', options.velocity.resolution);
    const steps = stepCount(-vmax, vmax, vres);
    if (steps < 1 || steps > MAX_STEPS) {
      throw new InvalidOptionError(
        `velocity spans ${steps} steps of its resolution; allowed 1..${MAX_STEPS}`,
      );
    }
    velocity = { max: vmax, resolution: vres };
  }

  return Object.freeze({
    dimensions,
    bounds: Object.freeze({ min: Object.freeze([...min]), max: Object.freeze([...max]) }),
    resolution,
    yaw: yaw === false ? false : Object.freeze(yaw),
    velocity: velocity === false ? false : Object.freeze(velocity),
    maxEntities: integerIn('maxEntities', options.maxEntities ?? DEFAULT_MAX_ENTITIES, 1, 65535),
    maxEntityId: integerIn('maxEntityId', options.maxEntityId ?? DEFAULT_MAX_ENTITY_ID, 0, 2 ** 31 - 1),
    historySize: integerIn('historySize', options.historySize ?? DEFAULT_HISTORY_SIZE, 1, 4096),
  });
}
