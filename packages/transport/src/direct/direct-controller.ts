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
  /** The direct path is validated and usable: `direct`, or `turn` when a TURN server relays it. */
  onUp(kind: 'direct' | 'turn'): void;
  /** The direct path is gone (or an attempt failed); traffic belongs on the relay. */
  onDown(reason: string, wasUp: boolean): void;
  onDatagram(datagram: Uint8Array): void;
  onHeartbeatRtt?(rttMs: number): void;
  /** The room's link conditioner of the direct path. */
  conditioner?: PathConditioner;
  /** Which of the peer's ICE candidates to apply. */
  remoteCandidates: RemoteCandidatePolicy;
  /** `direct: 'turn-only'`: relay candidates only, in and out of this client. */
  relayOnly?: boolean;
}

/**
 * Offers a peer may send before they are ignored: a burst of 3, then one a
 * second. An honest offerer retries after a backoff of a second or more; a
 * hostile one would make this client answer (and gather) as fast as it
 * sends.
 */
const OFFER_BURST = 3;

/**
 * Keeps trying to give one peer pair a direct link: the lower id offers; a
 * failed or dead link is replaced after a backoff by a fresh attempt (on a
 * new `RTCPeerConnection`). The relay is never disturbed by any of this.
 */
export class DirectController {
  private link: DirectLink | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
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

  /** A signal from the peer. An offer starts a fresh attempt on the answerer's side. */
  handleSignal(signal: Signal): void {
    if (this.closed) return;
    if (signal.kind === 'description' && signal.sdpType === 'offer' && !this.offerer) {
      if (!this.takeOfferToken()) {
        this.ignoredOffers++;
        return;
      }
      void this.attempt().then(() => this.link?.handleSignal(signal));
      return;
    }
    void this.link?.handleSignal(signal);
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
  }

  private async attempt(): Promise<void> {
    clearTimeout(this.retryTimer);
    const previous = this.link;
    this.link = undefined;
    if (previous !== undefined) {
      const wasUp = previous.validated;
      previous.close();
      if (wasUp) this.options.onDown('replaced by a new attempt', true);
    }
    let RTCPeerConnectionImpl: RtcPeerConnectionConstructor;
    try {
      RTCPeerConnectionImpl = await this.options.loadRtcPeerConnection();
    } catch (error) {
      this.options.onDown(`no WebRTC: ${(error as Error).message}`, false);
      return;
    }
    if (this.closed) return;
    const link: DirectLink = new DirectLink({
      ...this.options.timing,
      RTCPeerConnection: RTCPeerConnectionImpl,
      iceServers: this.options.iceServers(),
      localId: this.options.localId,
      remoteId: this.options.remoteId,
      pairNonce: this.options.pairNonce(),
      offerer: this.offerer,
      signal: (signal) => this.options.signal(signal),
      onValidated: () => {
        if (this.link !== link) return;
        this.failures = 0;
        // Which kind of path this is comes from the selected candidate pair.
        void link.selectedPathKind().then((kind) => {
          if (this.link === link && !this.closed) this.options.onUp(kind);
        });
      },
      onFailed: (reason) => {
        if (this.link !== link) return;
        this.link = undefined;
        this.options.onDown(reason, link.validated);
        // The backoff is for pairs that cannot reach each other. One whose ICE
        // connected (a lossy path that lost the DTLS or SCTP handshake) is
        // retried at the same pace, not ever more slowly.
        if (link.reachedPeer && this.failures > 0) this.failures--;
        this.scheduleRetry();
      },
      onDatagram: (datagram) => this.options.onDatagram(datagram),
      remoteCandidates: this.options.remoteCandidates,
      ...(this.options.relayOnly === true ? { relayOnly: true } : {}),
      ...(this.options.conditioner === undefined ? {} : { conditioner: this.options.conditioner }),
      ...(this.options.onHeartbeatRtt === undefined ? {} : { onHeartbeatRtt: this.options.onHeartbeatRtt }),
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

  /** Only the offerer retries (the answerer follows its offers); backoff doubles per failure. */
  private scheduleRetry(): void {
    if (this.closed || !this.offerer) return;
    const { initialDelayMs, maxDelayMs } = this.options.retry;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** this.failures++) * (0.75 + Math.random() * 0.5);
    this.retryTimer = setTimeout(() => void this.attempt(), delay);
    (this.retryTimer as { unref?: () => void }).unref?.();
  }
}
