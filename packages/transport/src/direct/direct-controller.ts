import type { IceServer, Signal } from '@handoff/protocol/lobby';
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
   * relays it. Called again with `direct` when a pair on TURN moves to a
   * direct link its probe found.
   */
  onUp(kind: LinkKind): void;
  /** The direct path is gone (or an attempt failed); traffic belongs on the relay. */
  onDown(reason: string, wasUp: boolean): void;
  /** A session datagram from the peer, and the kind of link it came over. */
  onDatagram(datagram: Uint8Array, via: LinkKind): void;
  /**
   * Whether the lobby relays `signal.probe` (`LobbyClient.relaysProbeSignals`):
   * only then does a pair on TURN probe for a direct path beside it.
   */
  probeSignals?: () => boolean;
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

/** An ICE server list without its TURN URLs (a probe for a direct path must not end on TURN again). */
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
 * Offers a peer may send before they are ignored: a burst of 3, then one a
 * second. An honest offerer retries after a backoff of a second or more; a
 * hostile one would make this client answer (and gather) as fast as it
 * sends.
 */
const OFFER_BURST = 3;

/** How long a TURN link replaced by a direct one stays open, ms: the peer's side of the probe validates a round trip later. */
const RETIRE_GRACE_MS = 2000;

/**
 * Keeps trying to give one peer pair a direct link: the lower id offers; a
 * failed or dead link is replaced after a backoff by a fresh attempt (on a
 * new `RTCPeerConnection`). The relay is never disturbed by any of this.
 *
 * Preference is direct > turn > relay. A pair whose link ends up relayed by
 * TURN keeps playing on it while a *probe* — a second attempt without TURN
 * servers, its signals marked `probe` — tries for a direct path with the
 * same backoff; a probe that validates replaces the TURN link.
 */
export class DirectController {
  /** The main attempt, or the link in use. */
  private link: DirectLink | undefined;
  /** What the validated main link is (undefined before validation). */
  private linkKind: LinkKind | undefined;
  /** A direct-only attempt beside a TURN link. */
  private probe: DirectLink | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private probeFailures = 0;
  /** Links replaced by a probe, closing after a grace period. */
  private readonly retiring = new Set<DirectLink>();
  private closed = false;
  readonly offerer: boolean;
  private offerTokens = OFFER_BURST;
  private offerTokensAt = performance.now();
  /** Offers ignored because they came too fast. */
  ignoredOffers = 0;

  constructor(private readonly options: DirectControllerOptions) {
    this.offerer = options.localId < options.remoteId;
  }

  /** Starts the first attempt (the offerer acts; the answerer waits for an offer). */
  start(): void {
    if (this.offerer) void this.attempt();
    // The answerer loads WebRTC now rather than when the offer comes: the first
    // load of node-datachannel takes ~50–100 ms that would add to time to direct.
    else this.options.loadRtcPeerConnection().catch(() => undefined);
  }

  /** Sends a session datagram over the validated link; false if there is none. */
  send(datagram: Uint8Array): boolean {
    return this.link?.send(datagram) ?? false;
  }

  /** What the link in use is (undefined while none is validated). */
  get kind(): LinkKind | undefined {
    return this.linkKind;
  }

  /** A signal from the peer. An offer starts a fresh attempt (or probe) on the answerer's side. */
  handleSignal(signal: Signal): void {
    if (this.closed) return;
    const probe = signal.probe === true;
    if (signal.kind === 'description' && signal.sdpType === 'offer' && !this.offerer) {
      if (!this.takeOfferToken()) {
        this.ignoredOffers++;
        return;
      }
      if (probe) void this.startProbe().then(() => this.probe?.handleSignal(signal));
      else void this.attempt().then(() => this.link?.handleSignal(signal));
      return;
    }
    void (probe ? this.probe : this.link)?.handleSignal(signal);
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
    clearTimeout(this.retryTimer);
    this.link?.close();
    this.link = undefined;
    this.stopProbe();
    for (const link of this.retiring) link.close();
    this.retiring.clear();
  }

  private async attempt(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.stopProbe();
    const previous = this.link;
    this.link = undefined;
    this.linkKind = undefined;
    if (previous !== undefined) {
      const wasUp = previous.validated;
      previous.close();
      if (wasUp) this.options.onDown('replaced by a new attempt', true);
    }
    const RTCPeerConnectionImpl = await this.loadWebRtc();
    if (RTCPeerConnectionImpl === undefined || this.closed) return;
    let kind: LinkKind = 'direct';
    const link: DirectLink = this.newLink(RTCPeerConnectionImpl, () => kind, {
      onValidated: () => {
        if (this.link !== link) return;
        this.failures = 0;
        // Which kind of path this is comes from the selected candidate pair.
        void link.selectedPathKind().then((selected) => {
          if (this.link !== link || this.closed) return;
          if (selected === 'direct' && this.options.relayOnly === true) {
            // turn-only promises the peer never sees this player's address: never play on such a path.
            link.close();
            this.link = undefined;
            this.options.onDown('turn-only: the link was not relayed', false);
            this.scheduleRetry();
            return;
          }
          kind = selected;
          this.linkKind = selected;
          this.options.onUp(selected);
          if (selected === 'turn') this.scheduleProbe();
        });
      },
      onFailed: (reason) => {
        if (this.link !== link) return;
        this.link = undefined;
        this.linkKind = undefined;
        // A probe under way stays: the peer may have just moved to it and closed this link.
        clearTimeout(this.probeTimer);
        this.options.onDown(reason, link.validated);
        // The backoff is for pairs that cannot reach each other. One whose ICE
        // connected (a lossy path that lost the DTLS or SCTP handshake) is
        // retried at the same pace, not ever more slowly.
        if (link.reachedPeer && this.failures > 0) this.failures--;
        this.scheduleRetry();
      },
    });
    this.link = link;
    if (!this.offerer) return;
    try {
      await link.start();
    } catch (error) {
      if (this.link !== link) return;
      this.link = undefined;
      link.close();
      this.options.onDown(`offer failed: ${(error as Error).message}`, false);
      this.scheduleRetry();
    }
  }

