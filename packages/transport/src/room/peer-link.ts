import type { Session, SessionStats } from '@handoff/protocol';
import type { TelemetryNat } from '@handoff/protocol/lobby';
import type { Flushable } from './flush-scheduler.js';
import type { PathKind } from './peer.js';

/** Where a peer link sends datagrams. */
export interface DatagramPath {
  readonly kind: PathKind;
  /** Sends one datagram; false when the path cannot take it now (the session retransmits later). */
  send(datagram: Uint8Array): boolean;
}

/** Bytes and datagrams that went over one path. */
export interface PathTraffic {
  datagramsOut: number;
  bytesOut: number;
  datagramsIn: number;
  bytesIn: number;
}

/** Per-peer statistics. */
export interface PeerStats {
  /** The active path. */
  path: PathKind;
  /** The session's figures: RTT, jitter, loss, packets, pending reliable data. */
  session: SessionStats;
  /** Traffic per path. */
  traffic: Record<PathKind, PathTraffic>;
  /** Datagrams from this peer the session rejected (malformed, out of window). */
  rejectedDatagrams: number;
  /** From the moment the peer was known to the first validated direct link, ms (undefined: not yet). */
  timeToDirectMs: number | undefined;
  /** Path switches so far (relay → direct and back). */
  switches: number;
  /** Why traffic fell back to the relay, most recent last (at most 16 kept). */
  fallbacks: { reason: string; atMs: number }[];
  /** Round-trip time of direct-path heartbeats, latest, ms (undefined without a direct link). */
  directHeartbeatRttMs: number | undefined;
  /**
   * Position snapshots from this peer that failed to decode (all position
   * channels; a late snapshot that lost to a newer one is not counted). Such a snapshot is never acknowledged, so the sender stops
   * using it as a baseline and the stream heals within a round trip; a
   * count that keeps climbing means the peers' codec options differ.
   */
  positionDecodeFailures: number;
  /**
   * The NAT behaviour seen on this pair: whether ICE ever connected
   * (`untried`, `unreached`, `reached`), and the candidate types (`host`,
   * `srflx`, `prflx`, `relay`) of the selected pair of the latest link that
   * validated, this side's (`local`) and the peer's (`remote`).
   */
  nat: TelemetryNat;
}

const emptyTraffic = (): PathTraffic => ({ datagramsOut: 0, bytesOut: 0, datagramsIn: 0, bytesIn: 0 });

/**
 * The link to one remote peer: one session (one set of sequence numbers and
 * message ids for the pair's whole life) over whichever path is active.
 */
export class PeerLink implements Flushable {
  readonly session: Session;
  private path: DatagramPath;
  private readonly traffic: Record<PathKind, PathTraffic> = {
    relay: emptyTraffic(),
    turn: emptyTraffic(),
    direct: emptyTraffic(),
  };
  private rejected = 0;
  private readonly createdAt = performance.now();
  private timeToDirect: number | undefined;
  private switches = 0;
  private readonly fallbacks: { reason: string; atMs: number }[] = [];
  /** Latest direct heartbeat RTT, ms. */
  directHeartbeatRtt: number | undefined;

  constructor(
    readonly peerId: string,
    session: Session,
    path: DatagramPath,
  ) {
    this.session = session;
    this.path = path;
  }

  /** The active path. */
  get pathKind(): PathKind {
    return this.path.kind;
  }

  /** Sends what the session has ready over the active path. */
  flush(now: number): void {
    const traffic = this.traffic[this.path.kind];
    for (const datagram of this.session.poll(now)) {
      if (!this.path.send(datagram)) continue;
      traffic.datagramsOut++;
      traffic.bytesOut += datagram.length;
    }
  }

  /** Feeds a datagram that arrived over `via`. */
  receive(datagram: Uint8Array, via: PathKind, now: number): void {
    const traffic = this.traffic[via];
    traffic.datagramsIn++;
    traffic.bytesIn += datagram.length;
    // A rejected datagram changed nothing; it is counted in the stats.
    if (this.session.receive(datagram, now) !== undefined) this.rejected++;
  }

  /**
   * Moves traffic to another path; the session resets its RTT estimate and
   * re-sends everything unacknowledged on it. Returns false if already there.
   */
  switchTo(path: DatagramPath, now: number, reason: string): boolean {
    if (path === this.path) return false;
    this.path = path;
    this.switches++;
    if (path.kind === 'direct') this.timeToDirect ??= now - this.createdAt;
    else if (path.kind === 'relay') {
      this.fallbacks.push({ reason, atMs: now });
      if (this.fallbacks.length > 16) this.fallbacks.shift();
    }
    this.session.pathChanged(now);
    this.flush(now);
    return true;
  }

  /** The link's figures (the room adds the codecs' `positionDecodeFailures`). */
  stats(): Omit<PeerStats, 'positionDecodeFailures' | 'nat'> {
    return {
      path: this.path.kind,
      session: this.session.stats(),
      traffic: {
        relay: { ...this.traffic.relay },
        turn: { ...this.traffic.turn },
        direct: { ...this.traffic.direct },
      },
      rejectedDatagrams: this.rejected,
      timeToDirectMs: this.timeToDirect,
      switches: this.switches,
      fallbacks: [...this.fallbacks],
      directHeartbeatRttMs: this.directHeartbeatRtt,
    };
  }
}
