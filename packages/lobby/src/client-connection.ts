import type { IncomingHttpHeaders } from 'node:http';
import { LobbyCloseCode } from '@handoff/protocol/lobby';
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
 * queue flushed once per event-loop turn. A consumer that lets more than
 * `maxSendQueueBytes` pile up is closed (4005) rather than buffered forever.
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
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;
  private throttled = 0;
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
  }

  /**
   * Rate-limits an inbound frame: `accept`, `throttle` (drop it; tell the
   * client at most once a second — see {@link shouldNotifyThrottle}), or
   * `close` once a second's worth of frames was dropped.
   */
  admit(size: number, now: number): Admission {
    this.lastSeen = now;
    if (this.messages.take(1, now) && this.bytes.take(size, now)) return 'accept';
    this.throttled++;
    return this.throttled > this.limits.maxMessagesPerSecond ? 'close' : 'throttle';
  }

  /** Whether a throttled client should be told now (at most once per second). */
  shouldNotifyThrottle(now: number): boolean {
    if (now - this.lastThrottleNotice < 1000) return false;
    this.lastThrottleNotice = now;
    return true;
  }

  /** Queues a frame for this turn's flush. Closes a slow consumer (4005) instead of queueing past the cap. */
  send(frame: Uint8Array): void {
    if (this.closing) return;
    if (this.queuedBytes + frame.length + this.ws.bufferedAmount > this.limits.maxSendQueueBytes) {
      this.onViolation?.(LobbyCloseCode.SlowConsumer, 'slow consumer');
      this.close(LobbyCloseCode.SlowConsumer, 'slow consumer');
      return;
    }
    if (this.queue.length === 0) this.coalescer.schedule(this);
    this.queue.push(frame);
    this.queuedBytes += frame.length;
  }

  /** Writes everything queued, corked into one system call. */
  flush(): void {
    const frames = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    if (this.closing || frames.length === 0) return;
    const socket = underlyingSocket(this.ws);
    socket?.cork();
    for (const frame of frames) this.ws.send(frame, { binary: true });
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
