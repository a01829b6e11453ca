/**
 * The real-SDK tables: one per workload (every server, medians and ranges
 * over repetitions, ratios of server CPU against the raw relay and
 * Colyseus), a summary of the targets across workloads, and the charts.
 */

import type { BenchTable } from '../../../../bench/harness.js';
import { median, spreadColumns } from '../../../../bench/harness.js';
import type { BenchChart } from '../../../../bench/svg-chart.js';
import { groupedBarChart, scatterChart } from '../../../../bench/svg-chart.js';
import { COLYSEUS_NAME, type GameContender, RAW_NAME } from './game-contenders.js';
import type { GameRunResult } from './game-workload.js';

/** One workload of the real-SDK tables, with what it ran and measured. */
export interface GameRow {
  roomSize: number;
  hz: number;
  /** Whether the targets on server CPU (≤ 0.5× Colyseus) apply to this workload. */
  cpuTarget: boolean;
  contenders: readonly GameContender[];
  /** Runs by contender id. */
  runs: Record<string, GameRunResult[]>;
  /** How the load workers were placed, for the notes. */
  loadPlacement: string;
  /** One chat line per player this often, ms. */
  chatEveryMs: number;
}

/** Target: lobby server CPU at most this fraction of Colyseus's. */
const CPU_TARGET = 0.5;
/** Target: positions delivered, fraction. */
const POSITIONS_TARGET = 0.995;

export const label = (row: { roomSize: number; hz: number }): string => `${row.roomSize} × ${row.hz} Hz`;

/** Whether the load missed (by more than 5%) the tick rate on any server of the row. */
function loadBound(row: GameRow): boolean {
  return row.contenders.some((contender) => figures(row.runs[contender.id] ?? []).achievedHz < 0.95 * row.hz);
}

const pct = (part: number, whole: number): number => (whole === 0 ? Number.NaN : (100 * part) / whole);
const sum = (runs: readonly GameRunResult[], pick: (run: GameRunResult) => number): number =>
  runs.reduce((total, run) => total + pick(run), 0);

/** Everything a row's cells and verdicts need about one contender. */
interface Figures {
  cpu: number;
  cpus: number[];
  /** The kernel's part of the server's CPU, % of one core. */
  sys: number;
  usPerDelivery: number;
  positions: number;
  chat: number;
  chatViolations: number;
  closes: number;
  closeCodes: number[];
  pushBacks: number;
  errors: number;
  errorSamples: string[];
  p50: number;
  p99: number;
  clientMs: number;
  frames: number;
  achievedHz: number;
  otherCpu: number[];
}

function figures(runs: readonly GameRunResult[]): Figures {
  const cpus = runs.map((run) => (100 * run.serverCpuSeconds) / run.seconds);
  return {
    cpu: median(cpus),
    cpus,
    sys: median(runs.map((run) => (100 * run.serverSysSeconds) / run.seconds)),
    usPerDelivery: median(
      runs.map((run) => (1e6 * run.serverCpuSeconds) / Math.max(1, run.positionsReceived)),
    ),
    positions: pct(
      sum(runs, (run) => run.positionsReceived),
      sum(runs, (run) => run.positionsExpected),
    ),
    chat: pct(
      sum(runs, (run) => run.chatInOrder),
      sum(runs, (run) => run.chatExpected),
    ),
    chatViolations: sum(runs, (run) => run.chatViolations),
    closes: sum(runs, (run) => run.closes.length),
    closeCodes: runs.flatMap((run) => run.closes),
    pushBacks: sum(runs, (run) => run.pushBacks),
    errors: sum(runs, (run) => run.errors),
    errorSamples: runs.flatMap((run) => run.errorSamples).slice(0, 3),
    p50: median(runs.map((run) => run.latency.percentile(50))),
    p99: median(runs.map((run) => run.latency.percentile(99))),
    clientMs: median(runs.map((run) => (1000 * run.clientCpuPerSecond) / run.roomSize)),
    frames: median(runs.map((run) => run.framesPerSecond / run.roomSize)),
    achievedHz: median(runs.map((run) => run.positionsSent / run.roomSize / run.windowSeconds)),
    otherCpu: runs.map((run) => run.otherCpuPercent),
  };
}

