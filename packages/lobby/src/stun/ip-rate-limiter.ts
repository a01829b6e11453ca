/**
 * Per-key token buckets with a bounded number of tracked keys, for the STUN
 * responder's per-source-IP rate limit. When the table is full, the key seen
 * least recently is evicted (it starts with a full bucket if it comes back).
 *
 * @module
 */

import { InvalidOptionError } from '@handoff/protocol';

/** Options of {@link IpRateLimiter}. */
export interface IpRateLimiterOptions {
  /** Tokens added per second per key. Must be > 0. */
  ratePerSecond: number;
  /** Bucket size (the burst a fresh key may send at once). Must be ≥ 1. */
  burst: number;
  /** Most keys tracked at once; the least recently seen is evicted beyond it. Must be ≥ 1. */
  maxTrackedKeys: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Token buckets keyed by source IP (or any string). Time is passed in, in milliseconds. */
export class IpRateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #max: number;
  readonly #buckets = new Map<string, Bucket>();

  /** @throws `InvalidOptionError` on out-of-range options. */
  constructor(options: IpRateLimiterOptions) {
    const { ratePerSecond, burst, maxTrackedKeys } = options;
    if (!(ratePerSecond > 0)) throw new InvalidOptionError('ratePerSecond must be > 0');
    if (!(burst >= 1)) throw new InvalidOptionError('burst must be >= 1');
    if (!Number.isInteger(maxTrackedKeys) || maxTrackedKeys < 1) {
      throw new InvalidOptionError('maxTrackedKeys must be an integer >= 1');
    }
    this.#rate = ratePerSecond / 1000;
    this.#burst = burst;
    this.#max = maxTrackedKeys;
  }

  /** Number of keys currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token for `key` at time `nowMs`; false when its bucket is empty (drop the request). */
  tryTake(key: string, nowMs: number): boolean {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#max) {
        const oldest = this.#buckets.keys().next();
        if (oldest.done !== true) this.#buckets.delete(oldest.value);
      }
      bucket = { tokens: this.#burst, updatedMs: nowMs };
    } else {
      // Re-insert so that Map order is least recently seen first.
      this.#buckets.delete(key);
      const elapsed = Math.max(0, nowMs - bucket.updatedMs);
      bucket.tokens = Math.min(this.#burst, bucket.tokens + elapsed * this.#rate);
      bucket.updatedMs = nowMs;
    }
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets every key. */
  clear(): void {
    this.#buckets.clear();
  }
}
