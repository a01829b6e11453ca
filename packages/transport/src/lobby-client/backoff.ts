/** Reconnection timing. */
export interface ReconnectOptions {
  /** First delay, ms. Default 250. */
  initialDelayMs?: number;
  /** Longest delay, ms. Default 10000. */
  maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Random spread, 0..1 of the delay, so a lobby restart is not hit by every client at once. Default 0.5. */
  jitter?: number;
  /** Give up after this many failed attempts (`connection:closed`). Default: never. */
  maxAttempts?: number;
}

/** Delay before reconnection attempt `attempt` (0-based), with jitter from `random` (0..1). */
export function backoffDelay(attempt: number, options: ReconnectOptions, random: () => number): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  const base = Math.min(max, initial * (options.factor ?? 2) ** attempt);
  const jitter = options.jitter ?? 0.5;
  return base * (1 - jitter + jitter * random());
}
