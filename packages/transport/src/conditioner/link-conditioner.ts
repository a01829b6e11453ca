/**
 * Simulated network conditions on the outgoing traffic of one path, for
 * trying a game under a bad network. Read again for every datagram, so a
 * change applies from the next one.
 */
export interface LinkConditions {
  /** Added one-way delay, ms. Default 0. */
  latencyMs?: number;
  /** Extra random delay, uniform in [0, jitterMs), ms (jitter reorders). Default 0. */
  jitterMs?: number;
  /** Probability an outgoing datagram is dropped, 0..1 (1 blackholes the path). Default 0. */
  loss?: number;
  /**
   * Upload cap of this player on the path, bytes per second, shared by all
   * its peers (a token bucket that lets one full datagram, 1200 bytes, through
   * at once). Datagrams over the cap wait their turn in a queue, as in a
   * router; one that would wait longer than `maxQueueDelayMs` is dropped, so
   * the queue never holds more than `rate × maxQueueDelayMs`. Default: no cap.
   */
  rateBytesPerSecond?: number;
  /** With a rate cap, the longest a datagram may wait in the queue before it is dropped, ms. Default 200. */
  maxQueueDelayMs?: number;
}

/**
 * Simulated conditions per path (`relay`, `direct`) on this player's
 * outgoing traffic: `Room.conditioner`, or `RoomBehaviour.conditioner`.
 *
 * @example
 * ```ts
 * import type { LinkConditioner } from '@handoff/transport';
 *
 * // A lobby in another city, a nearby peer, a 64 KB/s uplink; seeded: replayable drops.
 * const lag: LinkConditioner = {
 *   relay: { latencyMs: 40, jitterMs: 10, loss: 0.01, rateBytesPerSecond: 64_000 },
 *   direct: { latencyMs: 12, jitterMs: 3 },
 *   seed: 42,
 * };
 * ```
 */
export interface LinkConditioner {
  /** Conditions of datagrams sent through the lobby's relay. */
  relay?: LinkConditions;
  /** Conditions of datagrams (and heartbeats) sent over direct WebRTC links. */
  direct?: LinkConditions;
  /**
   * Seed of the random loss and jitter. Each path to each peer draws from
   * its own small generator seeded with it, so the same traffic meets the
   * same drops on every run. Default: `Math.random`.
   */
  seed?: number;
}

/** The paths a {@link LinkConditioner} conditions. */
export type ConditionedPathKind = 'relay' | 'direct';

/** Default {@link LinkConditions.maxQueueDelayMs}: about what a home router buffers at its line rate. */
export const DEFAULT_MAX_QUEUE_DELAY_MS = 200;

/** Bucket depth of the rate cap: one full datagram leaves an idle link at once. */
export const RATE_BURST_BYTES = 1200;
