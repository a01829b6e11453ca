/**
 * Lobby relay, driven by the real SDKs: rooms of 8, 16 and 32 real
 * `@handoff/transport` clients (relay only) broadcasting their position at
 * 30 and 60 Hz plus a chat line a second, against the Handoff lobby (default
 * limits; also with a relay flush window), Colyseus 0.18 driven by
 * `@colyseus/sdk` clients with the same game, and a naive raw `ws` relay
 * that splits the SDK's bundles into one send per datagram. Each server runs
 * in its own child process pinned to core 0; the clients run in load worker
 * processes (load/sdk-load-worker.ts). Synthetic-client tables (saturation,
 * idle memory) follow, labelled as such.
 *
 * `RELAY_BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of every Handoff
 * lobby child into `<dir>`; `RELAY_BENCH_LOAD_CPU_PROF=<dir>` one of every
 * load worker (open them in Chrome DevTools).
 */

import type { BenchSuite, BenchTable } from '../../../bench/harness.js';
import { redisMissing, TestRedis } from '../../../test/cluster/support/redis-server.js';
import {
  FULL_CONFIG,
  type GameWorkloadConfig,
  QUICK_CONFIG,
  type RelayBenchConfig,
} from './load/bench-config.js';
import { type ChildServer, type ServerKind, startChildServer } from './load/child-server.js';
import {
  clusterContender,
  flushWindowContender,
  GAME_CONTENDERS,
  type GameContender,
} from './load/game-contenders.js';
import {
  clusterNodeNotes,
  cpuChart,
  flushWindowChart,
  flushWindowNotes,
  type GameRow,
  gameTable,
  summaryTable,
} from './load/game-tables.js';
import { type GameRunResult, runGameWorkload } from './load/game-workload.js';
import { measureIdleMemory } from './load/idle-memory.js';
import { LoadWorkerPool } from './load/load-workers.js';
import { allowedCpus, canPin, LOAD_CORE, pinSelfToLoadCore, SERVER_CORE } from './load/pinning.js';
import { clockTicksPerSecond } from './load/proc-stats.js';
import {
  memoryTable,
  SYNTHETIC_KINDS,
  type SyntheticKind,
  type SyntheticResults,
  saturationTable,
} from './load/relay-tables.js';
import { runSaturationWorkload } from './load/saturation-workload.js';
import { ulimit } from './load/ulimit.js';

/** Pinning as observed on the first server child, for the notes. */
let pinningSeen: string | undefined;
/** Real-SDK runs run again because the shared machine was busy, this suite. */
let retriesUsed = 0;

