import type { IceServer, Signal, TelemetryNat } from '@handoff/protocol/lobby';
import type { PathConditioner } from '../conditioner/path-conditioner.js';
import { DirectLink, type DirectTiming } from './direct-link.js';
import type { RemoteCandidatePolicy } from './remote-candidates.js';
import type { RtcPeerConnectionConstructor } from './webrtc.js';

/** Retry timing of direct attempts. */
export interface DirectRetry {
  /** Delay before the first retry, ms. Default 1000. */
  initialDelayMs: number;
  /** Longest delay between attempts, ms. Default 30000. */
  maxDelayMs: number;
}

/** What a {@link DirectController} needs and reports. */
export interface DirectControllerOptions {
  timing: DirectTiming;
  retry: DirectRetry;
  loadRtcPeerConnection: () => Promise<RtcPeerConnectionConstructor>;
  iceServers: () => IceServer[];
  localId: string;
  remoteId: string;
  /** The lobby's nonce for this pair (it changes when a restarted lobby restores the room). */
  pairNonce: () => string;
  signal(signal: Signal): void;
  /**
   * A link is validated and usable: `direct`, or `turn` when a TURN server
   * relays it. Called again when the pair moves between the two (a pair on
   * TURN whose direct lane succeeds later).
   */
  onUp(kind: LinkKind): void;
  /** The direct path is gone (or an attempt failed); traffic belongs on the relay. */
  onDown(reason: string, wasUp: boolean): void;
  /** A session datagram from the peer, and the kind of link it came over. */
  onDatagram(datagram: Uint8Array, via: LinkKind): void;
  /**
   * Whether the lobby relays `signal.lane` (`LobbyClient.relaysSignalLanes`):
   * only then do the direct and TURN lanes run side by side.
   */
  signalLanes?: () => boolean;
  onHeartbeatRtt?(rttMs: number): void;
  /** The room's link conditioner of the direct path. */
  conditioner?: PathConditioner;
  /** Which of the peer's ICE candidates to apply. */
  remoteCandidates: RemoteCandidatePolicy;
  /** `direct: 'turn-only'`: relay candidates only, in and out of this client. */
  relayOnly?: boolean;
}

/** What a validated WebRTC link is: peer to peer, or through a TURN server. */
export type LinkKind = 'direct' | 'turn';

/** Whether an ICE server list has a TURN server. */
export function hasTurn(servers: IceServer[]): boolean {
  return servers.some((server) =>
    (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => /^turns?:/i.test(url)),
  );
}

/**
 * How long the offerer waits for its direct lane before it opens the TURN
 * lane, ms. Most direct links validate within it (p50 ≈ 180–200 ms in the
 * NAT lab), so a pair that can go direct rarely allocates on the TURN
 * server; one that can't is on TURN about 0.3 s later.
 */
export const TURN_LANE_DELAY_MS = 300;

/** An ICE server list without its TURN URLs (the direct lane must not end on TURN). */
export function withoutTurn(servers: IceServer[]): IceServer[] {
  const result: IceServer[] = [];
  for (const server of servers) {
    const urls = (Array.isArray(server.urls) ? server.urls : [server.urls]).filter(
      (url) => !/^turns?:/i.test(url),
    );
    if (urls.length > 0) result.push({ urls });
  }
  return result;
}

/**
 * Offers a peer may send before they are ignored: a burst of 4 (the first
 * offers of both lanes, and a retry each), then one a second. An honest
 * offerer retries after a backoff of a second or more; a hostile one would
 * make this client answer (and gather) as fast as it sends.
 */
const OFFER_BURST = 4;

/** How long a link replaced by a better one stays open, ms: the peer's side switches a round trip later. */
const RETIRE_GRACE_MS = 2000;

/** Which attempt: the direct lane (peer to peer) or the TURN lane (relay candidates only). */
type LaneName = 'direct' | 'turn';

