import type { Session } from '../session/session.js';
import type { LinkSimulator } from './link-simulator.js';

/** Options of {@link runSessions}. */
export interface RunSessionsOptions {
  /** Session at endpoint `a`. */
  a: Session;
  /** Session at endpoint `b`. */
  b: Session;
  /** The link between them. */
  link: LinkSimulator;
  /** Simulated start time, ms. Default 0. */
  startMs?: number;
  /** Stop at this simulated time, ms. */
  untilMs: number;
  /** Tick length: both sessions are polled this often, ms. Default 10 (a 100 Hz game loop). */
  tickMs?: number;
  /** Called at the start of every tick (send game messages here, switch paths...). Return `false` to stop early. */
  onTick?: (now: number) => unknown;
}

/**
 * Drives two sessions over a simulated link with a fixed-step clock until
 * `untilMs` (or until `onTick` returns false). Returns the time it stopped at.
 * Rejected datagrams raise an error: over a simulator nothing should be rejected.
 */
export function runSessions(options: RunSessionsOptions): number {
  const { a, b, link } = options;
  const tick = options.tickMs ?? 10;
  let now = options.startMs ?? 0;
  while (now <= options.untilMs) {
    if (options.onTick?.(now) === false) break;
    for (const datagram of link.deliver('a', now)) throwIfRejected(a.receive(datagram, now));
    for (const datagram of link.deliver('b', now)) throwIfRejected(b.receive(datagram, now));
    for (const datagram of a.poll(now)) link.send('a', datagram, now);
    for (const datagram of b.poll(now)) link.send('b', datagram, now);
    now += tick;
  }
  return now;
}

function throwIfRejected(error: Error | undefined): void {
  if (error !== undefined) throw error;
}