async function withServer<T>(
  kind: ServerKind,
  pin: boolean,
  args: string[],
  run: (server: ChildServer) => Promise<T>,
): Promise<T> {
  const cpuProfileDir = kind === 'handoff' ? process.env.RELAY_BENCH_CPU_PROF : undefined;
  const server = await startChildServer(kind, {
    pin,
    args,
    ...(cpuProfileDir ? { cpuProfileDir } : {}),
  });
  pinningSeen ??= `server CPUs ${allowedCpus(server.pid)}, load generator CPUs ${allowedCpus('self')}`;
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

/** Runs one real-SDK workload against every contender, rotating who goes first per repetition. */
async function runGameRow(
  workload: GameWorkloadConfig,
  config: RelayBenchConfig,
  pools: Record<'load' | 'both', LoadWorkerPool>,
  pin: boolean,
  redisUrl: string | undefined,
): Promise<GameRow> {
  const contenders: GameContender[] = [
    ...GAME_CONTENDERS,
    ...workload.flushWindowsMs.map(flushWindowContender),
    ...(workload.clusterNode && redisUrl !== undefined ? [clusterContender(redisUrl)] : []),
  ];
  const runs: Record<string, GameRunResult[]> = {};
  for (const contender of contenders) runs[contender.id] = [];
  const pool = pools[workload.loadCores];
  for (let repetition = 0; repetition < workload.repetitions; repetition++) {
    const order = contenders.map((_, k) => contenders[(k + repetition) % contenders.length]!);
    for (const contender of order) {
      const { maxOtherCpuPercent, retriesPerRun, retryBudget } = config.noise;
      for (let attempt = 0; ; attempt++) {
        const result = await withServer(contender.kind, pin, contender.args, (server) =>
          runGameWorkload(server, pool, { ...config.gameRun, roomSize: workload.roomSize, hz: workload.hz }),
        );
        const noisy = result.otherCpuPercent > maxOtherCpuPercent;
        if (!noisy || attempt >= retriesPerRun || retriesUsed >= retryBudget) {
          runs[contender.id]!.push(result);
          break;
        }
        retriesUsed++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
  const placement = !pin
    ? 'load workers unpinned (no taskset or a single core)'
    : workload.loadCores === 'load'
      ? `${Math.ceil(workload.roomSize / config.gameRun.playersPerWorker)} load worker(s) on core ${LOAD_CORE}, the server alone on core ${SERVER_CORE}`
      : `${Math.ceil(workload.roomSize / config.gameRun.playersPerWorker)} load workers on both cores (one core cannot run this many real clients at this rate); the server child stays on core ${SERVER_CORE} and shares it with load workers — its CPU is its own from /proc, its latency includes waiting for the core`;
  return {
    roomSize: workload.roomSize,
    hz: workload.hz,
    cpuTarget: workload.cpuTarget,
    contenders,
    runs,
    loadPlacement: placement,
    chatEveryMs: config.gameRun.chatEveryMs,
  };
}

async function runSynthetic(config: RelayBenchConfig, pin: boolean): Promise<SyntheticResults> {
  const byServer = <T>(): Record<SyntheticKind, T[]> => ({ raw: [], colyseus: [], handoff: [] });
  const results: SyntheticResults = { saturation: byServer(), memory: byServer() };
  for (let repetition = 0; repetition < config.syntheticRepetitions; repetition++) {
    const order = SYNTHETIC_KINDS.map((_, k) => SYNTHETIC_KINDS[(k + repetition) % SYNTHETIC_KINDS.length]!);
    for (const kind of order) {
      await withServer(kind, pin, [], async (server) => {
        results.saturation[kind].push(await runSaturationWorkload(server, config.saturation));
      });
    }
    for (const kind of order) {
      await withServer(kind, pin, [], async (server) => {
        results.memory[kind].push(await measureIdleMemory(server, config.idleClients, config.idleSettleMs));
      });
    }
  }
  return results;
}

/** Whether a row has lobby contenders with a relay flush window. */
function hasFlushWindows(row: GameRow): boolean {
  return row.contenders.some((contender) => (contender.flushWindowMs ?? 0) > 0);
}

/** The relay benchmark suite. */
const suite: BenchSuite = async ({ quick }) => {
  const config = quick ? QUICK_CONFIG : FULL_CONFIG;
  const restore = canPin() ? pinSelfToLoadCore() : undefined;
  const pinned = restore !== undefined;
  const pools = {
    load: new LoadWorkerPool(pinned ? String(LOAD_CORE) : undefined),
    both: new LoadWorkerPool(pinned ? `${SERVER_CORE},${LOAD_CORE}` : undefined),
  };
  const rows: GameRow[] = [];
  let synthetic: SyntheticResults;
  retriesUsed = 0;
  // The cluster-node rows need a Redis (Debian's redis-server); without one they are left out, with a note.
  const redisAbsent = config.game.some((workload) => workload.clusterNode) ? redisMissing() : 'not needed';
  const redis = redisAbsent === undefined ? await TestRedis.start() : undefined;
  try {
    for (const workload of config.game)
      rows.push(await runGameRow(workload, config, pools, pinned, redis?.url));
    await pools.load.close();
    await pools.both.close();
    synthetic = await runSynthetic(config, pinned);
  } finally {
    await pools.load.close();
    await pools.both.close();
    await redis?.stop();
    restore?.();
  }
  const pinning = pinned
    ? `Pinning: on — server child \`taskset -c ${SERVER_CORE}\`, this process \`taskset -a -cp ${LOAD_CORE}\` (observed: ${pinningSeen ?? '?'}).`
    : 'Pinning: OFF (no taskset or a single core) — servers and load share CPUs.';
  const { gameRun } = config;
  const method = [
    `Workload: one room; every player is a real SDK client that broadcasts its position (one entity) at the tick rate and a chat line every ${gameRun.chatEveryMs} ms (a separate task, half a tick later); ticks are phased evenly over the period across players, on a fixed schedule (a tick more than a period late is skipped: "achieved Hz" shows it). Handoff clients: \`@handoff/transport\` with \`room: { direct: 'never' }\`, a position channel (\`createPositionCodec({ yaw: true })\`) and a reliable-ordered chat channel, default options; the lobby with its default limits. Colyseus clients: \`@colyseus/sdk\`, \`room.send('pos', { id, x, y, z, yaw })\` and \`room.send('chat', { text })\`, the server broadcasting each to the others. Raw relay: the same Handoff clients; the server answers the lobby handshake and forwards every datagram of a bundle as its own frame.`,
    `Clients run in load worker processes (${gameRun.playersPerWorker} players each, joined one at a time), reporting over IPC. Measured: ${gameRun.measureMs / 1000} s after ${gameRun.warmupMs / 1000} s warm-up. Server CPU = utime+stime of the server child from /proc (CLK_TCK ${clockTicksPerSecond()}), the load workers' never counted; medians over repetitions (fresh server child each, the order of servers rotated), min–max for CPU. Positions %: positions sent in the window (by send time) received by every other player, pooled over repetitions. Chat %: lines received exactly once and in order by every other player over the whole run (${gameRun.chatDrainMs} ms drain after the last). Closes: every drop or close a player saw while playing, summed over repetitions (Handoff clients reconnect and resume by themselves; a close is a kick or worse). Push-backs: the lobby's "slow down" (error RateLimited) and broadcasts that skipped a peer. Latency: position one-way, sender to receiver, on the host's monotonic clock (the send time rides in the position's coordinates), p50/p99 of each run, median over runs. Client CPU: CPU time of the load workers per player. Frames/client/s: game-traffic WebSocket frames each client sent (Handoff: relay frames — one bundle per flush; Colyseus: one per message). Server µs/delivery: server CPU per position delivered, comparable when the load could not keep the same rate on every server.`,
    `Shared machine: ${retriesUsed} run(s) were run again because other processes used more than ${config.noise.maxOtherCpuPercent}% of a core during the window (at most ${config.noise.retriesPerRun} retries per run, ${config.noise.retryBudget} per suite); each table says how busy the machine was.`,
    pinning,
  ];
  const tables: BenchTable[] = [
    {
      ...summaryTable(rows, [
        'Headline figures of the tables below (handoff = the lobby as shipped: default limits, flush window 0). CPU ÷ colyseus and ÷ raw ws: ratio of server CPU % in the same run; µs/delivery ÷ colyseus: the same per delivered position.',
        ...method,
      ]),
      charts: [cpuChart(rows)],
    },
    ...rows.map((row) => {
      const table = gameTable(row, []);
      const notes = [
        ...(table.notes ?? []),
        ...(hasFlushWindows(row) ? flushWindowNotes([row]) : []),
        ...clusterNodeNotes(row, redisAbsent),
      ];
      return { ...table, notes };
    }),
  ];
  const windowRows = rows.filter(hasFlushWindows);
  if (windowRows.length > 0) {
    const last = tables[tables.length - 1]!;
    tables[tables.length - 1] = {
      ...last,
      charts: [
        ...(last.charts ?? []),
        flushWindowChart(windowRows, 'p50'),
        flushWindowChart(windowRows, 'p99'),
      ],
    };
  }
  const { saturation } = config;
  const syntheticLabel = 'synthetic client (one broadcast frame per message, no SDK)';
  tables.push(
    saturationTable(`${syntheticLabel}: relay at saturation, one room of 32`, synthetic.saturation, [
      `Every client keeps ≤ ${saturation.window} broadcasts of 32 B in flight and tops up in bursts as deliveries return; ${saturation.measureMs / 1000} s measured; ${config.syntheticRepetitions} repetition(s). The lobby's limits are raised for these clients (they do not pace themselves). No real client sends like this: it shows the per-delivery cost of the lobby's broadcast path and write coalescing.`,
      pinning,
    ]),
    memoryTable(
      `synthetic client (hello only): idle memory, ${config.idleClients} connected clients`,
      synthetic.memory,
      [
        `Server RSS (VmRSS) after a forced GC and ${config.idleSettleMs} ms settle, before and after connecting; handoff clients are welcomed (hello → welcome), raw clients only connected, Colyseus clients seated in rooms of 64 (it admits a socket only with a seat reservation). KB = 1024 bytes. Open-files limit: ${ulimit()}.`,
      ],
    ),
  );
  return tables;
};

export default suite;
