/**
 * A token bucket: `rate` tokens per second, holding at most `burst`. Time is
 * passed in (ms), so the bucket is deterministic in tests.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Tokens available at `now` (refills first; takes nothing). */
  available(now: number): number {
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rate) / 1000);
      this.updatedAt = now;
    }
    return this.tokens;
  }

  /** Takes `cost` tokens if available; returns whether it did. */
  take(cost: number, now: number): boolean {
    if (this.available(now) < cost) return false;
    this.tokens -= cost;
    return true;
  }
}
