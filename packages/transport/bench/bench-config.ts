/** Iteration counts of the transport benchmark, full and `--quick`. */

/** How much work each part of the transport suite does. */
export interface TransportBenchConfig {
  /** Fresh client pairs for time to first message / time to direct (one lobby). */
  pairs: number;
  /** Repetitions of every throughput measurement (contenders alternate order). */
  repetitions: number;
  /** Repetitions of every RTT measurement: many short ones, so a paired (same-repetition) ratio beats drift. */
  rttRepetitions: number;
  /** Timed ping-pongs per repetition and contender. */
  pings: number;
  /** Untimed ping-pongs before the timed ones. */
  warmupPings: number;
  /** A ping without a pong after this long is counted lost and the next one is sent, ms. */
  pingTimeoutMs: number;
  /** Bytes of a ping (a sequence number and padding). */
  pingBytes: number;
  /** Throughput workload. */
  throughput: ThroughputConfig;
}

/** Bounded-load throughput workload: top up to `maxInFlight` messages every event-loop turn. */
export interface ThroughputConfig {
  /** Payload bytes per message. */
  messageBytes: number;
  /** Messages sent but neither delivered nor written off, at most. */
  maxInFlight: number;
  /** No delivery for this long → the in-flight messages are written off as lost, ms. */
  stallMs: number;
  /** Load before the measured window, ms. */
  warmupMs: number;
  /** Measured window, ms. */
  measureMs: number;
}

/** Full run: about a minute. */
export const FULL_CONFIG: TransportBenchConfig = {
  pairs: 30,
  repetitions: 8,
  rttRepetitions: 10,
  pings: 1000,
  warmupPings: 200,
  pingTimeoutMs: 250,
  pingBytes: 16,
  throughput: { messageBytes: 1000, maxInFlight: 64, stallMs: 50, warmupMs: 300, measureMs: 1500 },
};

/** `--quick`: proves the suite still runs, in a few seconds. */
export const QUICK_CONFIG: TransportBenchConfig = {
  pairs: 3,
  repetitions: 1,
  rttRepetitions: 1,
  pings: 100,
  warmupPings: 20,
  pingTimeoutMs: 250,
  pingBytes: 16,
  throughput: { messageBytes: 1000, maxInFlight: 64, stallMs: 50, warmupMs: 50, measureMs: 250 },
};
