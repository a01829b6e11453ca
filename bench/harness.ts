/**
 * A tiny benchmark harness: every suite returns tables of rows; one row per
 * contender, with a ratio against the suite's baseline row computed in the
 * same run (absolute numbers are noise on shared machines; ratios are not).
 */

import type { BenchChart } from './svg-chart.js';

/** One measured contender in a comparison. */
export interface BenchRow {
  /** Contender name, e.g. `handoff` or `msgpackr (structures)`. */
  name: string;
  /** Figures keyed by column name, e.g. `{ bytes: 14, 'ops/s': 2.1e6 }`. */
  values: Record<string, number>;
}

/** A comparison table: rows measured side by side in one run. */
export interface BenchTable {
  /** Table title, e.g. `position update, one entity`. */
  title: string;
  /** Name of the row other rows are compared with (none: a summary table without ratio columns). */
  baseline: string | undefined;
  /** Column used for the ratio column (`x baseline`). */
  ratioOf: string;
  /** Heading of the first column. Default `contender`. */
  rowHeader?: string;
  /** More rows to compare every row with, each in a ratio column of its own (e.g. each peer). */
  alsoVersus?: string[];
  /** Whether a larger value of `ratioOf` is better (ops/s) or worse (bytes). */
  higherIsBetter: boolean;
  rows: BenchRow[];
  /** Optional free-text notes printed under the table (targets, caveats). */
  notes?: string[];
  /** Charts illustrating the table; a full run writes them to `bench/charts/` and links them. */
  charts?: BenchChart[];
}

/** Options every suite receives. */
export interface BenchOptions {
  /** `--quick`: tiny iteration counts, only proves the benchmarks still run. */
  quick: boolean;
}

/** A benchmark suite module's default export. */
export type BenchSuite = (options: BenchOptions) => Promise<BenchTable[]> | BenchTable[];

/**
 * Measures how many times per second `fn` runs. Repeats `rounds` timed
 * rounds of at least `minTimeMs` each and returns the median rate, so a
 * single hiccup (GC, a noisy neighbour) does not decide the result.
 */
export function opsPerSecond(
  fn: () => void,
  options: { quick: boolean; minTimeMs?: number; rounds?: number },
): number {
  const minTimeMs = options.quick ? 5 : (options.minTimeMs ?? 200);
  const rounds = options.quick ? 1 : (options.rounds ?? 5);
  // Warm-up so the JIT has optimised the hot path before timing.
  const warmUntil = performance.now() + (options.quick ? 2 : 100);
  while (performance.now() < warmUntil) fn();
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let iterations = 0;
    let batch = 1;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < minTimeMs) {
      for (let i = 0; i < batch; i++) fn();
      iterations += batch;
      batch = Math.min(batch * 2, 1 << 16);
      elapsed = performance.now() - start;
    }
    rates.push((iterations * 1000) / elapsed);
  }
  return median(rates);
}

/** Median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Formats a number for a table cell: integers grouped, small values with 2-3 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100 || Number.isInteger(value)) return value.toFixed(0);
  return value.toPrecision(3);
}

/** Renders a table as Markdown, with a ratio column against the baseline row. */
export function renderTable(table: BenchTable): string {
  const columns = [...new Set(table.rows.flatMap((row) => Object.keys(row.values)))];
  const versus = table.baseline === undefined ? [] : [table.baseline, ...(table.alsoVersus ?? [])];
  const bases = versus.map((name) => table.rows.find((row) => row.name === name)?.values[table.ratioOf]);
  const header = [
    table.rowHeader ?? 'contender',
    ...columns,
    ...versus.map((name) => `${table.ratioOf} vs ${name}`),
  ];
  const lines = [
    `### ${table.title}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
  ];
  for (const row of table.rows) {
    const own = row.values[table.ratioOf];
    const ratios = bases.map((base) =>
      base !== undefined && own !== undefined && base !== 0 ? `${(own / base).toFixed(2)}×` : '—',
    );
    const cells = columns.map((column) => {
      const value = row.values[column];
      return value === undefined ? '—' : formatNumber(value);
    });
    lines.push(`| ${[row.name, ...cells, ...ratios].join(' | ')} |`);
  }
  for (const note of table.notes ?? []) lines.push('', note);
  return lines.join('\n');
}

/**
 * Measures several contenders in interleaved rounds (A, B, C, then B, C, A,
 * ...) and returns each one's median rate. Machine noise that drifts over
 * seconds (a neighbour's load, CPU frequency) then hits every contender
 * alike instead of whichever happened to run at the bad moment.
 */
export function interleavedOpsPerSecond(
  contenders: readonly { name: string; run: () => void }[],
  options: { quick: boolean; minTimeMs?: number; rounds?: number },
): Map<string, number> {
  const minTimeMs = options.quick ? 5 : (options.minTimeMs ?? 100);
  const rounds = options.quick ? 1 : (options.rounds ?? 9);
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (const contender of contenders) {
    const warmUntil = performance.now() + (options.quick ? 2 : 50);
    while (performance.now() < warmUntil) contender.run();
  }
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(round + k) % contenders.length]!;
      let iterations = 0;
      let batch = 1;
      const start = performance.now();
      let elapsed = 0;
      while (elapsed < minTimeMs) {
        for (let i = 0; i < batch; i++) contender.run();
        iterations += batch;
        batch = Math.min(batch * 2, 1 << 14);
        elapsed = performance.now() - start;
      }
      rates.get(contender.name)!.push((iterations * 1000) / elapsed);
    }
  }
  return new Map([...rates].map(([name, list]) => [name, median(list)]));
}

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

/** The `p`-th percentile (0..100, nearest rank) of a list; NaN when empty. */
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
