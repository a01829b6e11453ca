/**
 * Lobby relay: the Handoff lobby against the floor of a hand-rolled relay
 * (a `ws` server doing one `send` per member) and against Colyseus 0.18
 * relaying through `onMessage` + `broadcast`, each in its own child process
 * pinned to core 0 while this process generates load from core 1. Measures
 * deliveries per server CPU-second at 30 Hz (rooms of 8 and 32) and at
 * saturation, one-way latency, and idle memory per connection.
 *
 * `RELAY_BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of every Handoff
 * lobby child into `<dir>` (open it in Chrome DevTools).
 */

import type { BenchSuite, BenchTable } from '../../../bench/harness.js';
import { spread } from '../../../bench/harness.js';
import { type BenchChart, groupedBarChart } from '../../../bench/svg-chart.js';
import { FULL_CONFIG, QUICK_CONFIG, type RelayBenchConfig } from './load/bench-config.js';
import { type ChildServer, type ServerKind, startChildServer } from './load/child-server.js';
import { measureIdleMemory } from './load/idle-memory.js';
import type { WindowResult } from './load/measure-window.js';
import { allowedCpus, canPin, LOAD_CORE, pinSelfToLoadCore, SERVER_CORE } from './load/pinning.js';
import { clockTicksPerSecond } from './load/proc-stats.js';
import { runRateWorkload } from './load/rate-workload.js';
import {
  latencyTable,
  memoryTable,
  type RelayResults,
  ROW_NAMES,
  rateTable,
  SERVER_KINDS,
  saturationTable,
} from './load/relay-tables.js';
import { runSaturationWorkload } from './load/saturation-workload.js';
import { ulimit } from './load/ulimit.js';

const byServer = <T>(): Record<ServerKind, T[]> => ({ raw: [], colyseus: [], handoff: [] });
const emptyResults = (): RelayResults => ({
  rooms8: byServer(),
  rooms32: byServer(),
  saturation: byServer(),
  latency: byServer(),
  memory: byServer(),
});

/** Pinning as observed on the first server child, for the notes. */
let pinningSeen: string | undefined;

async function withServer<T>(
  kind: ServerKind,
  pin: boolean,
  run: (server: ChildServer) => Promise<T>,
): Promise<T> {
  const cpuProfileDir = kind === 'handoff' ? process.env.RELAY_BENCH_CPU_PROF : undefined;
  const server = await startChildServer(kind, { pin, ...(cpuProfileDir ? { cpuProfileDir } : {}) });
  pinningSeen ??= `server CPUs ${allowedCpus(server.pid)}, load generator CPUs ${allowedCpus('self')}`;
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

/** One workload run against one fresh server; pushes its result. */
type Step = (server: ChildServer, kind: ServerKind) => Promise<void>;

async function runAll(config: RelayBenchConfig, pin: boolean): Promise<RelayResults> {
  const results = emptyResults();
  const steps: Step[] = [
    // Latency first, so no earlier run's garbage is collected in this process during its window.
    async (server, kind) => {
      results.latency[kind].push(await runRateWorkload(server, config.latency));
    },
    async (server, kind) => {
      results.rooms8[kind].push(await runRateWorkload(server, config.rooms8));
    },
    async (server, kind) => {
      results.rooms32[kind].push(await runRateWorkload(server, config.rooms32));
    },
    async (server, kind) => {
      results.saturation[kind].push(await runSaturationWorkload(server, config.saturation));
    },
    async (server, kind) => {
      results.memory[kind].push(await measureIdleMemory(server, config.idleClients, config.idleSettleMs));
    },
  ];
  for (let repetition = 0; repetition < config.repetitions; repetition++) {
    // Every server back to back per workload; rotate which goes first so drift favours none.
    const order = SERVER_KINDS.map((_, k) => SERVER_KINDS[(k + repetition) % SERVER_KINDS.length]!);
    for (const step of steps) {
      for (const kind of order) await withServer(kind, pin, (server) => step(server, kind));
    }
  }
  return results;
}

/** Server CPU % at 30 Hz by room size, one bar per server. */
function cpuChart(results: RelayResults): BenchChart {
  const cpu = (runs: readonly WindowResult[]): number =>
    spread(runs.map((run) => (100 * run.serverCpuSeconds) / run.seconds)).median;
  return {
    file: 'relay-server-cpu.svg',
    title: 'Server CPU at 30 Hz, by room size (lower is better)',
    svg: groupedBarChart({
      title: 'Relay server CPU at 30 Hz (32-byte broadcasts), lower is better',
      yLabel: 'server CPU %',
      groups: ['rooms of 8', 'rooms of 32'],
      series: SERVER_KINDS.map((kind) => ({
        name: ROW_NAMES[kind],
        values: [cpu(results.rooms8[kind]), cpu(results.rooms32[kind])],
      })),
    }),
  };
}

/** The relay benchmark suite. */
const suite: BenchSuite = async ({ quick }) => {
  const config = quick ? QUICK_CONFIG : FULL_CONFIG;
  const restore = canPin() ? pinSelfToLoadCore() : undefined;
  const pinned = restore !== undefined;
  let results: RelayResults;
  try {
    results = await runAll(config, pinned);
  } finally {
    restore?.();
  }
  const pinning = pinned
    ? `Pinning: on — server child \`taskset -c ${SERVER_CORE}\`, load generator \`taskset -a -cp ${LOAD_CORE}\` (observed: ${pinningSeen ?? '?'}).`
    : 'Pinning: OFF (no taskset or a single core) — server and load generator share CPUs.';
  const method =
    `Server CPU = utime+stime of the child from /proc (CLK_TCK ${clockTicksPerSecond()}); ` +
    `${config.repetitions} repetition(s), fresh server child each; medians, min–max columns.`;
  const { rooms8, rooms32, latency, saturation } = config;
  const rateNote = (w: typeof rooms8): string =>
    `${w.rooms} room(s) × ${w.roomSize} clients, each broadcasting 32 B at ${w.hz} Hz (phases spread over the period), ${w.measureMs / 1000} s measured after ${w.warmupMs / 1000} s warm-up.`;
  const expected = (w: typeof rooms8): number => w.rooms * w.roomSize * w.hz * (w.roomSize - 1);
  const tables: BenchTable[] = [
    rateTable('relay at 30 Hz, rooms of 8', results.rooms8, expected(rooms8), [
      rateNote(rooms8),
      pinning,
      method,
    ]),
    {
      ...rateTable('relay at 30 Hz, rooms of 32', results.rooms32, expected(rooms32), [rateNote(rooms32)]),
      charts: [cpuChart(results)],
    },
    saturationTable('relay at saturation, one room of 32', results.saturation, [
      `Every client keeps ≤ ${saturation.window} broadcasts in flight and tops up in bursts as deliveries return; ${saturation.measureMs / 1000} s measured. Where per-turn write coalescing shows.`,
    ]),
    latencyTable('added latency, one room of 8 at 30 Hz', results.latency, [
      `One-way latency sender → server → receiver (performance.now() in the payload, same process clock), all pairs. ${rateNote(latency)}`,
    ]),
    memoryTable(`idle memory, ${config.idleClients} connected clients`, results.memory, [
      `Server RSS (VmRSS) after a forced GC and ${config.idleSettleMs} ms settle, before and after connecting; handoff clients are welcomed (hello → welcome), raw clients only connected, Colyseus clients seated in rooms of 64 (it admits a socket only with a seat reservation). KB = 1024 bytes. Open-files limit: ${ulimit()}.`,
    ]),
  ];
  return tables;
};

export default suite;