const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
const verdict = (met: boolean): string => (met ? 'MET' : 'MISSED');

/** The Handoff default row's verdicts for one workload. */
function targetNotes(row: GameRow): string[] {
  const own = figures(row.runs.handoff ?? []);
  const colyseus = figures(row.runs.colyseus ?? []);
  const raw = figures(row.runs.raw ?? []);
  const notes: string[] = [];
  const kicks = own.closes === 0;
  /** Whether the load kept (95% of) the tick rate on this server. */
  const kept = (f: Figures): boolean => f.achievedHz >= 0.95 * row.hz;
  const loadBound = !kept(own) || !kept(colyseus);
  notes.push(
    `Target (handoff, default limits): no kick and ≥ ${100 * POSITIONS_TARGET}% of positions delivered — ${verdict(kicks && own.positions >= 100 * POSITIONS_TARGET)} (${own.closes} close(s)${own.closes > 0 ? `, codes ${[...new Set(own.closeCodes)].join(', ')}` : ''}, ${own.positions.toFixed(2)}% of positions, ${own.pushBacks} push-back(s), chat ${own.chat.toFixed(2)}% exactly once in order${own.chatViolations > 0 ? `, ${own.chatViolations} out of order or duplicated` : ''})${kept(own) ? '' : ` — at the ${own.achievedHz.toFixed(1)} Hz the load achieved, not ${row.hz} Hz`}.`,
  );
  const cpuRatio = own.cpu / colyseus.cpu;
  const perDelivery = own.usPerDelivery / colyseus.usPerDelivery;
  const sameLoad = Math.abs(own.achievedHz - colyseus.achievedHz) <= 0.05 * row.hz;
  // With unequal offered loads the CPU % ratio compares different work: judge the cost per delivery then.
  const judged = sameLoad ? cpuRatio : perDelivery;
  notes.push(
    `${row.cpuTarget ? `Target: server CPU ≤ ${CPU_TARGET}× Colyseus — ${verdict(judged <= CPU_TARGET)} (${sameLoad ? `${cpuRatio.toFixed(2)}× the CPU at the same load` : `${perDelivery.toFixed(2)}× the CPU per delivered position; the load did not keep the same rate on both (${own.achievedHz.toFixed(1)} Hz against ${colyseus.achievedHz.toFixed(1)} Hz), so the ${cpuRatio.toFixed(2)}× of CPU % compares different work`})` : `Server CPU ${cpuRatio.toFixed(2)}× Colyseus${sameLoad ? '' : ` at different loads (${own.achievedHz.toFixed(1)} Hz against ${colyseus.achievedHz.toFixed(1)} Hz); ${perDelivery.toFixed(2)}× per delivered position`} (no target at this size)`}; ${ratio(own.cpu, raw.cpu)} the raw relay's CPU. Per delivered position: ${own.usPerDelivery.toFixed(1)} µs, Colyseus ${colyseus.usPerDelivery.toFixed(1)} µs, raw ${raw.usPerDelivery.toFixed(1)} µs.`,
  );
  notes.push(
    `Target: latency p99 ≤ Colyseus's — ${verdict(own.p99 <= colyseus.p99)} (${own.p99.toFixed(2)} ms against ${colyseus.p99.toFixed(2)} ms; p50 ${own.p50.toFixed(2)} against ${colyseus.p50.toFixed(2)} ms)${loadBound ? ' — load-bound: the load clients could not keep the tick rate, so these latencies are mostly their own backlog, not the server' : ''}.`,
  );
  const chatPerSecond = 1000 / row.chatEveryMs;
  const flushes = own.achievedHz + chatPerSecond;
  notes.push(
    `Target: relay frames per client per second ≤ the game's flushes (${own.achievedHz.toFixed(1)} position ticks achieved + ${chatPerSecond} chat line(s) = ${flushes.toFixed(1)}/s) — ${verdict(own.frames <= flushes)} (${own.frames.toFixed(1)}).`,
  );
  const short = row.contenders
    .map((contender) => ({ contender, f: figures(row.runs[contender.id] ?? []) }))
    .filter(({ f }) => f.positions < 100 * POSITIONS_TARGET || f.chat < 100);
  for (const { contender, f } of short) {
    notes.push(
      `${contender.name}: ${f.positions.toFixed(1)}% of positions and ${f.chat.toFixed(1)}% of chat had arrived when the run ended${contender.kind === 'colyseus' ? ' — over TCP Colyseus loses nothing: the rest was still queued for load clients that could not keep up (see the latency)' : ''}.`,
    );
  }
  const other: number[] = [];
  for (const contender of row.contenders) {
    const each = figures(row.runs[contender.id] ?? []);
    other.push(...each.otherCpu);
    if (each.errors > 0)
      notes.push(`${contender.name}: ${each.errors} error(s), e.g. ${each.errorSamples.join(' | ')}`);
  }
  if (other.length > 0)
    notes.push(
      `Shared machine: other processes used ${median(other).toFixed(0)}% of a core during the median run (max ${Math.max(...other).toFixed(0)}%).`,
    );
  return notes;
}

