import {
  ICE_CANDIDATE_TYPES,
  type IceCandidateType,
  type IceServer,
  type Signal,
} from '@handoff/protocol/lobby';
import type { ConditionedSender, PathConditioner } from '../conditioner/path-conditioner.js';
import { DirectFrame, directFrame, heartbeatSequence, isSessionDatagram } from './direct-frames.js';
import { pairProof, proofsEqual } from './pair-proof.js';
import { RemoteCandidateFilter, type RemoteCandidatePolicy } from './remote-candidates.js';
import type { RtcPeerConnectionConstructor } from './webrtc.js';

/** Timing of direct links. */
export interface DirectTiming {
  /** Heartbeat period on a validated direct link, ms. Default 450. */
  heartbeatIntervalMs: number;
  /** No traffic for this long on a validated link → it is dead (≈ 3 missed heartbeats), ms. Default 1400. */
  deadAfterMs: number;
  /** An attempt not validated in this time is abandoned, ms. Default 10000. */
  attemptTimeoutMs: number;
}

/** The selected candidate pair of a connected link: what carries it, and each end's candidate type. */
export interface SelectedPair {
  /** `turn` when either end is a relay candidate, else `direct`. */
  kind: 'direct' | 'turn';
  /** This side's candidate type (absent when the stats do not say). */
  local?: IceCandidateType;
  /** The peer's candidate type (absent when the stats do not say). */
  remote?: IceCandidateType;
}

/** What a {@link DirectLink} needs and reports. */
export interface DirectLinkOptions extends DirectTiming {
  RTCPeerConnection: RtcPeerConnectionConstructor;
  iceServers: IceServer[];
  localId: string;
  remoteId: string;
  pairNonce: string;
  /** The peer with the lower id offers (no glare). */
  offerer: boolean;
  /** Sends a signal to the peer through the lobby. */
  signal(signal: Signal): void;
  /** Both sides proved the pair nonce: traffic may move here. */
  onValidated(): void;
  /** The attempt or the validated link failed (it is closed). */
  onFailed(reason: string): void;
  /** A session datagram from the (proven) peer. */
  onDatagram(datagram: Uint8Array): void;
  /** A heartbeat round trip on the direct path, ms. */
  onHeartbeatRtt?(rttMs: number): void;
  /** The room's link conditioner of the direct path: applied to everything this link sends. */
  conditioner?: PathConditioner;
  /** Which of the peer's candidates (trickled or in its SDP) to apply. */
  remoteCandidates: RemoteCandidatePolicy;
  /**
   * Privacy over UDP (`direct: 'turn-only'`): gather relay candidates only
   * (`iceTransportPolicy: 'relay'`), and never signal any other kind, so the
   * peer learns the TURN server's address, not this player's.
   */
  relayOnly?: boolean;
}

/**
 * A proof not yet accepted is sent again this often, ms. The data channel is
 * unreliable: on a lossy path a lost proof (or its acceptance) would
 * otherwise leave one side validated and the other waiting for the attempt
 * to time out.
 */
export const PROOF_RESEND_MS = 150;

/** Bytes the data channel may hold unsent before datagrams are dropped instead (a few hundred ms of a busy game). */
export const MAX_DIRECT_BUFFERED_BYTES = 256 * 1024;

/**
 * One attempt at a direct WebRTC link with one peer: one unordered,
 * zero-retransmit data channel; negotiated through the lobby; validated by
 * each side proving the pair nonce the lobby issued; kept alive by
 * heartbeats. A fresh `DirectLink` (and `RTCPeerConnection`) is made for
 * every attempt: libdatachannel has no ICE restart.
 */
