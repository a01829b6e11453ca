import type { DirectRetry } from '@handoff/transport';

/**
 * The most direct attempts a peer can start in `durationMs` under the
 * transport's retry backoff: the first at once, then each after
 * `min(maxDelay, initialDelay·2^k)` shortened by the largest jitter (×0.75),
 * as if every attempt failed the instant it began. A retry storm (a loop
 * without backoff) blows far past it.
 */
export function maxDirectAttempts(durationMs: number, retry: DirectRetry): number {
  let attempts = 1;
  let at = 0;
  for (let failures = 0; ; failures++) {
    at += Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** failures) * 0.75;
    if (at > durationMs) return attempts;
    attempts++;
  }
}
