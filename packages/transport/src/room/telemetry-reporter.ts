import {
  MAX_TELEMETRY_FALLBACK_REASONS,
  type TelemetryFallbackReason,
  type TelemetryPair,
} from '@handoff/protocol/lobby';
import type { PeerStats } from './peer-link.js';

/**
 * How often a room reports its pairs to the lobby, ms: every second, so the
 * operator's monitor shows each pair's path and RTT at least once a second.
 * A report of a full room of 16 is about 1.1 KB (15 pairs); the lobby accepts
 * `limits.maxTelemetryReportsPerSecond` (default 1) per player, bursts of 3.
 */
export const TELEMETRY_INTERVAL_MS = 1000;

/**
 * The reasons the direct controller and its links give when a pair falls
 * back to the relay (see `direct-link.ts` and `direct-controller.ts`), by
 * their start, and their telemetry code.
 */
const FALLBACK_REASON_CODES: readonly (readonly [string, TelemetryFallbackReason])[] = [
  ['connection failed', 'connection-failed'],
  ['connection closed', 'connection-closed'],
  ['data channel closed', 'channel-closed'],
  ['heartbeats missed', 'heartbeats-missed'],
  ['not validated in time', 'timeout'],
  ['cannot compute the pair proof', 'pair-proof'],
  ['the peer could not prove the pair nonce', 'pair-proof'],
  ['signaling:', 'signaling'],
  ['offer failed:', 'offer-failed'],
  ['no WebRTC:', 'no-webrtc'],
  ['replaced by a new attempt', 'replaced'],
  ['turn-only: the link was not relayed', 'not-relayed'],
];

/** The telemetry code of a fallback reason as the transport words it (`other` for anything else). */
export function fallbackReasonCode(reason: string): TelemetryFallbackReason {
  for (const [start, code] of FALLBACK_REASON_CODES) if (reason.startsWith(start)) return code;
  return 'other';
}

/**
 * Builds a room's connectivity report: per peer, the active path, the
 * smoothed RTT, the time to direct, the fallbacks since the previous
 * report grouped by reason code, and the NAT behaviour seen (whether ICE
 * ever connected, the selected pair's candidate types). Nothing else leaves
 * the client (no address, no candidate, no game data). Remembers what it reported, so fallbacks are counted once.
 */
export class TelemetryReporter {
  /** Per peer: time of the newest fallback already reported. */
  private readonly reportedUpTo = new Map<string, number>();

  /** The report for these peers' current stats. */
  report(peers: Iterable<[string, PeerStats]>): TelemetryPair[] {
    const pairs: TelemetryPair[] = [];
    for (const [peerId, stats] of peers) {
      const since = this.reportedUpTo.get(peerId) ?? Number.NEGATIVE_INFINITY;
      const counts = new Map<TelemetryFallbackReason, number>();
      let newest = since;
      for (const fallback of stats.fallbacks) {
        if (fallback.atMs <= since) continue;
        const reason = fallbackReasonCode(fallback.reason);
        counts.set(reason, (counts.get(reason) ?? 0) + 1);
        newest = Math.max(newest, fallback.atMs);
      }
      this.reportedUpTo.set(peerId, newest);
      const pair: TelemetryPair = { peerId, path: stats.path };
      if (stats.timeToDirectMs !== undefined) pair.timeToDirectMs = Math.min(stats.timeToDirectMs, 3_600_000);
      if (stats.session.rttSamples > 0) pair.rttMs = Math.min(stats.session.rttMs, 60_000);
      if (counts.size > 0)
        pair.fallbacks = [...counts]
          .slice(0, MAX_TELEMETRY_FALLBACK_REASONS)
          .map(([reason, count]) => ({ reason, count }));
      pair.nat = { ...stats.nat };
      pairs.push(pair);
    }
    return pairs;
  }

  /** Forgets a peer that left. */
  forget(peerId: string): void {
    this.reportedUpTo.delete(peerId);
  }
}
