/**
 * Send interval and arrival jitter of one snapshot stream, measured from
 * what arrives: RFC 3550's interarrival jitter (the smoothed change of
 * `arrival − timestamp` between consecutive snapshots, gain 1/16).
 */
export class StreamTiming {
  /** Estimated send interval, ms. */
  intervalMs: number;
  /** Smoothed arrival jitter, ms. */
  jitterMs = 0;
  private previousTransit: number | undefined;
  private skipping = false;
  /** The first guess counts as one sample. */
  private intervalSamples = 1;

  constructor(
    initialIntervalMs: number,
    private readonly maxSampleMs: number,
  ) {
    this.intervalMs = initialIntervalMs;
  }

  /** Records a snapshot placed at `timestamp` on the timeline that arrived at `arrivalMs`. */
  record(timestamp: number, arrivalMs: number): void {
    const transit = arrivalMs - timestamp;
    const previous = this.previousTransit;
    this.previousTransit = transit;
    if (previous === undefined) return;
    // A change beyond the largest delay is an outage or a re-anchoring, not jitter.
    const deviation = Math.abs(transit - previous);
    if (deviation <= this.maxSampleMs) this.jitterMs += (deviation - this.jitterMs) / 16;
  }

  /**
   * Records one send interval, ms: a running mean for the first 16 samples
   * (a wrong first guess is soon forgotten), then gain 1/16.
   */
  observeInterval(intervalMs: number): void {
    if (!(intervalMs > 0) || intervalMs > this.maxSampleMs) return;
    this.intervalSamples = Math.min(16, this.intervalSamples + 1);
    this.intervalMs += (intervalMs - this.intervalMs) / this.intervalSamples;
  }

  /**
   * The path changed: the next snapshot's transit change is the difference
   * between the paths' latencies, not jitter, and its gap is neither an
   * interval nor a sign of loss.
   */
  skipNext(): void {
    this.previousTransit = undefined;
    this.skipping = true;
  }

  /** True once after {@link skipNext}: the coming gap is not to be read. */
  takeSkip(): boolean {
    const skipping = this.skipping;
    this.skipping = false;
    return skipping;
  }

  /** The timeline was re-anchored: the next transit change is not jitter. */
  forgetTransit(): void {
    this.previousTransit = undefined;
  }
}
