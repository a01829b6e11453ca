/** Sizes and durations of the relay benchmark, for a full run and for `--quick`. */
import type { GameWorkload } from './game-workload.js';
import type { SaturationWorkload } from './saturation-workload.js';

/** One real-SDK workload of the suite. */
export interface GameWorkloadConfig {
  roomSize: number;
  hz: number;
  /** Repetitions against every server (fresh server child each time). */
  repetitions: number;
  /** Whether the "≤ 0.5× Colyseus server CPU" target applies. */
  cpuTarget: boolean;
  /** Extra lobby rows with these `relayFlushWindowMs` values. */
  flushWindowsMs: number[];
  /**
   * Where the load workers run: `load` = the load core only (the server has
   * core 0 to itself); `both` = both cores (the load needs more than one:
   * the server then shares its core, its CPU is still its own from /proc).
   */
  loadCores: 'load' | 'both';
  /** Also run the lobby as a cluster node (`--redis`, a redis-server the suite starts) to compare its relay CPU (#13). */
  clusterNode: boolean;
}

/** Everything the relay suite runs. */
export interface RelayBenchConfig {
  /** Real-SDK workloads, in run order. */
  game: GameWorkloadConfig[];
  /** Shape shared by every real-SDK run (room size and rate come from each workload). */
  gameRun: Omit<GameWorkload, 'roomSize' | 'hz'>;
  /**
   * The machine is shared: a real-SDK run during which other processes used
   * more than `maxOtherCpuPercent` of a core is run again, at most
   * `retriesPerRun` times per run and `retryBudget` times per suite (then
   * kept, and the notes say how noisy the runs were).
   */
  noise: { maxOtherCpuPercent: number; retriesPerRun: number; retryBudget: number };
  /** Repetitions of the synthetic-client workloads (saturation, idle memory). */
  syntheticRepetitions: number;
  saturation: SaturationWorkload;
  /** Idle connections for the memory figure, and the settle pause before each RSS sample, ms. */
  idleClients: number;
  idleSettleMs: number;
}

const game = (
  roomSize: number,
  hz: number,
  repetitions: number,
  loadCores: 'load' | 'both',
  extra: Partial<GameWorkloadConfig> = {},
): GameWorkloadConfig => ({
  roomSize,
  hz,
  repetitions,
  loadCores,
  cpuTarget: false,
  flushWindowsMs: [],
  clusterNode: false,
  ...extra,
});

/** Full run. */
export const FULL_CONFIG: RelayBenchConfig = {
  game: [
    game(8, 30, 3, 'load', { cpuTarget: true, clusterNode: true }),
    game(8, 60, 2, 'load', { flushWindowsMs: [2, 4] }),
    game(16, 30, 1, 'load', { flushWindowsMs: [2, 4], clusterNode: true }),
    game(16, 60, 2, 'both', { cpuTarget: true, flushWindowsMs: [2, 4] }),
    game(32, 30, 2, 'both', { cpuTarget: true, flushWindowsMs: [2, 4] }),
    game(32, 60, 1, 'both'),
  ],
  gameRun: {
    chatEveryMs: 1000,
    warmupMs: 1000,
    measureMs: 2500,
    playersPerWorker: 8,
    drainMs: 150,
    chatDrainMs: 400,
  },
  noise: { maxOtherCpuPercent: 30, retriesPerRun: 1, retryBudget: 2 },
  syntheticRepetitions: 1,
  saturation: { roomSize: 32, window: 16, warmupMs: 1000, measureMs: 3000 },
  idleClients: 2000,
  idleSettleMs: 1000,
};

/** `--quick`: proves the suite runs; numbers are not meaningful. */
export const QUICK_CONFIG: RelayBenchConfig = {
  game: [game(8, 30, 1, 'load', { cpuTarget: true, flushWindowsMs: [2], clusterNode: true })],
  gameRun: {
    chatEveryMs: 200,
    warmupMs: 300,
    measureMs: 500,
    playersPerWorker: 4,
    drainMs: 100,
    chatDrainMs: 300,
  },
  noise: { maxOtherCpuPercent: 30, retriesPerRun: 0, retryBudget: 0 },
  syntheticRepetitions: 1,
  saturation: { roomSize: 32, window: 16, warmupMs: 150, measureMs: 400 },
  idleClients: 200,
  idleSettleMs: 200,
};
