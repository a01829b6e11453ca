import { UnknownPeerError } from '../lobby-client/errors.js';
import type { PathKind, Peer } from '../room/peer.js';
import type { PeerStats } from '../room/peer-link.js';
import type { PathUpdate } from './snapshot-interpolator.js';

/** A `path:change` event, as far as {@link followPeerPath} reads it. */
export type PathChangeListener = (event: { peer: Peer; to: PathKind }) => void;

/** What {@link followPeerPath} needs of a room: per-peer stats and `path:change` (a `Room` has both). */
export interface PathSource {
  /** Statistics of the link to one peer. */
  stats(peerId: string): PeerStats;
  /** Subscribes to path changes. */
  on(event: 'path:change', listener: PathChangeListener): unknown;
  /** Unsubscribes. */
  off(event: 'path:change', listener: PathChangeListener): unknown;
}

/** Options of {@link followPeerPath}. */
export interface FollowPeerPathOptions {
  /** How often the peer's stats are read, ms. Default 250. */
  pollMs?: number;
}

/**
 * RTT samples a fresh path needs before its figures count: the estimate
 * restarts on a path change, and its first samples can still be acks of
 * datagrams sent before the change (a spike that RTTVAR forgets by ×0.75
 * per sample: 1% left after 16).
 */
const MIN_RTT_SAMPLES = 16;

/**
 * The one-way jitter of a peer's current path from its stats, ms: half the
 * session's RTT variation (RFC 6298 RTTVAR) — a round trip varies in both
 * directions. Undefined until the path has enough RTT samples. A buffer
 * must cover how much arrival times vary; the latency itself is already in
 * them.
 */
export function pathJitterMs(stats: PeerStats): number | undefined {
  const session = stats.session;
  if (session.rttSamples < MIN_RTT_SAMPLES) return undefined;
  return session.rttVarianceMs / 2;
}

/**
 * Keeps an interpolator (anything with `updatePath`, such as a
 * {@link SnapshotInterpolator}) informed of one peer's path: at once on
 * `path:change`, and its measured jitter every `pollMs`. Returns a function
 * that stops following; it also stops by itself when the peer leaves.
 */
export function followPeerPath(
  room: PathSource,
  peerId: string,
  interpolator: { updatePath(update: PathUpdate): void },
  options: FollowPeerPathOptions = {},
): () => void {
  const update = (): void => {
    let stats: PeerStats;
    try {
      stats = room.stats(peerId);
    } catch (error) {
      if (error instanceof UnknownPeerError) stop();
      else throw error;
      return;
    }
    interpolator.updatePath({ path: stats.path, jitterMs: pathJitterMs(stats) });
  };
  const onChange: PathChangeListener = (event) => {
    if (event.peer.id === peerId) update();
  };
  const timer = setInterval(update, options.pollMs ?? 250);
  (timer as { unref?: () => void }).unref?.();
  const stop = (): void => {
    clearInterval(timer);
    room.off('path:change', onChange);
  };
  room.on('path:change', onChange);
  update();
  return stop;
}
