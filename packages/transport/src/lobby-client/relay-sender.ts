import { RelayBundleWriter } from '@handoff/protocol/lobby';

/** How a lobby client spaces its relay frames. */
export interface RelayPacing {
  /**
   * Shortest gap between two relay frames, ms. Everything a room flushes in
   * one go (every peer's datagrams) leaves as one frame anyway; this bounds
   * the frame rate when a game sends from many separate tasks. Default 4
   * (at most 250 frames a second, under the lobby's default 300).
   */
  minIntervalMs?: number;
  /** Longest gap the client backs off to when the lobby says "slow down", ms. Default 50. */
  maxIntervalMs?: number;
}

/** Default {@link RelayPacing}. */
export const RELAY_PACING_DEFAULTS: Required<RelayPacing> = { minIntervalMs: 4, maxIntervalMs: 50 };

/** After this long without a "slow down", the gap halves back towards the minimum, ms. */
const RECOVERY_MS = 2000;

/**
 * Bundles relay datagrams: every datagram queued until the next flush leaves
 * in one frame (several when they pass `maxFrameBytes`), and frames are
 * spaced by at least the current interval. When the lobby pushes back
 * (`error RateLimited`), {@link slowDown} doubles the interval (up to the
 * maximum); it recovers by halving every two quiet seconds. Datagrams are
 * held by reference (a session's datagrams are never rewritten).
 */
export class RelaySender {
  private readonly bundle: RelayBundleWriter;
  private readonly pacing: Required<RelayPacing>;
  private interval: number;
  private lastFrameAt = Number.NEGATIVE_INFINITY;
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
    const wait = this.lastFrameAt + this.interval - performance.now();
    if (wait <= 0) queueMicrotask(this.flushNow);
    else this.timer = setTimeout(this.flushNow, wait);
  }

  /** The lobby dropped a frame and asked us to slow down. */
  slowDown(): void {
    this.lastPushbackAt = performance.now();
    this.interval = Math.min(this.pacing.maxIntervalMs, Math.max(1, this.interval * 2));
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
    this.lastFrameAt = now;
    for (const frame of this.bundle.take()) if (this.write(frame)) this.framesSent++;
  }
}
