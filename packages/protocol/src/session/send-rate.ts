/** Bounds and start of a session's send-rate estimate, bytes per second. */
export interface SendRateOptions {
  /** Estimate before any feedback. */
  initialBytesPerSecond: number;
  /** The estimate never drops below this: a game always gets this much through. */
  minBytesPerSecond: number;
  /** The estimate never grows above this. */
  maxBytesPerSecond: number;
}

/** Default {@link SendRateOptions}: start at 256 KiB/s, within 16 KiB/s … 16 MiB/s. */
export const SEND_RATE_DEFAULTS: Readonly<SendRateOptions> = Object.freeze({
  initialBytesPerSecond: 256 * 1024,
  minBytesPerSecond: 16 * 1024,
  maxBytesPerSecond: 16 * 1024 * 1024,
});

/** Fraction of the rate kept after a loss event (CUBIC's β). */
const DECREASE = 0.7;
/** Growth per loss-free round trip in which the sender used at least half the rate. */
const INCREASE = 1 / 8;
/** Shortest round trip the controller assumes, ms (loopback RTTs are far below a useful reaction time). */
const MIN_ROUND_MS = 20;
/** Largest burst the pacer lets out at once, ms of the rate (at least two full datagrams). */
const BURST_MS = 25;

/**
 * A send-rate estimate per session (per path: it starts over on a path
 * change) and a pacer that spends it: the AIMD-style controller games use
 * where TCP's would be too bursty (GameNetworkingSockets keeps one per
 * connection with min/max bounds). The estimate doubles per loss-free round
 * trip until the path's first loss (slow start), then grows by 1/8 per
 * loss-free round trip — in both cases only when the sender actually used at
 * least half of it, so a quiet game does not inflate it — and drops to 0.7×
 * on a loss event, at most once per round trip, since one congested queue
 * loses several packets at once. Time is passed in: pure, like the session.
 */
export class SendRate {
  private rate: number;
  private tokens: number;
  private updatedAt = Number.NaN;
  private roundStart = Number.NaN;
  private sentThisRound = 0;
  private lossThisRound = false;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  /** No loss on this path yet: grow by doubling (slow start) rather than by 1/8. */
  private slowStart = true;

  constructor(
    private readonly options: SendRateOptions,
    private readonly maxDatagramSize: number,
  ) {
    this.rate = options.initialBytesPerSecond;
    this.tokens = this.burst();
  }

  /** The current estimate, bytes per second. */
  get bytesPerSecond(): number {
    return this.rate;
  }

  /** Bytes the pacer lets out now (may be negative after an oversized datagram). */
  budget(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Records `bytes` sent at `now`. */
  spent(bytes: number, now: number): void {
    this.refill(now);
    this.tokens -= bytes;
    this.sentThisRound += bytes;
  }

  /** A packet was declared lost. */
  lost(now: number, rttMs: number): void {
    this.lossThisRound = true;
    if (now - this.lastDecreaseAt < Math.max(rttMs, MIN_ROUND_MS)) return;
    this.lastDecreaseAt = now;
    this.slowStart = false;
    this.rate = Math.max(this.options.minBytesPerSecond, this.rate * DECREASE);
    this.tokens = Math.min(this.tokens, this.burst());
  }

  /** Called on every acknowledgement: closes a round trip when one has passed. */
  acked(now: number, rttMs: number): void {
    if (Number.isNaN(this.roundStart)) this.roundStart = now;
    const round = Math.max(rttMs, MIN_ROUND_MS);
    if (now - this.roundStart < round) return;
    const used = this.sentThisRound / (((now - this.roundStart) / 1000) * this.rate);
    if (!this.lossThisRound && used >= 0.5) {
      const growth = this.slowStart ? 2 : 1 + INCREASE;
      this.rate = Math.min(this.options.maxBytesPerSecond, this.rate * growth);
    }
    this.roundStart = now;
    this.sentThisRound = 0;
    this.lossThisRound = false;
  }

  /** Starts over (a new path): the initial estimate, a full burst. */
  reset(): void {
    this.rate = this.options.initialBytesPerSecond;
    this.tokens = this.burst();
    this.slowStart = true;
    this.roundStart = Number.NaN;
    this.sentThisRound = 0;
    this.lossThisRound = false;
  }

  private burst(): number {
    return Math.max((this.rate * BURST_MS) / 1000, 2 * this.maxDatagramSize);
  }

  private refill(now: number): void {
    if (!Number.isNaN(this.updatedAt) && now > this.updatedAt) {
      this.tokens = Math.min(this.burst(), this.tokens + ((now - this.updatedAt) * this.rate) / 1000);
    }
    if (Number.isNaN(this.updatedAt) || now > this.updatedAt) this.updatedAt = now;
  }
}
