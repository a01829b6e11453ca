import type { IncomingHttpHeaders } from 'node:http';
import {
  DEFAULT_MAX_RELAY_BUNDLE_BYTES,
  FrameKind,
  LobbyCloseCode,
  RELAY_BUNDLE_PROTOCOL_VERSION,
  RELAY_HEADER_BYTES,
  RelayBundleWriter,
} from '@handoff/protocol/lobby';
import type { WebSocket } from 'ws';
import type { LobbyLimitOptions } from './options.js';
import type { Player } from './player.js';
import { TokenBucket } from './token-bucket.js';
import { type Flushable, underlyingSocket, type WriteCoalescer } from './write-coalescer.js';

/** Verdict of {@link ClientConnection.admit} for one inbound frame. */
export type Admission = 'accept' | 'throttle' | 'close';

/** After a close frame, a socket that does not finish closing within this is destroyed, ms. */
const CLOSE_GRACE_MS = 1000;

/**
 * One client WebSocket: inbound rate limits, idle tracking, and an outbound
 * queue flushed once per event-loop turn (relayed datagrams: once per relay
 * flush window, bundled into one frame for clients of protocol version 2).
 * A consumer that lets more than `maxSendQueueBytes` pile up is closed
 * (4005) rather than buffered forever.
 */
export class ClientConnection implements Flushable {
  /** Last time a frame arrived, ms (`performance.now()`). */
  lastSeen: number;
  /** Set once the connection is closing; nothing more is sent or handled. */
  closing = false;
  /** The player, once welcomed. */
  player: Player | undefined;
  /** A `hello` is being handled (the authenticate hook may be async). */
  helloPending = false;
  /** When the connection opened, ms. */
  readonly openedAt: number;
  /** Told when the connection closes itself for a violation (the server records it). */
  onViolation: ((code: number, reason: string) => void) | undefined;
  /** Lobby protocol version the client said hello with (1 until then). */
  protocolVersion = 1;
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  /** Datagrams relayed to this client, waiting to leave as one bundle (protocol ≥ 2). */
  private readonly bundle = new RelayBundleWriter(DEFAULT_MAX_RELAY_BUNDLE_BYTES);
  private bundleBytes = 0;
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;
  /** Frames the client may still send over its limit before it is closed; refills (see {@link admit}). */
  private readonly excess: TokenBucket;
  private lastThrottleNotice = Number.NEGATIVE_INFINITY;

  constructor(
    readonly ws: WebSocket,
    /** Client IP address. */
    readonly ip: string,
    /** Host name the client used to reach us (from the `Host` header), for the STUN URL. */
    readonly requestHost: string,
    /** Headers of the upgrade request (for the authenticate hook). */
    readonly headers: IncomingHttpHeaders,
    private readonly limits: LobbyLimitOptions,
    private readonly coalescer: WriteCoalescer,
    now: number,
  ) {
    this.lastSeen = now;
    this.openedAt = now;
    this.messages = new TokenBucket(limits.maxMessagesPerSecond, 2 * limits.maxMessagesPerSecond, now);
    this.bytes = new TokenBucket(limits.maxBytesPerSecond, 2 * limits.maxBytesPerSecond, now);
    this.excess = new TokenBucket(limits.maxMessagesPerSecond / 10, limits.maxMessagesPerSecond, now);
  }

  /**
   * Rate-limits an inbound frame: `accept`, `throttle` (drop it; tell the
   * client at most once a second — see {@link shouldNotifyThrottle} — so it
   * can slow down), or `close`. Every limit refills: a dropped frame draws on
   * an excess budget of one second's worth of frames that refills at a tenth
   * of the rate, so a client that slows down when told never runs it dry,
   * while one that keeps sending at twice its limit is closed within about a
   * second.
   */
  admit(size: number, now: number): Admission {
    this.lastSeen = now;
    if (this.messages.available(now) >= 1 && this.bytes.available(now) >= size) {
      this.messages.take(1, now);
      this.bytes.take(size, now);
      return 'accept';
    }
    return this.excess.take(1, now) ? 'throttle' : 'close';
  }

  /** Whether a throttled client should be told now (at most once per second). */
  shouldNotifyThrottle(now: number): boolean {
    if (now - this.lastThrottleNotice < 1000) return false;
    this.lastThrottleNotice = now;
    return true;
  }

  /** Queues a frame for this turn's flush. Closes a slow consumer (4005) instead of queueing past the cap. */
  send(frame: Uint8Array): void {
    if (this.closing || this.overQueueCap(frame.length)) return;
    if (this.queue.length === 0) this.coalescer.schedule(this);
    this.queue.push(frame);
    this.queuedBytes += frame.length;
  }

  /**
   * Queues a datagram relayed from the member at `sourceIndex`: a bundle
   * entry (protocol ≥ 2, leaves within the relay flush window) or a relay
   * frame of its own (protocol 1). `payload` is held by reference until the
   * flush. Closes a slow consumer like {@link send}.
   */
  relay(sourceIndex: number, payload: Uint8Array): void {
    if (this.closing) return;
    if (this.protocolVersion < RELAY_BUNDLE_PROTOCOL_VERSION) {
      const frame = new Uint8Array(RELAY_HEADER_BYTES + payload.length);
      frame[0] = FrameKind.Relay;
      frame[1] = sourceIndex >>> 8;
      frame[2] = sourceIndex & 0xff;
      frame.set(payload, RELAY_HEADER_BYTES);
      this.send(frame);
      return;
    }
    const size = payload.length + 4;
    if (this.overQueueCap(size)) return;
    if (this.bundle.size === 0) this.coalescer.scheduleRelay(this);
    this.bundle.add(sourceIndex, payload);
    this.bundleBytes += size;
  }

  /** Closes (4005) a consumer whose queue would pass `maxSendQueueBytes` with `size` more bytes. */
  private overQueueCap(size: number): boolean {
    const queued = this.queuedBytes + this.bundleBytes + this.ws.bufferedAmount;
    if (queued + size <= this.limits.maxSendQueueBytes) return false;
    this.onViolation?.(LobbyCloseCode.SlowConsumer, 'slow consumer');
    this.close(LobbyCloseCode.SlowConsumer, 'slow consumer');
    return true;
  }

  /** Writes everything queued (control frames, then the relay bundle), corked into one system call. */
  flush(): void {
    const frames = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    const bundles = this.bundle.size > 0 ? this.bundle.take() : undefined;
    this.bundleBytes = 0;
    if (this.closing || (frames.length === 0 && bundles === undefined)) return;
    const socket = underlyingSocket(this.ws);
    socket?.cork();
    for (const frame of frames) this.ws.send(frame, { binary: true });
    if (bundles !== undefined) for (const frame of bundles) this.ws.send(frame, { binary: true });
    socket?.uncork();
  }

  /** Sends what is queued, then a close frame; destroys the socket if it does not close in time. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.flush();
    this.closing = true;
    this.ws.close(code, reason);
    const timer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    this.ws.once('close', () => clearTimeout(timer));
  }
}
