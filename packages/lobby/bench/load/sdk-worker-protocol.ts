/**
 * The IPC messages between the relay bench and its load workers
 * (load/sdk-load-worker.ts), each hosting a slice of a room's players.
 */
import type { SparseHistogram } from './latency-histogram.js';

/** Which SDK a worker's players use. */
export type ClientSdk = 'handoff' | 'colyseus';

/** Bench → worker. */
export type WorkerCommand =
  /** Connect player `index` and create the room; answered by `created`. */
  | { type: 'create'; sdk: ClientSdk; url: string; port: number; roomSize: number; index: number }
  /**
   * Connect player `index` and join `roomId`; answered by `joined`. The bench
   * joins players one at a time: before 4186494 a Handoff client whose
   * `room:joined` and a later member's `presence:join` arrived in one read
   * never learned of that member (its `Room` was built a microtask after the
   * answer), so concurrent joins left peers unseen. One at a time also keeps
   * peer indexes in player order.
   */
  | {
      type: 'join';
      sdk: ClientSdk;
      url: string;
      port: number;
      roomSize: number;
      roomId: string;
      index: number;
    }
  /** Answered by `ready` once every local player sees the whole room. */
  | { type: 'await-room'; roomSize: number }
  /**
   * Start playing. Times are {@link clockMs}. Player i sends its position at
   * `startMs + (i / roomSize) / hz + k / hz` and a chat line every
   * `chatEveryMs`, half a tick later; the measured window is [windowStartMs, windowEndMs).
   */
  | {
      type: 'play';
      startMs: number;
      hz: number;
      chatEveryMs: number;
      roomSize: number;
      windowStartMs: number;
      windowEndMs: number;
    }
  /** Stop sending; report after `drainMs` (chat still in flight lands). Answered by `report`. */
  | { type: 'stop'; drainMs: number }
  /** Close every player and forget the run (the worker stays for the next); answered by `closed`. */
  | { type: 'close' }
  /** Exit. */
  | { type: 'exit' };

/** What one worker saw during a run. */
export interface WorkerReport {
  /** Players hosted. */
  players: number;
  /** Positions sent with a send time inside the window. */
  positionsSent: number;
  /** Positions received with a send time inside the window (each counted once per receiver). */
  positionsReceived: number;
  /** Position ticks due in the window that the load process was too late to send. */
  ticksMissed: number;
  /** One-way latency of the positions counted in `positionsReceived`. */
  latency: SparseHistogram;
  /** Chat lines each local player sent during the whole run, by bench player index. */
  chatSent: Record<number, number>;
  /** Chat lines received exactly once and in order (sender's `0..n-1`). */
  chatInOrder: number;
  /** Chat lines received out of order or twice. */
  chatViolations: number;
  /** Closes or drops of a player's connection during play (close codes). */
  closes: number[];
  /** Push-backs from the server (Handoff: `error RateLimited`; a broadcast skipping a peer). */
  pushBacks: number;
  /** Other errors, counted, and the first few messages. */
  errors: number;
  errorSamples: string[];
  /** This process's CPU time in the window, seconds. */
  cpuSeconds: number;
  /** Game-traffic frames its players sent in the window. */
  framesSent: number;
  /** Window length as this worker measured it, seconds. */
  windowSeconds: number;
}

/** Worker → bench. */
export type WorkerEvent =
  | { type: 'created'; roomId: string }
  | { type: 'joined' }
  | { type: 'ready' }
  | { type: 'report'; report: WorkerReport }
  | { type: 'closed' }
  | { type: 'failed'; message: string };
