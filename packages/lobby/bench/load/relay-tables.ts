/**
 * Turns the relay suite's raw results into comparison tables: medians and
 * min–max ranges over repetitions, ratio columns against raw ws and against
 * Colyseus, and the targets with an honest met / missed verdict in the notes.
 */
import type { BenchTable } from '../../../../bench/harness.js';
import { percentile, spread, spreadColumns } from '../../../../bench/harness.js';
import type { ServerKind } from './child-server.js';
import type { IdleMemoryResult } from './idle-memory.js';
import type { WindowResult } from './measure-window.js';
import { clockTicksPerSecond } from './proc-stats.js';
import type { RateResult } from './rate-workload.js';

/** Every result of one suite run, by workload and server. */
export interface RelayResults {
  rooms8: Record<ServerKind, RateResult[]>;
  rooms32: Record<ServerKind, RateResult[]>;
  saturation: Record<ServerKind, WindowResult[]>;
  latency: Record<ServerKind, RateResult[]>;
  memory: Record<ServerKind, IdleMemoryResult[]>;
}

/** Row names: the baseline first. */
export const ROW_NAMES: Record<ServerKind, string> = {
  raw: 'raw ws (send per member)',
  colyseus: 'colyseus 0.18 (onMessage + broadcast)',
  handoff: 'handoff lobby',
};
/** Every server, in table order. */
export const SERVER_KINDS: readonly ServerKind[] = ['raw', 'colyseus', 'handoff'];
const KINDS = SERVER_KINDS;
const THROUGHPUT_TARGET = 3;
/** Target: Handoff's server CPU at most this fraction of Colyseus's for the same 30 Hz load. */
const COLYSEUS_CPU_TARGET = 0.5;
const HEADLINE = 'deliveries/CPU-s';

/** Deliveries per server CPU-second; a window under one clock tick counts as one tick. */
function perCpuSecond(window: WindowResult): number {
  return window.deliveries / Math.max(window.serverCpuSeconds, 1 / clockTicksPerSecond());
}

function throughputRow(kind: ServerKind, runs: readonly WindowResult[], clients?: number) {
  const values: Record<string, number> = {
    'deliveries/s': spread(runs.map((run) => run.deliveries / run.seconds)).median,
    'server CPU %': spread(runs.map((run) => (100 * run.serverCpuSeconds) / run.seconds)).median,
    'of which sys %': spread(runs.map((run) => (100 * run.serverSysSeconds) / run.seconds)).median,
    ...spreadColumns(HEADLINE, runs.map(perCpuSecond)),
  };
  if (clients !== undefined)
    values['recv B/s per client'] = spread(runs.map((run) => run.bytes / run.seconds / clients)).median;
  values['load-gen CPU %'] = spread(runs.map((run) => (100 * run.loadCpuSeconds) / run.seconds)).median;
  return { name: ROW_NAMES[kind], values };
}

function throughputVerdict(runs: Record<ServerKind, readonly WindowResult[]>): string {
  const ratio = spread(runs.handoff.map(perCpuSecond)).median / spread(runs.raw.map(perCpuSecond)).median;
  const met = ratio >= THROUGHPUT_TARGET;
  const versusColyseus =
    spread(runs.handoff.map(perCpuSecond)).median / spread(runs.colyseus.map(perCpuSecond)).median;
  return `Target: handoff ≥ ${THROUGHPUT_TARGET}× raw ws ${HEADLINE} — ${met ? 'MET' : 'MISSED'} (${ratio.toFixed(2)}×); ${versusColyseus.toFixed(2)}× Colyseus.`;
}

/** Server CPU for the same offered load, Handoff over Colyseus (lower is better). */
function colyseusCpuVerdict(runs: Record<ServerKind, readonly WindowResult[]>): string {
  const cpu = (kind: ServerKind): number =>
    spread(runs[kind].map((run) => run.serverCpuSeconds / run.seconds)).median;
  const ratio = cpu('handoff') / cpu('colyseus');
  const met = ratio <= COLYSEUS_CPU_TARGET;
  return `Target: handoff server CPU ≤ ${COLYSEUS_CPU_TARGET}× Colyseus at the same load — ${met ? 'MET' : 'MISSED'} (${ratio.toFixed(2)}×).`;
}

/** The 30 Hz table for one room size. */
export function rateTable(
  title: string,
  runs: Record<ServerKind, RateResult[]>,
  expectedPerSecond: number,
  notes: string[],
): BenchTable {
  const clients = runs.raw[0]?.clients ?? 0;
  return {
    title,
    baseline: ROW_NAMES.raw,
    alsoVersus: [ROW_NAMES.colyseus],
    ratioOf: HEADLINE,
    higherIsBetter: true,
    rows: KINDS.map((kind) => throughputRow(kind, runs[kind], clients)),
    notes: [
      `Offered load: ${expectedPerSecond.toFixed(0)} deliveries/s (every frame to every other member). ${colyseusCpuVerdict(runs)} ${throughputVerdict(runs)}`,
      ...notes,
    ],
  };
}

/** The saturation table. */
export function saturationTable(
  title: string,
  runs: Record<ServerKind, WindowResult[]>,
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

/** The latency table (p50/p99 of every run's one-way latencies; medians and ranges over runs). */
export function latencyTable(
  title: string,
  runs: Record<ServerKind, RateResult[]>,
  notes: string[],
): BenchTable {
  const p = (kind: ServerKind, q: number): number[] =>
    runs[kind].map((run) => percentile(run.latenciesMs, q));
  const rawP50 = spread(p('raw', 50)).median;
  const rawP99 = spread(p('raw', 99)).median;
  const ownP50 = spread(p('handoff', 50)).median;
  const ownP99 = spread(p('handoff', 99)).median;
  const p50Met = ownP50 <= rawP50 + 0.1;
  const p99Met = ownP99 <= 1.5 * rawP99;
  return {
    title,
    baseline: ROW_NAMES.raw,
    alsoVersus: [ROW_NAMES.colyseus],
    ratioOf: 'p99 ms',
    higherIsBetter: false,
    rows: KINDS.map((kind) => ({
      name: ROW_NAMES[kind],
      values: {
        ...spreadColumns('p50 ms', p(kind, 50)),
        ...spreadColumns('p99 ms', p(kind, 99)),
        samples: spread(runs[kind].map((run) => run.latenciesMs.length)).median,
      },
    })),
    notes: [
      `Targets: p50 ≤ raw + 0.1 ms — ${p50Met ? 'MET' : 'MISSED'} (+${(ownP50 - rawP50).toFixed(3)} ms); ` +
        `p99 ≤ 1.5× raw — ${p99Met ? 'MET' : 'MISSED'} (${(ownP99 / rawP99).toFixed(2)}×).`,
      ...notes,
    ],
  };
}

/** The idle memory table. */
export function memoryTable(
  title: string,
  runs: Record<ServerKind, IdleMemoryResult[]>,
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
