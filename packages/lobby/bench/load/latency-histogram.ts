/**
 * A latency histogram that load processes fill and the bench merges: bins
 * of 10 µs up to 100 ms, then of 1 ms up to 10 s (anything slower lands in
 * the last bin). Percentiles are read at a bin's middle, so they are exact
 * to ±5 µs below 100 ms. Sent over IPC as its non-empty bins only.
 */

const FINE_BIN_MS = 0.01;
const FINE_BINS = 10_000; // 0..100 ms
const COARSE_BIN_MS = 1;
const COARSE_BINS = 9_900; // 100 ms..10 s
const FINE_LIMIT_MS = FINE_BIN_MS * FINE_BINS;

/** Non-empty bins as `[bin, count]` pairs. */
export type SparseHistogram = [number, number][];

/** Counts of one-way latencies. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(FINE_BINS + COARSE_BINS);
  /** Samples recorded. */
  total = 0;

  /** Records one latency, ms (a negative one, a clock quirk, counts as 0). */
  record(ms: number): void {
    const bin =
      ms < FINE_LIMIT_MS
        ? Math.max(0, Math.floor(ms / FINE_BIN_MS))
        : Math.min(FINE_BINS + COARSE_BINS - 1, FINE_BINS + Math.floor((ms - FINE_LIMIT_MS) / COARSE_BIN_MS));
    this.counts[bin]!++;
    this.total++;
  }

  /** The non-empty bins, for IPC. */
  toSparse(): SparseHistogram {
    const bins: SparseHistogram = [];
    this.counts.forEach((count, bin) => {
      if (count > 0) bins.push([bin, count]);
    });
    return bins;
  }

  /** Adds bins from another histogram. */
  merge(bins: SparseHistogram): void {
    for (const [bin, count] of bins) {
      this.counts[bin]! += count;
      this.total += count;
    }
  }

  /** The `p`-th percentile (0..100, nearest rank), ms; NaN when empty. */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let bin = 0; bin < this.counts.length; bin++) {
      seen += this.counts[bin]!;
      if (seen >= rank) return binMiddle(bin);
    }
    return binMiddle(this.counts.length - 1);
  }
}

function binMiddle(bin: number): number {
  return bin < FINE_BINS
    ? (bin + 0.5) * FINE_BIN_MS
    : FINE_LIMIT_MS + (bin - FINE_BINS + 0.5) * COARSE_BIN_MS;
}
