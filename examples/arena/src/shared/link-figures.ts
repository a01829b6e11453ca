import type { PathKind, PeerStats } from '@handoff/transport';

/** What the HUD and the terminal table show of the link to one peer. */
export interface LinkFigures {
  /** The path the traffic takes now. */
  path: PathKind;
  /** Round-trip time on the current path, smoothed, ms (undefined until measured there). */
  rttMs: number | undefined;
  /** From meeting the peer to the first validated direct link, ms (undefined: not yet). */
  timeToDirectMs: number | undefined;
  /** Path switches so far. */
  switches: number;
}

/** Reads a peer's link figures from its stats. */
export function linkFigures(stats: PeerStats): LinkFigures {
  const session = stats.session;
  // On a direct link, its own heartbeat RTT: the session's estimate restarts on
  // a path change and its first samples can be acks of datagrams sent before.
  const direct = stats.path !== 'relay' ? stats.directHeartbeatRttMs : undefined;
  return {
    path: stats.path,
    rttMs: direct ?? (session.rttSamples > 0 ? session.rttMs : undefined),
    timeToDirectMs: stats.timeToDirectMs,
    switches: stats.switches,
  };
}

/** `123 ms`, or `—`. */
export function formatMs(ms: number | undefined): string {
  return ms === undefined ? '—' : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}
