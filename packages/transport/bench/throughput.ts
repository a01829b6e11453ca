/**
 * One-way throughput under a bounded offered load: the sender keeps at most
 * `maxInFlight` messages sent but not yet delivered, topping up in one burst
 * per event-loop turn once half of them have arrived (no busy loop: the
 * native WebRTC threads share the cores). Messages missing for `stallMs`
 * are written off as lost so the pipe never stalls.
 */
import type { ThroughputConfig } from './bench-config.js';
import type { Duplex } from './duplex.js';
import { sleep } from './wait.js';

/** What one throughput run saw in its measured window. */
export interface ThroughputResult {
  /** Messages sent during the window. */
  offered: number;
  /** Messages that arrived during the window. */
  delivered: number;
  /** Window length, s. */
  seconds: number;
  /** Times in-flight messages were written off (a stall of `stallMs`), whole run. */
  stalls: number;
  /** Messages sent in the whole run (warm-up included). */
  totalSent: number;
}

interface Mark {
  sent: number;
  delivered: number;
  at: number;
}

/** Sends `messageBytes`-byte messages from `from` to `to` for warm-up + window; counts deliveries. */
export async function runThroughput(
  from: Duplex,
  to: Duplex,
  config: ThroughputConfig,
): Promise<ThroughputResult> {
  const payload = new Uint8Array(config.messageBytes).fill(0x5a);
  let sent = 0;
  let delivered = 0;
  let writtenOff = 0;
  let stalls = 0;
  let lastProgressAt = performance.now();
  let running = true;
  let burstPending = false;
  let failure: Error | undefined;
  const inFlight = (): number => Math.max(0, sent - delivered - writtenOff);
  const burst = (): void => {
    burstPending = false;
    if (!running) return;
    try {
      for (let room = config.maxInFlight - inFlight(); room > 0; room--) {
        from.send(payload);
        sent++;
      }
    } catch (error) {
      failure = error as Error;
      running = false;
    }
  };
  const scheduleBurst = (): void => {
    if (burstPending || !running) return;
    burstPending = true;
    setImmediate(burst);
  };
  const unlisten = to.listen(() => {
    delivered++;
    lastProgressAt = performance.now();
    if (inFlight() <= config.maxInFlight / 2) scheduleBurst();
  });
  const mark = (): Mark => ({ sent, delivered, at: performance.now() });
  const watchdog = setInterval(
    () => {
      if (inFlight() > 0 && performance.now() - lastProgressAt > config.stallMs) {
        writtenOff = sent - delivered;
        lastProgressAt = performance.now();
        stalls++;
        scheduleBurst();
      }
    },
    Math.max(1, config.stallMs / 5),
  );
  let begin: Mark;
  let end: Mark;
  try {
    burst();
    await sleep(config.warmupMs);
    begin = mark();
    await sleep(config.measureMs);
    end = mark();
    running = false;
    await sleep(20); // let the last in-flight messages land before unsubscribing
  } finally {
    running = false;
    clearInterval(watchdog);
    unlisten();
  }
  if (failure !== undefined) throw failure;
  return {
    offered: end.sent - begin.sent,
    delivered: end.delivered - begin.delivered,
    seconds: (end.at - begin.at) / 1000,
    stalls,
    totalSent: sent,
  };
}