/** One workload's table. */
export function gameTable(row: GameRow, notes: string[]): BenchTable {
  const runsOf = row.contenders.map((contender) => row.runs[contender.id]?.length ?? 0);
  return {
    title: `real SDK clients, one room of ${row.roomSize} at ${row.hz} Hz + chat`,
    baseline: RAW_NAME,
    alsoVersus: [COLYSEUS_NAME],
    ratioOf: 'server CPU %',
    higherIsBetter: false,
    rows: row.contenders.map((contender) => {
      const f = figures(row.runs[contender.id] ?? []);
      return {
        name: contender.name,
        values: {
          ...spreadColumns('server CPU %', f.cpus),
          'of which sys %': f.sys,
          'server µs/delivery': f.usPerDelivery,
          'positions %': f.positions,
          'chat %': f.chat,
          closes: f.closes,
          'push-backs': f.pushBacks,
          'p50 ms': f.p50,
          'p99 ms': f.p99,
          'client CPU ms/s/player': f.clientMs,
          'frames/client/s': f.frames,
          'achieved Hz': f.achievedHz,
        },
      };
    }),
    notes: [
      ...targetNotes(row),
      `Load: ${row.loadPlacement}; ${Math.max(...runsOf)} repetition(s) per server.`,
      ...notes,
    ],
  };
}

/** Every workload's headline figures side by side. */
export function summaryTable(rows: readonly GameRow[], notes: string[]): BenchTable {
  return {
    title: 'real SDK clients: the lobby against Colyseus and the raw relay, every workload',
    rowHeader: 'room',
    baseline: undefined,
    ratioOf: '',
    higherIsBetter: false,
    rows: rows.map((row) => {
      const own = figures(row.runs.handoff ?? []);
      const colyseus = figures(row.runs.colyseus ?? []);
      const raw = figures(row.runs.raw ?? []);
      return {
        name: label(row),
        values: {
          'handoff CPU %': own.cpu,
          'colyseus CPU %': colyseus.cpu,
          'raw ws CPU %': raw.cpu,
          'CPU ÷ colyseus': own.cpu / colyseus.cpu,
          'CPU ÷ raw ws': own.cpu / raw.cpu,
          'µs/delivery ÷ colyseus': own.usPerDelivery / colyseus.usPerDelivery,
          'positions %': own.positions,
          'chat %': own.chat,
          closes: own.closes,
          'p99 ms': own.p99,
          'colyseus p99 ms': colyseus.p99,
          'frames/client/s': own.frames,
          'achieved Hz': own.achievedHz,
          'colyseus achieved Hz': colyseus.achievedHz,
        },
      };
    }),
    notes,
  };
}

