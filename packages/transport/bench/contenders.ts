/**
 * Runs contenders side by side: every repetition runs each of them once,
 * rotating the order so slow drift (GC, CPU frequency) favours none.
 */
import type { ThroughputConfig, TransportBenchConfig } from './bench-config.js';
import { type Duplex, echo } from './duplex.js';
import { type PingPongResult, runPingPong } from './ping-pong.js';
import { runThroughput, type ThroughputResult } from './throughput.js';

/** A pipe under test: the measuring end and the far end. */
export interface Contender {
  /** Row name in the tables. */
  name: string;
  /** Sends pings / load. */
  near: Duplex;
  /** Echoes pings / counts load. */
  far: Duplex;
}

/** Results by contender name, one entry per repetition. */
export type RunsByName<R> = Map<string, R[]>;

async function rotate<R>(
  contenders: readonly Contender[],
  repetitions: number,
  run: (contender: Contender) => Promise<R>,
): Promise<RunsByName<R>> {
  const runs: RunsByName<R> = new Map(contenders.map((contender) => [contender.name, []]));
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(i + repetition) % contenders.length]!;
      runs.get(contender.name)!.push(await run(contender));
    }
  }
  return runs;
}

/** Ping-pong RTT of every contender (its far end echoes while it runs). */
export function rttRuns(
  contenders: readonly Contender[],
  config: TransportBenchConfig,
): Promise<RunsByName<PingPongResult>> {
  return rotate(contenders, config.rttRepetitions, async (contender) => {
    const stopEcho = echo(contender.far);
    try {
      return await runPingPong(contender.near, {
        pings: config.pings,
        warmup: config.warmupPings,
        timeoutMs: config.pingTimeoutMs,
        bytes: config.pingBytes,
      });
    } finally {
      stopEcho();
    }
  });
}

/** One-way throughput near → far of every contender. */
export function throughputRuns(
  contenders: readonly Contender[],
  repetitions: number,
  config: ThroughputConfig,
): Promise<RunsByName<ThroughputResult>> {
  return rotate(contenders, repetitions, (contender) => runThroughput(contender.near, contender.far, config));
}