  /** Loads the WebRTC implementation; undefined (and reported down) when there is none. */
  private async loadWebRtc(): Promise<RtcPeerConnectionConstructor | undefined> {
    try {
      return await this.options.loadRtcPeerConnection();
    } catch (error) {
      this.options.onDown(`no WebRTC: ${(error as Error).message}`, false);
      return undefined;
    }
  }

  /**
   * A new attempt: the main one, or a probe (`kind` is then always `direct`:
   * no TURN servers, its signals marked `probe`).
   */
  private newLink(
    RTCPeerConnectionImpl: RtcPeerConnectionConstructor,
    kind: 'probe' | (() => LinkKind),
    handlers: { onValidated(): void; onFailed(reason: string): void },
  ): DirectLink {
    const probe = kind === 'probe';
    const link: DirectLink = new DirectLink({
      ...this.options.timing,
      RTCPeerConnection: RTCPeerConnectionImpl,
      iceServers: probe ? withoutTurn(this.options.iceServers()) : this.options.iceServers(),
      localId: this.options.localId,
      remoteId: this.options.remoteId,
      pairNonce: this.options.pairNonce(),
      offerer: this.offerer,
      signal: (signal) => this.options.signal(probe ? { ...signal, probe: true } : signal),
      ...handlers,
      onDatagram: (datagram) => this.options.onDatagram(datagram, probe ? 'direct' : kind()),
      remoteCandidates:
        this.options.relayOnly === true
          ? { ...this.options.remoteCandidates, relayOnly: true }
          : this.options.remoteCandidates,
      ...(this.options.relayOnly === true ? { relayOnly: true } : {}),
      ...(this.options.conditioner === undefined ? {} : { conditioner: this.options.conditioner }),
      ...(this.options.onHeartbeatRtt === undefined ? {} : { onHeartbeatRtt: this.options.onHeartbeatRtt }),
    });
    return link;
  }

  /** Only the offerer retries (the answerer follows its offers); backoff doubles per failure. */
  private scheduleRetry(): void {
    if (this.closed || !this.offerer) return;
    const delay = this.backoff(this.failures++);
    this.retryTimer = setTimeout(() => void this.attempt(), delay);
    (this.retryTimer as { unref?: () => void }).unref?.();
  }

  private backoff(failures: number): number {
    const { initialDelayMs, maxDelayMs } = this.options.retry;
    return Math.min(maxDelayMs, initialDelayMs * 2 ** failures) * (0.75 + Math.random() * 0.5);
  }

  /**
   * The offerer of a pair on TURN schedules the next probe for a direct path
   * (never in turn-only mode, and only through a lobby that relays probe signals).
   */
  private scheduleProbe(): void {
    if (this.closed || !this.offerer || this.options.relayOnly === true) return;
    if (this.options.probeSignals?.() !== true || this.linkKind !== 'turn') return;
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => void this.startProbe(), this.backoff(this.probeFailures++));
    (this.probeTimer as { unref?: () => void }).unref?.();
  }

  /** Starts a probe beside the TURN link (the offerer on its timer, the answerer on a probe offer). */
  private async startProbe(): Promise<void> {
    this.stopProbe();
    if (this.options.relayOnly === true) return;
    const RTCPeerConnectionImpl = await this.loadWebRtc();
    if (RTCPeerConnectionImpl === undefined || this.closed) return;
    const probe: DirectLink = this.newLink(RTCPeerConnectionImpl, 'probe', {
      onValidated: () => {
        if (this.probe !== probe) return;
        void probe.selectedPathKind().then((kind) => {
          if (this.probe !== probe || this.closed) return;
          if (kind !== 'direct') {
            this.failProbe(probe);
            return;
          }
          // The probe becomes the link. The TURN link it replaces closes
          // quietly, a moment later: the peer may validate its side of the
          // probe a round trip after this one and still send on TURN until then.
          const turn = this.link;
          this.probe = undefined;
          this.link = probe;
          this.linkKind = 'direct';
          this.probeFailures = 0;
          clearTimeout(this.retryTimer);
          if (turn !== undefined) this.retire(turn);
          this.options.onUp('direct');
        });
      },
      onFailed: () => {
        if (this.probe === probe) this.failProbe(probe);
      },
    });
    this.probe = probe;
    if (!this.offerer) return;
    try {
      await probe.start();
    } catch {
      if (this.probe === probe) this.failProbe(probe);
    }
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

  private failProbe(probe: DirectLink): void {
    probe.close();
    if (this.probe === probe) this.probe = undefined;
    this.scheduleProbe();
  }

  private stopProbe(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.probe?.close();
    this.probe = undefined;
  }
}
