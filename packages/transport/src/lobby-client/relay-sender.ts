import { RelayBundleWriter } from '@handoff/protocol/lobby';

/** How a lobby client spaces its relay frames. */
export interface RelayPacing {
  /**
   * Average gap between two relay frames, ms: at most `1000 / minIntervalMs`
   * frames a second over time. Everything a room flushes in one go (every
   * peer's datagrams) leaves as one frame anyway; this bounds the frame rate
   * when a game sends from many separate tasks. Default 4 (at most 250
   * frames a second, under the lobby's default 300).
   */
  minIntervalMs?: number;
  /** Longest average gap the client backs off to when the lobby says "slow down", ms. Default 50. */
  maxIntervalMs?: number;
  /**
   * Frames that may leave back to back before the average gap applies. A
   * reply to a message that just arrived goes out at once instead of
   * waiting out the gap after the previous frame (which added up to
   * `minIntervalMs` to every round trip on the relay). Default 8.
   */
  burstFrames?: number;
}

/** Default {@link RelayPacing}. */
export const RELAY_PACING_DEFAULTS: Required<RelayPacing> = {
  minIntervalMs: 4,
  maxIntervalMs: 50,
  burstFrames: 8,
};

/** After this long without a "slow down", the gap halves back towards the minimum, ms. */
const RECOVERY_MS = 2000;

/**
 * Bundles relay datagrams: every datagram queued until the next flush leaves
 * in one frame (several when they pass `maxFrameBytes`). Frames leave at
 * once while a token bucket of `burstFrames` holds a token, refilled one
 * per interval: on average they are spaced by the current interval. When
 * the lobby pushes back (`error RateLimited`), {@link slowDown} doubles the
 * interval (up to the maximum) and empties the bucket; the interval
 * recovers by halving every two quiet seconds. Datagrams are held by
 * reference (a session's datagrams are never rewritten).
 */
export class RelaySender {
  private readonly bundle: RelayBundleWriter;
  private readonly pacing: Required<RelayPacing>;
  private interval: number;
  private tokens: number;
  private refilledAt = performance.now();
  private lastPushbackAt = Number.NEGATIVE_INFINITY;
  private scheduled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly flushNow = (): void => this.flush();
  /** Frames sent (for stats and tests). */
  framesSent = 0;

  constructor(
    /** Writes one frame to the socket; false when it could not (the datagrams are dropped: sessions retransmit). */
    private readonly write: (frame: Uint8Array) => boolean,
    maxFrameBytes: number,
    pacing: RelayPacing = {},
  ) {
    this.bundle = new RelayBundleWriter(maxFrameBytes);
    this.pacing = { ...RELAY_PACING_DEFAULTS, ...pacing };
    this.interval = this.pacing.minIntervalMs;
    this.tokens = this.pacing.burstFrames;
  }

  /** Largest frame to write, bytes (the lobby's limit, from `welcome`). */
  set maxFrameBytes(bytes: number) {
    this.bundle.maxFrameBytes = bytes;
  }

  /** The gap in force between frames, ms. */
  get intervalMs(): number {
    return this.interval;
  }

  /** Queues a datagram for the member with `peerIndex`. */
  add(peerIndex: number, datagram: Uint8Array): void {
    this.bundle.add(peerIndex, datagram);
    if (this.scheduled) return;
    this.scheduled = true;
    this.refill(performance.now());
    const wait = this.tokens >= 1 ? 0 : (1 - this.tokens) * this.interval;
    if (wait <= 0) queueMicrotask(this.flushNow);
    else this.timer = setTimeout(this.flushNow, wait);
  }

  /** The lobby dropped a frame and asked us to slow down. */
  slowDown(): void {
    const now = performance.now();
    this.refill(now);
    this.lastPushbackAt = now;
    this.interval = Math.min(this.pacing.maxIntervalMs, Math.max(1, this.interval * 2));
    this.tokens = 0; // no more bursts until the lobby has had a rest
  }

  /** Drops what is queued (the socket is gone; sessions retransmit what matters). */
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = false;
    this.bundle.take();
  }

  private flush(): void {
    this.scheduled = false;
    this.timer = undefined;
    if (this.bundle.size === 0) return;
    const now = performance.now();
    if (this.interval > this.pacing.minIntervalMs && now - this.lastPushbackAt > RECOVERY_MS) {
      this.interval = Math.max(this.pacing.minIntervalMs, this.interval / 2);
      this.lastPushbackAt = now;
    }
    this.refill(now);
    this.tokens = Math.max(0, this.tokens - 1); // a timer may fire a hair early
    for (const frame of this.bundle.take()) if (this.write(frame)) this.framesSent++;
  }

  private refill(now: number): void {
    this.tokens =
      this.interval <= 0
        ? this.pacing.burstFrames
        : Math.min(this.pacing.burstFrames, this.tokens + (now - this.refilledAt) / this.interval);
    this.refilledAt = now;
  }
}
