import type { TelemetryPair } from '@handoff/protocol/lobby';
import type { PeerStats } from './peer-link.js';

/** How often a room reports its pairs to the lobby, ms. */
export const TELEMETRY_INTERVAL_MS = 5000;
/** When a room sends its first report after joining, ms (direct attempts usually settle by then). */
export const FIRST_TELEMETRY_MS = 1500;

/**
 * Builds a room's connectivity report: per peer, the active path, the
 * smoothed RTT, the time to direct, and the fallbacks since the previous
 * report grouped by reason. Nothing else leaves the client (no address, no
 * game data). Remembers what it reported, so fallbacks are counted once.
 */
export class TelemetryReporter {
  /** Per peer: time of the newest fallback already reported. */
  private readonly reportedUpTo = new Map<string, number>();

  /** The report for these peers' current stats. */
  report(peers: Iterable<[string, PeerStats]>): TelemetryPair[] {
    const pairs: TelemetryPair[] = [];
    for (const [peerId, stats] of peers) {
      const since = this.reportedUpTo.get(peerId) ?? Number.NEGATIVE_INFINITY;
      const counts = new Map<string, number>();
      let newest = since;
      for (const fallback of stats.fallbacks) {
        if (fallback.atMs <= since) continue;
        const reason = fallback.reason.slice(0, 64) || 'unknown';
        counts.set(reason, (counts.get(reason) ?? 0) + 1);
        newest = Math.max(newest, fallback.atMs);
      }
      this.reportedUpTo.set(peerId, newest);
      const pair: TelemetryPair = { peerId, path: stats.path };
      if (stats.timeToDirectMs !== undefined) pair.timeToDirectMs = Math.min(stats.timeToDirectMs, 3_600_000);
      if (stats.session.rttSamples > 0) pair.rttMs = Math.min(stats.session.rttMs, 60_000);
      if (counts.size > 0)
        pair.fallbacks = [...counts].slice(0, 8).map(([reason, count]) => ({ reason, count }));
      pairs.push(pair);
    }
    return pairs;
  }

  /** Forgets a peer that left. */
  forget(peerId: string): void {
    this.reportedUpTo.delete(peerId);
  }
}
