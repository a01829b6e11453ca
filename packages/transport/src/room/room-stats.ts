import type { PathKind } from './peer.js';
import type { PathTraffic, PeerStats } from './peer-link.js';

/** Statistics of a whole room (sums and extremes over its peer links). */
export interface RoomStats {
  /** Peers in the room. */
  peers: number;
  /** Peers whose traffic goes direct / through a TURN server / through the lobby relay. */
  onPath: Record<PathKind, number>;
  /** Traffic per path, summed over peers. */
  traffic: Record<PathKind, PathTraffic>;
  /** Mean smoothed RTT over peers, ms (0 without peers). */
  meanRttMs: number;
  /** Largest smoothed RTT, ms. */
  maxRttMs: number;
  /** Largest loss estimate, 0..1. */
  maxLossRate: number;
  /** Path switches, summed. */
  switches: number;
  /** Reliable messages waiting for acknowledgement, summed. */
  pendingReliableMessages: number;
}

/** Aggregates per-peer statistics. */
export function aggregateStats(all: readonly PeerStats[]): RoomStats {
  const zero = (): PathTraffic => ({ datagramsOut: 0, bytesOut: 0, datagramsIn: 0, bytesIn: 0 });
  const stats: RoomStats = {
    peers: all.length,
    onPath: { relay: 0, turn: 0, direct: 0 },
    traffic: { relay: zero(), turn: zero(), direct: zero() },
    meanRttMs: 0,
    maxRttMs: 0,
    maxLossRate: 0,
    switches: 0,
    pendingReliableMessages: 0,
  };
  for (const peer of all) {
    stats.onPath[peer.path]++;
    for (const path of ['relay', 'turn', 'direct'] as const) {
      const sum = stats.traffic[path];
      const own = peer.traffic[path];
      sum.datagramsOut += own.datagramsOut;
      sum.bytesOut += own.bytesOut;
      sum.datagramsIn += own.datagramsIn;
      sum.bytesIn += own.bytesIn;
    }
    stats.meanRttMs += peer.session.rttMs / all.length;
    stats.maxRttMs = Math.max(stats.maxRttMs, peer.session.rttMs);
    stats.maxLossRate = Math.max(stats.maxLossRate, peer.session.lossRate);
    stats.switches += peer.switches;
    stats.pendingReliableMessages += peer.session.pendingReliableMessages;
  }
  return stats;
}
