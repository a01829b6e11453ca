/**
 * Round-trip time at the application level: one ping in flight at a time,
 * the next one sent from the pong handler; a ping unanswered after the
 * timeout is counted lost and replaced.
 */
import type { Duplex } from './duplex.js';

/** Options of {@link runPingPong}. */
export interface PingPongOptions {
  /** Timed round trips. */
  pings: number;
  /** Untimed round trips first (JIT, buffers). */
  warmup: number;
  /** Lost after this long, ms. */
  timeoutMs: number;
  /** Ping size in bytes (≥ 4: a big-endian sequence number leads). */
  bytes: number;
}

/** Round trips of one run. */
export interface PingPongResult {
  /** Timed round trips, microseconds. */
  rttsUs: number[];
  /** Pings without a pong in time (warm-up included). */
  lost: number;
}

/** Pings over `end` (whose far side echoes) until `pings` timed round trips are done. */
export function runPingPong(end: Duplex, options: PingPongOptions): Promise<PingPongResult> {
  const total = options.warmup + options.pings;
  const rttsUs: number[] = [];
  let lost = 0;
  let sequence = 0;
  let sentAt = 0;
  return new Promise<PingPongResult>((resolve, reject) => {
    let unlisten: () => void = () => undefined;
    const watchdog = setInterval(
      () => {
        if (performance.now() - sentAt <= options.timeoutMs) return;
        lost++;
        if (lost > Math.max(10, total / 10)) finish(new Error(`ping-pong: ${lost} pings lost`));
        else next();
      },
      Math.max(1, options.timeoutMs / 5),
    );
    const finish = (error?: Error): void => {
      clearInterval(watchdog);
      unlisten();
      if (error === undefined) resolve({ rttsUs, lost });
      else reject(error);
    };
    const send = (): void => {
      const ping = new Uint8Array(options.bytes);
      new DataView(ping.buffer).setUint32(0, sequence);
      sentAt = performance.now();
      try {
        end.send(ping);
      } catch (error) {
        finish(error as Error);
      }
    };
    const next = (): void => {
      sequence++;
      if (sequence >= total) finish();
      else send();
    };
    unlisten = end.listen((pong) => {
      const now = performance.now();
      if (pong.byteLength < 4) return;
      if (new DataView(pong.buffer, pong.byteOffset, pong.byteLength).getUint32(0) !== sequence) return; // late
      if (sequence >= options.warmup) rttsUs.push((now - sentAt) * 1000);
      next();
    });
    send();
  });
}
