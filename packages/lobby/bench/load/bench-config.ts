/** Sizes and durations of the relay benchmark, for a full run and for `--quick`. */
import type { RateWorkload } from './rate-workload.js';
import type { SaturationWorkload } from './saturation-workload.js';

/** Everything the relay suite runs. */
export interface RelayBenchConfig {
  /** Repetitions of every workload against every server (fresh server child each time). */
  repetitions: number;
  /** Rooms of 8 at 30 Hz. */
  rooms8: RateWorkload;
  /** Rooms of 32 at 30 Hz. */
  rooms32: RateWorkload;
  /** One room of 8 at 30 Hz, latencies recorded. */
  latency: RateWorkload;
  saturation: SaturationWorkload;
  /** Idle connections for the memory figure, and the settle pause before each RSS sample, ms. */
  idleClients: number;
  idleSettleMs: number;
}

/** Full run: about three minutes. */
export const FULL_CONFIG: RelayBenchConfig = {
  repetitions: 3,
  rooms8: { rooms: 8, roomSize: 8, hz: 30, warmupMs: 1000, measureMs: 4000, recordLatency: false },
  rooms32: { rooms: 2, roomSize: 32, hz: 30, warmupMs: 1000, measureMs: 4000, recordLatency: false },
  latency: { rooms: 1, roomSize: 8, hz: 30, warmupMs: 1000, measureMs: 4000, recordLatency: true },
  saturation: { roomSize: 32, window: 16, warmupMs: 1000, measureMs: 3000 },
  idleClients: 2000,
  idleSettleMs: 1000,
};

/** `--quick`: proves the suite runs; numbers are not meaningful. */
export const QUICK_CONFIG: RelayBenchConfig = {
  repetitions: 1,
  rooms8: { rooms: 1, roomSize: 8, hz: 30, warmupMs: 150, measureMs: 400, recordLatency: false },
  rooms32: { rooms: 1, roomSize: 32, hz: 30, warmupMs: 150, measureMs: 400, recordLatency: false },
  latency: { rooms: 1, roomSize: 8, hz: 30, warmupMs: 150, measureMs: 400, recordLatency: true },
  saturation: { roomSize: 32, window: 16, warmupMs: 150, measureMs: 400 },
  idleClients: 200,
  idleSettleMs: 200,
};
