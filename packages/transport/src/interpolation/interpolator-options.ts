import { InvalidOptionError } from '@handoff/protocol';
import type { Lerp } from './lerp.js';

/** Options of a {@link SnapshotInterpolator}. */
export interface SnapshotInterpolatorOptions<T> {
  /** Blends two states (`t` in [0, 1]; above 1 when extrapolating). E.g. `lerpEntities` for a position channel. */
  lerp: Lerp<T>;
  /**
   * The sender's interval between snapshots, ms: the first guess, refined
   * from what arrives. Also the step of the timeline built from arrival
   * times when snapshots carry no sender timestamp. Default 50 (20 Hz).
   */
  sendIntervalMs?: number;
  /** Smallest render delay, ms. Default 20. */
  minDelayMs?: number;
  /** Largest render delay, ms: content older than this is skipped, never shown. Default 400. */
  maxDelayMs?: number;
  /** Render delay target = send interval + `jitterFactor` × jitter + `marginMs`. Default 3. */
  jitterFactor?: number;
  /** Fixed safety margin in the delay target, ms. Default 5. */
  marginMs?: number;
  /**
   * How much faster than real time the render clock may run to shrink the
   * delay (0.1: at most 10% faster — motion looks the same, the delay drops
   * by 100 ms per second). Default 0.1.
   */
  maxSpeedup?: number;
  /**
   * How much slower than real time the render clock may run to grow the
   * delay (0.25: 25% slower, the delay grows by 250 ms per second — fast,
   * so the buffer refills before it runs dry). Default 0.25.
   */
  maxSlowdown?: number;
  /** Past the newest snapshot, motion is extrapolated for at most this long, then held, ms. Default 100. */
  maxExtrapolationMs?: number;
  /** Time constant of the render-clock controller (how fast it reacts to a delay error), ms. Default 200. */
  responseMs?: number;
}

/** {@link SnapshotInterpolatorOptions} with every default filled in. */
export type ResolvedInterpolatorOptions<T> = Required<SnapshotInterpolatorOptions<T>>;

const range = (name: string, value: number, min: number, max: number): number => {
  if (!Number.isFinite(value) || value < min || value > max)
    throw new InvalidOptionError(`${name} must be in ${min}..${max}, got ${value}`);
  return value;
};

/** Fills in defaults and validates; throws `InvalidOptionError`. */
export function resolveInterpolatorOptions<T>(
  options: SnapshotInterpolatorOptions<T>,
): ResolvedInterpolatorOptions<T> {
  const minDelayMs = range('minDelayMs', options.minDelayMs ?? 20, 0, 10_000);
  return {
    lerp: options.lerp,
    sendIntervalMs: range('sendIntervalMs', options.sendIntervalMs ?? 50, 1, 10_000),
    minDelayMs,
    maxDelayMs: range('maxDelayMs', options.maxDelayMs ?? 400, Math.max(1, minDelayMs), 60_000),
    jitterFactor: range('jitterFactor', options.jitterFactor ?? 3, 0, 100),
    marginMs: range('marginMs', options.marginMs ?? 5, 0, 10_000),
    maxSpeedup: range('maxSpeedup', options.maxSpeedup ?? 0.1, 0, 1),
    // Below 1: the render clock never stops or runs backwards.
    maxSlowdown: range('maxSlowdown', options.maxSlowdown ?? 0.25, 0, 0.9),
    maxExtrapolationMs: range('maxExtrapolationMs', options.maxExtrapolationMs ?? 100, 0, 10_000),
    responseMs: range('responseMs', options.responseMs ?? 200, 1, 60_000),
  };
}
