/** Percentiles and median/min/max spreads for the transport bench tables. */
import { median } from '../../../bench/harness.js';

/** Median, smallest and largest of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Median and range of a non-empty list. */
export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** The `p`-th percentile (0..100, nearest rank); NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** `{ [name]: median, [name min]: min, [name max]: max }`, for table columns. */
export function spreadColumns(name: string, values: readonly number[]): Record<string, number> {
  const { median: mid, min, max } = spread(values);
  return { [name]: mid, [`${name} min`]: min, [`${name} max`]: max };
}
