/**
 * Round-trip time estimation with the RFC 6298 / RFC 9002 gains
 * (smoothed RTT 1/8, variance 1/4), plus min/max/jitter for stats.
 */
export class RttEstimator {
  /** Smoothed RTT in ms. Equals the initial guess until the first sample. */
  smoothed: number;
  /** RTT variance (mean deviation) in ms. */
  variance: number;
  /** Latest raw sample in ms (0 before any sample). */
  latest = 0;
  /** Smallest sample seen on the current path, in ms (Infinity before any sample). */
  min = Number.POSITIVE_INFINITY;
  /** Largest sample seen on the current path, in ms (0 before any sample). */
  max = 0;
  /** RFC 3550-style jitter: smoothed difference between consecutive samples, in ms. */
  jitter = 0;
  /** Number of samples taken on the current path. */
  samples = 0;

  constructor(private readonly initialRtt: number) {
    this.smoothed = initialRtt;
    this.variance = initialRtt / 2;
  }

  /**
   * Adds a sample. `ackDelay` is the time the peer held the acknowledgement;
   * it is subtracted only when that does not take the sample below min RTT
   * (RFC 9002 §5.3), so a lying peer cannot shrink the estimate to zero.
   */
  addSample(sample: number, ackDelay: number): void {
    if (!(sample >= 0)) return;
    if (sample < this.min) this.min = sample;
    if (sample > this.max) this.max = sample;
    const adjusted = sample - ackDelay >= this.min ? sample - ackDelay : sample;
    if (this.samples === 0) {
      this.smoothed = adjusted;
      this.variance = adjusted / 2;
    } else {
      this.variance = 0.75 * this.variance + 0.25 * Math.abs(this.smoothed - adjusted);
      this.smoothed = 0.875 * this.smoothed + 0.125 * adjusted;
      this.jitter += (Math.abs(adjusted - this.latest) - this.jitter) / 16;
    }
    this.latest = adjusted;
    this.samples++;
  }

  /** Forgets everything learned: used when traffic moves to another path. */
  reset(): void {
    this.smoothed = this.initialRtt;
    this.variance = this.initialRtt / 2;
    this.latest = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
    this.jitter = 0;
    this.samples = 0;
  }
}
