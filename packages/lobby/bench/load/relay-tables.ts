/**
 * The synthetic-client tables (one broadcast frame per message, no SDK):
 * saturation and idle memory. Medians and min–max ranges over repetitions,
 * ratio columns against raw ws and against Colyseus.
 */
import type { BenchTable } from '../../../../bench/harness.js';
import { spread, spreadColumns } from '../../../../bench/harness.js';
import type { IdleMemoryResult } from './idle-memory.js';
import type { WindowResult } from './measure-window.js';
import { clockTicksPerSecond } from './proc-stats.js';

/** The servers of the synthetic tables. */
export type SyntheticKind = 'raw' | 'colyseus' | 'handoff';

/** Every synthetic result of one suite run, by workload and server. */
export interface SyntheticResults {
  saturation: Record<SyntheticKind, WindowResult[]>;
  memory: Record<SyntheticKind, IdleMemoryResult[]>;
}

/** Row names: the baseline first. */
export const SYNTHETIC_ROW_NAMES: Record<SyntheticKind, string> = {
  raw: 'raw ws (send per member)',
  colyseus: 'colyseus 0.18 (onMessage + broadcast)',
  handoff: 'handoff lobby (limits raised)',
};
/** Every server, in table order. */
export const SYNTHETIC_KINDS: readonly SyntheticKind[] = ['raw', 'colyseus', 'handoff'];
const KINDS = SYNTHETIC_KINDS;
const ROW_NAMES = SYNTHETIC_ROW_NAMES;
const THROUGHPUT_TARGET = 3;
const HEADLINE = 'deliveries/CPU-s';

/** Deliveries per server CPU-second; a window under one clock tick counts as one tick. */
function perCpuSecond(window: WindowResult): number {
  return window.deliveries / Math.max(window.serverCpuSeconds, 1 / clockTicksPerSecond());
}

function throughputRow(kind: SyntheticKind, runs: readonly WindowResult[]) {
  const values: Record<string, number> = {
    'deliveries/s': spread(runs.map((run) => run.deliveries / run.seconds)).median,
    'server CPU %': spread(runs.map((run) => (100 * run.serverCpuSeconds) / run.seconds)).median,
    'of which sys %': spread(runs.map((run) => (100 * run.serverSysSeconds) / run.seconds)).median,
    ...spreadColumns(HEADLINE, runs.map(perCpuSecond)),
    'load-gen CPU %': spread(runs.map((run) => (100 * run.loadCpuSeconds) / run.seconds)).median,
  };
  return { name: ROW_NAMES[kind], values };
}

function throughputVerdict(runs: Record<SyntheticKind, readonly WindowResult[]>): string {
  const ratio = spread(runs.handoff.map(perCpuSecond)).median / spread(runs.raw.map(perCpuSecond)).median;
  const met = ratio >= THROUGHPUT_TARGET;
  const versusColyseus =
    spread(runs.handoff.map(perCpuSecond)).median / spread(runs.colyseus.map(perCpuSecond)).median;
  return `Target: handoff ≥ ${THROUGHPUT_TARGET}× raw ws ${HEADLINE} — ${met ? 'MET' : 'MISSED'} (${ratio.toFixed(2)}×); ${versusColyseus.toFixed(2)}× Colyseus.`;
}

/** The saturation table. */
export function saturationTable(
  title: string,
  runs: Record<SyntheticKind, WindowResult[]>,
  notes: string[],
): BenchTable {
  return {
    title,
    baseline: ROW_NAMES.raw,
    alsoVersus: [ROW_NAMES.colyseus],
    ratioOf: HEADLINE,
    higherIsBetter: true,
    rows: KINDS.map((kind) => throughputRow(kind, runs[kind])),
    notes: [throughputVerdict(runs), ...notes],
  };
}

/** The idle memory table. */
export function memoryTable(
  title: string,
  runs: Record<SyntheticKind, IdleMemoryResult[]>,
  notes: string[],
): BenchTable {
  const own = spread(runs.handoff.map((run) => run.kibPerClient)).median;
  return {
    title,
    baseline: ROW_NAMES.raw,
    alsoVersus: [ROW_NAMES.colyseus],
    ratioOf: 'KB/client',
    higherIsBetter: false,
    rows: KINDS.map((kind) => ({
      name: ROW_NAMES[kind],
      values: {
        ...spreadColumns(
          'KB/client',
          runs[kind].map((run) => run.kibPerClient),
        ),
        'RSS before MB': spread(runs[kind].map((run) => run.rssBeforeKiB / 1024)).median,
        'RSS after MB': spread(runs[kind].map((run) => run.rssAfterKiB / 1024)).median,
      },
    })),
    notes: [
      `Target: handoff ≤ 12 KB RSS per idle client — ${own <= 12 ? 'MET' : 'MISSED'} (${own.toFixed(1)} KB).`,
      ...notes,
    ],
  };
}
