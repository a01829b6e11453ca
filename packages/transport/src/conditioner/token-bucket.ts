/**
 * A token bucket in bytes whose debt is a queue: a datagram that finds too
 * few tokens takes them anyway and waits until the refill has paid them
 * back, so datagrams leave in order at the capped rate, like a router's
 * queue. Pure: time comes in as an argument.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt = Number.NEGATIVE_INFINITY;

  /** @param burstBytes - the bucket's depth: bytes that may leave an idle link at once. */
  constructor(private readonly burstBytes: number) {
    this.tokens = burstBytes;
  }

  /**
   * Takes `bytes` at `now` (ms) under a cap of `ratePerSecond`. Returns how
   * long the datagram waits before it may leave, ms, or `undefined` when
   * that would exceed `maxWaitMs`: the queue is full, the datagram is
   * dropped and takes nothing.
   */
  take(bytes: number, now: number, ratePerSecond: number, maxWaitMs: number): number | undefined {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.burstBytes, this.tokens + (elapsed * ratePerSecond) / 1000);
    this.updatedAt = now;
    const left = this.tokens - bytes;
    const waitMs = left >= 0 ? 0 : (-left * 1000) / ratePerSecond;
    if (waitMs > maxWaitMs) return undefined;
    this.tokens = left;
    return waitMs;
  }
}