export class DirectLink {
  private readonly pc: RTCPeerConnection;
  private channel: RTCDataChannel | undefined;
  private closed = false;
  private remoteDescriptionSet = false;
  private readonly pendingRemoteCandidates: RTCIceCandidateInit[] = [];
  private readonly heldLocalCandidates: Signal[] = [];
  private answerApplied: boolean;
  private iceConnected = false;
  private peerProven = false;
  private weProven = false;
  /** Our proof once computed, and when it last left (resent until the peer accepts it). */
  private ownProof: Uint8Array | undefined;
  private proofSentAt = Number.NEGATIVE_INFINITY;
  private validatedAt = -1;
  private lastReceivedAt = performance.now();
  private readonly startedAt = performance.now();
  private heartbeatSequence = 0;
  private lastHeartbeatAt = Number.NEGATIVE_INFINITY;
  private readonly heartbeatSentAt = new Map<number, number>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly transmit: (bytes: Uint8Array) => boolean;
  private readonly conditioned: ConditionedSender | undefined;

  /** The peer's candidates this attempt applied and dropped. */
  private readonly candidates: RemoteCandidateFilter;
  /** `address:port` of relay candidates, ours and the peer's: how a TURN path is recognised. */
  private readonly relayAddresses = new Set<string>();

  constructor(private readonly options: DirectLinkOptions) {
    this.candidates = new RemoteCandidateFilter(options.remoteCandidates);
    const send = (bytes: Uint8Array): boolean => {
      const channel = this.channel;
      if (channel === undefined || channel.readyState !== 'open') return false;
      // A full send buffer means the path carries less than we send: drop here
      // (the session resends what is reliable and its pacer slows down), never
      // queue without bound inside the data channel.
      if (channel.bufferedAmount > MAX_DIRECT_BUFFERED_BYTES) return false;
      try {
        channel.send(bytes as Uint8Array<ArrayBuffer>);
        return true;
      } catch {
        return false; // A dying channel: the heartbeat check notices.
      }
    };
    this.conditioned = options.conditioner?.sender(send);
    this.transmit = this.conditioned === undefined ? send : (bytes) => this.conditioned!.send(bytes);
    this.answerApplied = !options.offerer;
    this.pc = new options.RTCPeerConnection({
      iceServers: options.iceServers as RTCIceServer[],
      iceTransportPolicy: options.relayOnly === true ? 'relay' : 'all',
    });
    this.pc.onicecandidate = (event) => this.localCandidate(event.candidate);
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      if (state === 'failed' || state === 'closed') this.fail(`connection ${state}`);
    };
    this.pc.oniceconnectionstatechange = () => {
      const state = this.pc.iceConnectionState;
      if (state === 'connected' || state === 'completed') this.iceConnected = true;
    };
    this.pc.ondatachannel = (event) => this.adopt(event.channel);
    // 50 ms: a dead link is noticed at most 50 ms after `deadAfterMs` (1.4 s + 50 ms < the promised 1.5 s).
    this.timer = setInterval(() => this.tick(), Math.min(options.heartbeatIntervalMs, 50));
    (this.timer as { unref?: () => void }).unref?.();
  }

  /**
   * What the selected candidate pair is: its kind (`turn` when either end
   * is a relay candidate, so a TURN server carries the traffic, else
   * `direct`) and each end's candidate type. From the W3C `getStats()`
   * (browsers and node-datachannel's polyfill alike); `direct` with no
   * types when the stats say nothing.
   */
  async selectedPair(): Promise<SelectedPair> {
    try {
      const report = await this.pc.getStats();
      const entries = [...(report as Map<string, Record<string, unknown>>).values()];
      const transport = entries.find(
        (entry) => entry.type === 'transport' && entry.selectedCandidatePairId !== undefined,
      );
      const pair =
        entries.find((entry) => entry.id === transport?.selectedCandidatePairId) ??
        entries.find(
          (entry) =>
            entry.type === 'candidate-pair' && entry.nominated === true && entry.state === 'succeeded',
        );
      if (pair === undefined) return { kind: 'direct' };
      // The candidate type says `relay` in browsers; libdatachannel reports a relayed pair as
      // srflx/prflx, so the ends' addresses are also matched against the relay candidates seen.
      const [local, remote] = [pair.localCandidateId, pair.remoteCandidateId].map((id) =>
        this.candidateType(entries.find((entry) => entry.id === id)),
      );
      const selected: SelectedPair = { kind: local === 'relay' || remote === 'relay' ? 'turn' : 'direct' };
      if (local !== undefined) selected.local = local;
      if (remote !== undefined) selected.remote = remote;
      return selected;
    } catch {
      return { kind: 'direct' };
    }
  }

  /** A candidate stats entry's type (`relay` also when its address is a relay candidate's). */
  private candidateType(end: Record<string, unknown> | undefined): IceCandidateType | undefined {
    if (end === undefined) return undefined;
    if (this.relayAddresses.has(`${String(end.address ?? end.ip)}:${String(end.port)}`)) return 'relay';
    const type = end.candidateType;
    return typeof type === 'string' && (ICE_CANDIDATE_TYPES as readonly string[]).includes(type)
      ? (type as IceCandidateType)
      : undefined;
  }

  /** Remembers the address of a relay candidate line. */
  private noteRelay(candidate: string): void {
    if (candidateKind(candidate) !== 'relay') return;
    const fields = candidate.replace(/^a=/, '').split(/\s+/);
    if (fields[4] !== undefined && fields[5] !== undefined)
      this.relayAddresses.add(`${fields[4]}:${fields[5]}`);
  }

  /** Both sides proved the pair nonce. */
  get validated(): boolean {
    return this.validatedAt >= 0;
  }

  /** Offerer: creates the data channel and sends the offer. */
  async start(): Promise<void> {
    this.adopt(this.pc.createDataChannel('handoff', { ordered: false, maxRetransmits: 0 }));
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const sdp = this.pc.localDescription?.sdp;
    if (sdp === undefined || this.closed) return;
    // libdatachannel puts gathered candidates into the offer itself; they leave
    // as held trickle candidates instead, once the answer is applied (else the
    // answerer's DTLS hello can arrive too early and cost a 1 s retransmit).
    const offer = withoutCandidates(sdp);
    this.options.signal({
      kind: 'description',
      sdpType: 'offer',
      sdp: this.options.relayOnly === true ? asDtlsClient(offer) : withDtlsRole(offer),
    });
  }

  /** Applies a signal from the peer. Errors close the attempt (never thrown). */
  async handleSignal(signal: Signal): Promise<void> {
    try {
      if (signal.kind === 'description') await this.remoteDescription(signal.sdpType, signal.sdp);
      else if (signal.kind === 'candidate') await this.remoteCandidate(signal);
    } catch (error) {
      this.fail(`signaling: ${(error as Error).message}`);
    }
  }

  /** ICE found a working pair at some point: the peer is reachable, whatever failed later (DTLS, SCTP, the proof). */
  get reachedPeer(): boolean {
    return this.iceConnected;
  }

  /** Sends a session datagram; false unless validated and open. */
  send(datagram: Uint8Array): boolean {
    return this.validated && !this.closed && this.transmit(datagram);
  }

  /** Closes the attempt without reporting a failure. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.conditioned?.close(); // datagrams still in simulated flight die with the link
    // Each on its own: a channel that throws on close must not leave the
    // connection open (node-datachannel's threads would keep the process alive).
    try {
      this.channel?.close();
    } catch {
      // Already closed.
    }
    try {
      this.pc.close();
    } catch {
      // Already closed.
    }
  }

  private async remoteDescription(type: 'offer' | 'answer', sdp: string): Promise<void> {
    if (type === 'answer' && !this.options.offerer) throw new Error('unexpected answer');
    if (type === 'offer' && this.options.offerer) throw new Error('unexpected offer');
    const filtered = this.candidates.filterSdp(sdp);
    for (const line of filtered.split(/\r?\n/)) if (line.startsWith('a=candidate:')) this.noteRelay(line);
    await this.pc.setRemoteDescription({ type, sdp: filtered });
    this.remoteDescriptionSet = true;
    for (const candidate of this.pendingRemoteCandidates.splice(0)) await this.pc.addIceCandidate(candidate);
    if (type === 'offer') {
      await this.pc.setLocalDescription(await this.pc.createAnswer());
      const answer = this.pc.localDescription?.sdp;
      if (answer !== undefined && !this.closed)
        this.options.signal({
          kind: 'description',
          sdpType: 'answer',
          sdp: this.options.relayOnly === true ? withoutCandidates(answer) : answer,
        });
      return;
    }
    // Held until now: candidates that reach the answerer before its offer cost a 1 s DTLS retransmit.
    this.answerApplied = true;
    for (const held of this.heldLocalCandidates.splice(0)) this.options.signal(held);
  }

  private async remoteCandidate(signal: Extract<Signal, { kind: 'candidate' }>): Promise<void> {
    if (!this.candidates.accept(signal.candidate)) return;
    this.noteRelay(signal.candidate);
    const candidate: RTCIceCandidateInit = {
      candidate: signal.candidate,
      ...(signal.sdpMid === undefined ? {} : { sdpMid: signal.sdpMid }),
      ...(signal.sdpMLineIndex === undefined ? {} : { sdpMLineIndex: signal.sdpMLineIndex }),
    };
    if (!this.remoteDescriptionSet) this.pendingRemoteCandidates.push(candidate);
    else await this.pc.addIceCandidate(candidate);
  }

  private localCandidate(candidate: RTCIceCandidate | null): void {
    if (this.closed) return;
    if (candidate !== null) this.noteRelay(candidate.candidate);
    // Belt and braces for turn-only: whatever the stack gathered, only relay candidates leave.
    if (
      this.options.relayOnly === true &&
      candidate !== null &&
      candidate.candidate !== '' &&
      candidateKind(candidate.candidate) !== 'relay'
    )
      return;
    const signal: Signal =
      candidate === null || candidate.candidate === ''
        ? { kind: 'end-of-candidates' }
        : {
            kind: 'candidate',
            candidate: candidate.candidate,
            ...(candidate.sdpMid === null ? {} : { sdpMid: candidate.sdpMid }),
            ...(candidate.sdpMLineIndex === null ? {} : { sdpMLineIndex: candidate.sdpMLineIndex }),
          };
    if (this.answerApplied) this.options.signal(signal);
    else this.heldLocalCandidates.push(signal);
  }

  private adopt(channel: RTCDataChannel): void {
    this.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.onopen = () => {
      pairProof(this.options.pairNonce, this.options.localId).then(
        (proof) => {
          this.ownProof = directFrame(DirectFrame.Proof, proof);
          this.sendProof(performance.now());
        },
        () => this.fail('cannot compute the pair proof'),
      );
    };
    channel.onmessage = (event: MessageEvent) => this.receive(event.data);
    channel.onclose = () => this.fail('data channel closed');
  }

  private receive(data: unknown): void {
    if (this.closed) return;
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : ArrayBuffer.isView(data)
          ? (data as Uint8Array)
          : undefined;
    if (bytes === undefined) return;
    this.lastReceivedAt = performance.now();
    if (isSessionDatagram(bytes)) {
      // Only from a peer that proved who it is.
      if (this.peerProven) this.options.onDatagram(bytes);
      return;
    }
    switch (bytes[0]) {
      case DirectFrame.Proof:
        this.checkProof(bytes.subarray(1));
        return;
      case DirectFrame.ProofAccepted:
        this.weProven = true;
        this.maybeValidated();
        return;
      case DirectFrame.Heartbeat:
        this.sendControl(directFrame(DirectFrame.HeartbeatEcho, heartbeatSequence(bytes) ?? 0));
        return;
      case DirectFrame.HeartbeatEcho: {
        const sentAt = this.heartbeatSentAt.get(heartbeatSequence(bytes) ?? -1);
        if (sentAt !== undefined) this.options.onHeartbeatRtt?.(performance.now() - sentAt);
        return;
      }
      default:
        return;
    }
  }

  private checkProof(proof: Uint8Array): void {
    pairProof(this.options.pairNonce, this.options.remoteId).then(
      (expected) => {
        if (!proofsEqual(proof, expected)) {
          this.fail('the peer could not prove the pair nonce');
          return;
        }
        this.peerProven = true;
        this.sendControl(directFrame(DirectFrame.ProofAccepted));
        this.maybeValidated();
      },
      () => this.fail('cannot compute the pair proof'),
    );
  }

  private maybeValidated(): void {
    if (this.validated || !this.peerProven || !this.weProven || this.closed) return;
    this.validatedAt = performance.now();
    this.options.onValidated();
  }

  private sendProof(now: number): void {
    if (this.ownProof === undefined) return;
    this.proofSentAt = now;
    this.sendControl(this.ownProof);
  }

  private sendControl(frame: Uint8Array): void {
    if (!this.closed) this.transmit(frame);
  }

  private tick(): void {
    const now = performance.now();
    if (!this.validated) {
      if (now - this.startedAt > this.options.attemptTimeoutMs) this.fail('not validated in time');
      // The peer answers every proof with an acceptance, so resending covers either being lost.
      else if (!this.weProven && now - this.proofSentAt >= PROOF_RESEND_MS) this.sendProof(now);
      return;
    }
    if (now - this.lastReceivedAt > this.options.deadAfterMs) {
      this.fail('heartbeats missed');
      return;
    }
    if (now - this.lastHeartbeatAt < this.options.heartbeatIntervalMs) return;
    this.lastHeartbeatAt = now;
    const sequence = this.heartbeatSequence++;
    this.heartbeatSentAt.set(sequence, now);
    this.heartbeatSentAt.delete(sequence - 16);
    this.sendControl(directFrame(DirectFrame.Heartbeat, sequence));
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.close();
    this.options.onFailed(reason);
  }
}

/** The type of an ICE candidate line (`host`, `srflx`, `prflx`, `relay`), or undefined. */
export function candidateKind(candidate: string): string | undefined {
  const fields = candidate.split(/\s+/);
  const at = fields.indexOf('typ');
  return at >= 0 ? fields[at + 1] : undefined;
}