/** One lane's current attempt, the kind its validated link turned out to be, and its retry state. */
interface Lane {
  readonly name: LaneName;
  link: DirectLink | undefined;
  /** Set once its link validated (from the selected candidate pair). */
  kind: LinkKind | undefined;
  failures: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Keeps one peer pair on the best WebRTC path it can have: direct > turn >
 * (the room's) relay. The lower id offers; the answerer follows its offers.
 *
 * - Without a TURN server (or through a lobby that can't tell lanes apart)
 *   there is one lane: attempts with every ICE server, each on a fresh
 *   `RTCPeerConnection` (libdatachannel has no ICE restart), retried with
 *   backoff when they fail or die.
 * - With one, two lanes run side by side, their signals told apart by
 *   `signal.lane`: the *direct lane* (no TURN server) and the *TURN lane*
 *   (relay candidates only), opened {@link TURN_LANE_DELAY_MS} later unless
 *   the direct lane validated first. A pair on TURN keeps retrying the
 *   direct lane with backoff and moves there when it validates. (One lane
 *   with every candidate type was tried first: libjuice never completed it
 *   for a pair behind symmetric NATs in the NAT lab, while relay-only
 *   attempts connected in ~0.4 s.)
 * - `turn-only` runs the TURN lane alone and never applies a peer's
 *   non-relay candidate.
 *
 * The relay is never disturbed by any of this.
 */
export class DirectController {
  private readonly direct: Lane = {
    name: 'direct',
    link: undefined,
    kind: undefined,
    failures: 0,
    timer: undefined,
  };
  private readonly turn: Lane = {
    name: 'turn',
    link: undefined,
    kind: undefined,
    failures: 0,
    timer: undefined,
  };
  /** The lane whose validated link carries traffic. */
  private active: Lane | undefined;
  /** Links replaced by a better one, closing after a grace period. */
  private readonly retiring = new Set<DirectLink>();
  private closed = false;
  readonly offerer: boolean;
  private offerTokens = OFFER_BURST;
  private offerTokensAt = performance.now();
  /** Offers ignored because they came too fast. */
  ignoredOffers = 0;
  /** Whether any attempt ran, and whether ICE ever connected on one. */
  private attempted = false;
  private reached = false;
  /** Candidate types of the selected pair of the latest link that validated. */
  private selected: Pick<TelemetryNat, 'local' | 'remote'> = {};

  constructor(private readonly options: DirectControllerOptions) {
    this.offerer = options.localId < options.remoteId;
  }

  /** Whether the lobby relays `signal.lane`. */
  private get lanes(): boolean {
    return this.options.signalLanes?.() === true;
  }

  /** Whether the TURN lane runs beside the direct one (else one lane does everything). */
  private get twoLanes(): boolean {
    return this.options.relayOnly !== true && this.lanes && hasTurn(this.options.iceServers());
  }

  /** Starts the first attempt (the offerer acts; the answerer waits for an offer). */
  start(): void {
    if (!this.offerer) {
      // The answerer loads WebRTC now rather than when the offer comes: the first
      // load of node-datachannel takes ~50–100 ms that would add to time to direct.
      this.options.loadRtcPeerConnection().catch(() => undefined);
      return;
    }
    if (this.options.relayOnly === true) {
      void this.attempt(this.turn);
      return;
    }
    void this.attempt(this.direct);
    if (this.twoLanes) this.schedule(this.turn, TURN_LANE_DELAY_MS);
  }

  /**
   * The NAT behaviour seen on this pair so far: whether ICE ever connected,
   * and the candidate types of the latest validated link's selected pair.
   */
  get nat(): TelemetryNat {
    const reached =
      this.reached || [this.direct.link, this.turn.link].some((link) => link?.reachedPeer === true);
    return { ice: reached ? 'reached' : this.attempted ? 'unreached' : 'untried', ...this.selected };
  }

  /** Sends a session datagram over the validated link; false if there is none. */
  send(datagram: Uint8Array): boolean {
    return this.active?.link?.send(datagram) ?? false;
  }

  /** A signal from the peer. An offer starts a fresh attempt of its lane on the answerer's side. */
  handleSignal(signal: Signal): void {
    if (this.closed) return;
    let lane = signal.lane === 'turn' ? this.turn : this.direct;
    if (this.options.relayOnly === true) {
      // turn-only has its TURN lane alone: a peer's direct-lane attempts go unanswered (they
      // would replace it), unless the lobby can't tell lanes apart and there is one lane.
      if (lane === this.direct && this.lanes) return;
      lane = this.turn;
    }
    if (signal.kind === 'description' && signal.sdpType === 'offer' && !this.offerer) {
      if (!this.takeOfferToken()) {
        this.ignoredOffers++;
        return;
      }
      void this.attempt(lane).then(() => lane.link?.handleSignal(signal));
      return;
    }
    void lane.link?.handleSignal(signal);
  }

  /** One offer's worth of the peer's budget (refills one a second up to the burst). */
  private takeOfferToken(): boolean {
    const now = performance.now();
    this.offerTokens = Math.min(OFFER_BURST, this.offerTokens + (now - this.offerTokensAt) / 1000);
    this.offerTokensAt = now;
    if (this.offerTokens < 1) return false;
    this.offerTokens--;
    return true;
  }

  close(): void {
    this.closed = true;
    for (const lane of [this.direct, this.turn]) {
      clearTimeout(lane.timer);
      lane.link?.close();
      lane.link = undefined;
    }
    this.active = undefined;
    for (const link of this.retiring) link.close();
    this.retiring.clear();
  }

  /** A fresh attempt on `lane`, replacing the lane's previous one. */
  private async attempt(lane: Lane): Promise<void> {
    clearTimeout(lane.timer);
    lane.timer = undefined;
    const previous = lane.link;
    lane.link = undefined;
    lane.kind = undefined;
    if (previous !== undefined) {
      previous.close();
      if (this.active === lane) this.lost(lane, 'replaced by a new attempt');
    }
    let RTCPeerConnectionImpl: RtcPeerConnectionConstructor;
    try {
      RTCPeerConnectionImpl = await this.options.loadRtcPeerConnection();
    } catch (error) {
      this.options.onDown(`no WebRTC: ${(error as Error).message}`, false);
      return;
    }
    if (this.closed) return;
    const link = this.newLink(RTCPeerConnectionImpl, lane);
    lane.link = link;
    this.attempted = true;
    if (!this.offerer) return;
    try {
      await link.start();
    } catch (error) {
      if (lane.link !== link) return;
      lane.link = undefined;
      link.close();
      this.options.onDown(`offer failed: ${(error as Error).message}`, false);
      this.retry(lane);
    }
  }

  private newLink(RTCPeerConnectionImpl: RtcPeerConnectionConstructor, lane: Lane): DirectLink {
    const servers = this.options.iceServers();
    const relayOnly = lane === this.turn;
    const privacy = this.options.relayOnly === true;
    const marked = relayOnly && this.lanes;
    const link: DirectLink = new DirectLink({
      ...this.options.timing,
      RTCPeerConnection: RTCPeerConnectionImpl,
      // The direct lane leaves TURN to the TURN lane when both run.
      iceServers: !relayOnly && this.twoLanes ? withoutTurn(servers) : servers,
      localId: this.options.localId,
      remoteId: this.options.remoteId,
      pairNonce: this.options.pairNonce(),
      offerer: this.offerer,
      signal: (signal) => this.options.signal(marked ? { ...signal, lane: 'turn' } : signal),
      onValidated: () => {
        if (lane.link !== link) return;
        this.reached = true;
        lane.failures = 0;
        // Which kind of path this is comes from the selected candidate pair.
        void link.selectedPair().then((pair) => {
          if (lane.link !== link || this.closed) return;
          this.selected = {
            ...(pair.local === undefined ? {} : { local: pair.local }),
            ...(pair.remote === undefined ? {} : { remote: pair.remote }),
          };
          this.validated(lane, pair.kind);
        });
      },
      onFailed: (reason) => {
        if (link.reachedPeer) this.reached = true;
        if (lane.link !== link) return;
        lane.link = undefined;
        lane.kind = undefined;
        if (this.active === lane) this.lost(lane, reason);
        else if (this.active === undefined) this.options.onDown(reason, false);
        // The backoff is for pairs that cannot reach each other. One whose ICE
        // connected (a lossy path that lost the DTLS or SCTP handshake) is
        // retried at the same pace, not ever more slowly.
        if (link.reachedPeer && lane.failures > 0) lane.failures--;
        this.retry(lane);
      },
      onDatagram: (datagram) =>
        this.options.onDatagram(datagram, lane.kind ?? (relayOnly ? 'turn' : 'direct')),
      remoteCandidates: privacy
        ? { ...this.options.remoteCandidates, relayOnly: true }
        : this.options.remoteCandidates,
      ...(relayOnly ? { relayOnly: true } : {}),
      ...(this.options.conditioner === undefined ? {} : { conditioner: this.options.conditioner }),
      ...(this.options.onHeartbeatRtt === undefined ? {} : { onHeartbeatRtt: this.options.onHeartbeatRtt }),
    });
    return link;
  }

  /** A lane's link validated as `kind`: it carries traffic unless a better one already does. */
  private validated(lane: Lane, kind: LinkKind): void {
    if (this.options.relayOnly === true && kind === 'direct') {
      // turn-only promises the peer never sees this player's address: never play on such a path.
      lane.link?.close();
      lane.link = undefined;
      if (this.active === undefined) this.options.onDown('turn-only: the link was not relayed', false);
      this.retry(lane);
      return;
    }
    lane.kind = kind;
    const other = lane === this.direct ? this.turn : this.direct;
    if (this.active !== undefined && this.active !== lane && rank(this.active.kind) >= rank(kind)) {
      // Already on something as good: this one is not needed.
      lane.link?.close();
      lane.link = undefined;
      lane.kind = undefined;
      return;
    }
    this.active = lane;
    this.options.onUp(kind);
    if (kind === 'direct') {
      // Direct is the best there is: the other lane stops, its link (if it was in use) closes after a grace.
      clearTimeout(other.timer);
      other.timer = undefined;
      if (other.link !== undefined) this.retire(other.link);
      other.link = undefined;
      other.kind = undefined;
    } else if (other === this.direct && other.link === undefined && other.timer === undefined)
      this.retry(other);
  }

  /**
   * The active lane's link is gone: traffic goes back to the relay. (The
   * other lane never holds a validated link meanwhile: `validated` keeps one
   * link, the better one.) Without a direct link, the TURN lane is wanted again at once.
   */
  private lost(lane: Lane, reason: string): void {
    this.active = undefined;
    this.options.onDown(reason, true);
    if (lane === this.direct && this.twoLanes && this.turn.link === undefined) this.schedule(this.turn, 0);
  }

  /** Only the offerer retries (the answerer follows its offers); backoff doubles per failure. */
  private retry(lane: Lane): void {
    if (this.closed || !this.offerer) return;
    if (
      lane === this.turn &&
      this.options.relayOnly !== true &&
      (!this.twoLanes || this.active?.kind === 'direct')
    )
      return;
    this.schedule(lane, this.backoff(lane.failures++));
  }

  private schedule(lane: Lane, delayMs: number): void {
    if (this.closed || !this.offerer) return;
    clearTimeout(lane.timer);
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      // A TURN lane scheduled at start is not needed once the direct lane is up.
      if (lane === this.turn && this.active?.kind === 'direct') return;
      void this.attempt(lane);
    }, delayMs);
    (lane.timer as { unref?: () => void }).unref?.();
  }

  private backoff(failures: number): number {
    const { initialDelayMs, maxDelayMs } = this.options.retry;
    return Math.min(maxDelayMs, initialDelayMs * 2 ** failures) * (0.75 + Math.random() * 0.5);
  }

  /** Closes a replaced link after {@link RETIRE_GRACE_MS} (at once when the controller closes). */
  private retire(link: DirectLink): void {
    this.retiring.add(link);
    const timer = setTimeout(() => {
      this.retiring.delete(link);
      link.close();
    }, RETIRE_GRACE_MS);
    (timer as { unref?: () => void }).unref?.();
  }
}

/** Preference of link kinds: direct over turn. */
function rank(kind: LinkKind | undefined): number {
  return kind === 'direct' ? 2 : kind === 'turn' ? 1 : 0;
}
