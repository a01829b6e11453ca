import type { HandoffError, Session, SessionStats } from '@handoff/protocol';
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
}

const emptyTraffic = (): PathTraffic => ({ datagramsOut: 0, bytesOut: 0, datagramsIn: 0, bytesIn: 0 });

/**
 * The link to one remote peer: one session (one set of sequence numbers and
 * message ids for the pair's whole life) over whichever path is active.
 */
export class PeerLink implements Flushable {
  readonly session: Session;
  private path: DatagramPath;
  private readonly traffic: Record<PathKind, PathTraffic> = { relay: emptyTraffic(), direct: emptyTraffic() };
  private rejected = 0;

  constructor(
    readonly peerId: string,
    session: Session,
    path: DatagramPath,
    private readonly onRejected: (error: HandoffError) => void,
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
    const error = this.session.receive(datagram, now);
    if (error !== undefined) {
      this.rejected++;
      this.onRejected(error);
    }
  }

  /** Moves traffic to another path; the session re-sends everything unacknowledged on it. */
  switchTo(path: DatagramPath, now: number): void {
    if (path === this.path) return;
    this.path = path;
    this.session.pathChanged(now);
  }

  stats(): PeerStats {
    return {
      path: this.path.kind,
      session: this.session.stats(),
      traffic: { relay: { ...this.traffic.relay }, direct: { ...this.traffic.direct } },
      rejectedDatagrams: this.rejected,
    };
  }
}