/**
 * The offer as signalled, with the DTLS client role chosen. The answerer's
 * stack otherwise picks `active` and sends the first DTLS flight as soon as
 * one of its own ICE checks succeeds, which can be before the offerer's ICE
 * accepts data on that pair (Firefox drops it): the flight is lost. A browser
 * resends it after ~50 ms, but libdatachannel (node-datachannel) only after
 * 1 s — the 1 s tail of a browser offerer with a Node answerer. So a browser
 * offerer (any stack but libdatachannel, whose SDP origin is `o=rtc`) offers
 * `a=setup:active`: the answerer (libdatachannel, Chromium, Firefox alike)
 * answers `passive` and the browser, with its fast retransmit, is the DTLS
 * client. Its own local description keeps `actpass`, which the passive
 * answer resolves to `active`. A libdatachannel offerer keeps `actpass`.
 */
export function withDtlsRole(sdp: string): string {
  if (/^o=rtc /m.test(sdp)) return sdp;
  return sdp.replace(/^a=setup:actpass(?=\r?$)/gm, 'a=setup:active');
}

/**
 * The offer with this side as the DTLS client (`a=setup:active`), whatever
 * the stack. Used on TURN links: with libdatachannel on both ends and the
 * answerer as client (the default), the client's first hello often reached
 * the server before its DTLS transport started and waited out OpenSSL's 1 s
 * retransmit (NAT lab, relay-only pairs: 7 of 30 attempts took ~1.5 s
 * instead of ~0.57 s); with the offerer as client, 8 of 102.
 */
export function asDtlsClient(sdp: string): string {
  return sdp.replace(/^a=setup:actpass(?=\r?$)/gm, 'a=setup:active');
}

/** An SDP without its `a=candidate` / `a=end-of-candidates` lines. */
export function withoutCandidates(sdp: string): string {
  return sdp
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('a=candidate:') && !line.startsWith('a=end-of-candidates'))
    .join('\r\n');
}
