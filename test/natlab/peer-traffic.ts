/** At most this many anomalies are kept per peer: enough to diagnose, bounded in size. */
const MAX_ANOMALIES = 8;

/**
 * The traffic a player exchanges with one peer, and the checks on what comes
 * back: chat ids must arrive as 0, 1, 2, … exactly once each (a loss, a
 * duplicate or a reordering breaks the run of ids), positions must never go
 * backwards. Pure bookkeeping: times come in as arguments.
 */
export class PeerTraffic {
  chatSent = 0;
  positionsSent = 0;
  chatReceived = 0;
  readonly chatAnomalies: string[] = [];
  positionsReceived = 0;
  positionsBackwards = 0;
  longestPositionGapMs = 0;
  private lastX = Number.NEGATIVE_INFINITY;
  private lastPositionAt: number | undefined;
  /**
   * One-way delay of each position that arrived, ms, by the path the pair was
   * on when it arrived (sender's and receiver's clocks are one kernel's).
   */
  readonly positionDelaysMs: Record<string, number[]> = {};
  /** ICE candidate types this peer signalled to us (`host`, `srflx`, `relay`, …). */
  readonly candidateTypes: string[] = [];

  /** A chat message with this id arrived. */
  chatArrived(id: number): void {
    if (id !== this.chatReceived) {
      this.anomaly(`chat #${id} arrived when #${this.chatReceived} was expected`);
      // Resynchronise on what arrived, so one hole is reported once, not at every later message.
      if (id > this.chatReceived) this.chatReceived = id + 1;
      return;
    }
    this.chatReceived++;
  }

  /** A position with this `x` arrived at `now` (ms); `delay` since it was sent and the path then, when known. */
  positionArrived(x: number, now: number, delay?: { ms: number; path: string }): void {
    this.positionsReceived++;
    if (delay !== undefined) {
      this.positionDelaysMs[delay.path] ??= [];
      this.positionDelaysMs[delay.path]!.push(delay.ms);
    }
    if (x < this.lastX) {
      this.positionsBackwards++;
      this.anomaly(`position x=${x} after x=${this.lastX}`);
    }
    this.lastX = Math.max(this.lastX, x);
    if (this.lastPositionAt !== undefined)
      this.longestPositionGapMs = Math.max(this.longestPositionGapMs, now - this.lastPositionAt);
    this.lastPositionAt = now;
  }

  /** Stops measuring position gaps (the game is over; silence is expected now). */
  stopGapClock(): void {
    this.lastPositionAt = undefined;
  }

  /** Records something unexpected (bounded). */
  anomaly(text: string): void {
    if (this.chatAnomalies.length < MAX_ANOMALIES) this.chatAnomalies.push(text);
  }
}

/** A send time carried in a position's `y` (the codec's bounds are ±1024, its step 1/512: 0.2 ms here). */
export const STAMP_PERIOD_MS = 100_000;

/** The `y` that carries `nowMs`. */
export function stampOf(nowMs: number): number {
  return (nowMs % STAMP_PERIOD_MS) / 100;
}

/** Milliseconds from the stamp `y` to `nowMs` (never negative). */
export function delaySince(y: number, nowMs: number): number {
  const delay = ((nowMs % STAMP_PERIOD_MS) - y * 100 + STAMP_PERIOD_MS) % STAMP_PERIOD_MS;
  // The stamp's rounding can put it a fraction of a millisecond ahead: that is no delay, not a wrap.
  return delay > STAMP_PERIOD_MS / 2 ? 0 : delay;
}

/** Nearest-rank percentile (p in 0..100), undefined for no values. */
export function percentileOf(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