/** Server CPU by workload, one bar per server. */
export function cpuChart(rows: readonly GameRow[]): BenchChart {
  const series = [
    { id: 'raw', name: 'raw ws relay' },
    { id: 'colyseus', name: 'colyseus 0.18' },
    { id: 'handoff', name: 'handoff lobby' },
  ];
  return {
    file: 'relay-server-cpu.svg',
    title: 'Relay server CPU with real SDK clients, by room (lower is better; * = load-bound)',
    svg: groupedBarChart({
      title: 'Relay server CPU, real SDK clients (* load-bound: rates differ)',
      yLabel: 'server CPU % of one core',
      groups: rows.map((row) => `${label(row)}${loadBound(row) ? ' *' : ''}`),
      series: series.map(({ id, name }) => ({
        name,
        values: rows.map((row) => figures(row.runs[id] ?? []).cpu),
      })),
    }),
  };
}

/**
 * The lobby's CPU against latency (`p50` or `p99`) for each relay flush
 * window, one line per workload where the load kept the tick rate (elsewhere
 * latencies are the clients' backlog).
 */
export function flushWindowChart(rows: readonly GameRow[], quantile: 'p50' | 'p99'): BenchChart {
  const series = rows
    .filter((row) => row.contenders.some((contender) => (contender.flushWindowMs ?? 0) > 0))
    .filter((row) => !loadBound(row))
    .map((row) => ({
      name: label(row),
      points: row.contenders
        .filter((contender) => contender.flushWindowMs !== undefined)
        .map((contender) => {
          const f = figures(row.runs[contender.id] ?? []);
          return { x: f[quantile], y: f.cpu, label: `${contender.flushWindowMs} ms` };
        }),
    }));
  return {
    file: `relay-flush-window-${quantile}.svg`,
    title: `Lobby relay flush window 0 / 2 / 4 ms: server CPU against one-way latency ${quantile}`,
    svg: scatterChart({
      title: `relayFlushWindowMs: lobby CPU against latency ${quantile}`,
      xLabel: `position one-way latency ${quantile}, ms`,
      yLabel: 'lobby CPU % of one core',
      series,
    }),
  };
}

/** The flush-window comparison in words, for the notes. */
export function flushWindowNotes(rows: readonly GameRow[]): string[] {
  const notes: string[] = [];
  for (const row of rows) {
    const windows = row.contenders.filter((contender) => (contender.flushWindowMs ?? 0) > 0);
    if (windows.length === 0) continue;
    const base = figures(row.runs.handoff ?? []);
    const parts = windows.map((contender) => {
      const f = figures(row.runs[contender.id] ?? []);
      return `${contender.flushWindowMs} ms: CPU ${f.cpu.toFixed(1)}% (${ratio(f.cpu, base.cpu)}), p50 ${f.p50.toFixed(2)} ms (${signed(f.p50 - base.p50)}), p99 ${f.p99.toFixed(2)} ms (${signed(f.p99 - base.p99)}), positions ${f.positions.toFixed(2)}%`;
    });
    notes.push(
      `Flush window, ${label(row)}: 0 ms: CPU ${base.cpu.toFixed(1)}%, p50 ${base.p50.toFixed(2)} ms, p99 ${base.p99.toFixed(2)} ms; ${parts.join('; ')}.`,
    );
  }
  return notes;
}

const signed = (ms: number): string => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)} ms`;

/** The cluster-node comparison of a row (#13: relay CPU on a node against single-node mode), or why it is missing. */
export function clusterNodeNotes(row: GameRow, redisAbsent: string | undefined): string[] {
  if (!row.contenders.some((contender) => contender.id === 'handoff-cluster')) return [];
  const node = row.runs['handoff-cluster'] ?? [];
  const single = row.runs.handoff ?? [];
  if (node.length === 0 || single.length === 0)
    return [`Cluster node row left out: ${redisAbsent ?? 'no runs'}.`];
  const n = figures(node);
  const s = figures(single);
  return [
    `Cluster node (--redis, #13): server CPU ${n.cpu.toFixed(1)}% against ${s.cpu.toFixed(1)}% single-node (${ratio(n.cpu, s.cpu)}), ${n.usPerDelivery.toFixed(1)} against ${s.usPerDelivery.toFixed(1)} µs per delivered position, p99 ${n.p99.toFixed(2)} against ${s.p99.toFixed(2)} ms: the relay path is the same; a node also heartbeats and publishes its rooms to Redis.`,
  ];
}
