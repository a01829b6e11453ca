import {
  type ResolvedInterpolatorOptions,
  resolveInterpolatorOptions,
  type SnapshotInterpolatorOptions,
} from './interpolator-options.js';
import { StreamTiming } from './stream-timing.js';

/** What is known of the path a peer's snapshots take (see {@link SnapshotInterpolator.updatePath}). */
export interface PathUpdate {
  /** The path's name (`relay`, `direct`). */
  path: string;
  /** The path's one-way jitter as the transport measures it, ms (undefined: no figures yet). */
  jitterMs?: number | undefined;
}

/** What a {@link SnapshotInterpolator} is doing, for a HUD or a test. */
export interface InterpolatorStats {
  /** How far behind the sender's present the rendered state is, beyond the network's own latency, ms. */
  delayMs: number;
  /** Where the delay is heading, ms. */
  targetDelayMs: number;
  /** Estimated send interval, ms. */
  intervalMs: number;
  /** Arrival jitter in use (the larger of the measured one and the path's), ms. */
  jitterMs: number;
  /** Render clock speed relative to real time (1: steady; above: shrinking the delay; below: growing it). */
  rate: number;
  /** Snapshots buffered. */
  buffered: number;
  /** The render time is past the newest snapshot: motion is extrapolated (or held, past the cap). */
  extrapolating: boolean;
  /** The path last given to {@link SnapshotInterpolator.updatePath}. */
  path: string | undefined;
}

interface Snapshot<T> {
  /** Position on the sender's timeline, ms. */
  at: number;
  state: T;
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/**
 * Renders a remote entity smoothly: a buffer of snapshots played back a
 * little in the past, with a render delay that follows the peer's current
 * path — it shrinks smoothly when the peer moves from the relay to a direct
 * link and grows quickly, before the buffer runs dry, when it falls back.
 *
 * **Timestamps.** Each snapshot is placed on the *sender's* timeline. If the
 * game sends its own clock with each snapshot, pass it as `sentAtMs` (any
 * offset: only differences matter). Otherwise (a position channel carries
 * no clock) the timeline is rebuilt from arrival times: one estimated send
 * interval per snapshot, several when the gap shows snapshots were lost.
 * Raw arrival times are not used as the timeline on purpose: when a path
 * change cuts the latency by Δ, the next snapshot arrives Δ early, and
 * playing arrival times back would fast-forward Δ of motion in one step —
 * the snap this class exists to avoid. A rebuilt timeline keeps the motion
 * true; the latency change shows up only as a change of delay, which the
 * render clock absorbs gradually. The clocks never need synchronizing.
 *
 * **Delay.** The target is one send interval (the next snapshot must be
 * there in time) plus `jitterFactor` × jitter plus a margin, clamped to
 * [`minDelayMs`, `maxDelayMs`]. Jitter is the larger of the arrival jitter
 * measured here (RFC 3550) and the path's as the transport measures it
 * (see {@link followPeerPath}); each path's jitter is remembered, so a
 * fallback to the relay raises the target at once. The render clock never
 * jumps: it runs at most `maxSpeedup` faster or `maxSlowdown` slower than
 * real time while the delay converges, so positions move continuously.
 *
 * **Underrun.** Past the newest snapshot, motion is extrapolated from the
 * last two for at most `maxExtrapolationMs`, then held. When snapshots
 * return, the state on screen becomes the start of the next segment: the
 * entity glides from where it is drawn instead of jumping back.
 *
 * Pure: no timers, no clock; time is passed in.
 *
 * @example
 * ```ts
 * const ships = new Map<string, SnapshotInterpolator<EntityState[]>>();
 * room.on('message', ({ from, channel, message }) => {
 *   if (channel !== 'pos') return;
 *   let ship = ships.get(from.id);
 *   if (ship === undefined) {
 *     ship = new SnapshotInterpolator({ lerp: lerpEntities, sendIntervalMs: 50 });
 *     followPeerPath(room, from.id, ship);
 *     ships.set(from.id, ship);
 *   }
 *   ship.push(message, performance.now());
 * });
 * // every frame:
 * for (const ship of ships.values()) draw(ship.sample(performance.now()));
 * ```
 */
export class SnapshotInterpolator<T> {
  private readonly options: ResolvedInterpolatorOptions<T>;
  private readonly timing: StreamTiming;
  private buffer: Snapshot<T>[] = [];
  private newest: { at: number; arrivedAt: number } | undefined;
  /** The render time, on the sender's timeline. */
  private playhead = 0;
  /** Added to sender timestamps: moved when the timeline is re-anchored after an outage. */
  private senderOffset = 0;
  /** Smoothed error of the delay (delay − target), ms. */
  private drift = 0;
  private rate = 1;
  private delay = 0;
  private lastSampleAt: number | undefined;
  private drawn: T | undefined;
  private path: string | undefined;
  private pathJitterHint = 0;
  private readonly jitterByPath = new Map<string, number>();

  constructor(options: SnapshotInterpolatorOptions<T>) {
    this.options = resolveInterpolatorOptions(options);
    this.timing = new StreamTiming(this.options.sendIntervalMs, this.options.maxDelayMs);
  }

  /**
   * Adds a snapshot that arrived at `arrivedAtMs` (the clock `sample` is
   * given). `sentAtMs`: the sender's clock, if the game sends it. Snapshots
   * must come in send order (an `unreliable-sequenced` channel guarantees it);
   * one at or before the newest replaces it or is ignored.
   */
  push(state: T, arrivedAtMs: number, sentAtMs?: number): void {
    const newest = this.newest;
    if (newest === undefined) {
      const at = sentAtMs === undefined ? arrivedAtMs : sentAtMs + this.senderOffset;
      this.buffer = [{ at, state }];
      this.newest = { at, arrivedAt: arrivedAtMs };
      this.playhead = at - this.targetDelayMs();
      this.timing.record(at, arrivedAtMs);
      return;
    }
    const skip = this.timing.takeSkip();
    let at: number;
    if (sentAtMs !== undefined) {
      at = sentAtMs + this.senderOffset;
      if (!skip) this.timing.observeInterval(at - newest.at);
    } else {
      const gap = arrivedAtMs - newest.arrivedAt;
      const interval = this.timing.intervalMs;
      // A gap well past one interval and the jitter means snapshots were lost:
      // keep the timeline true to the sender's. (Not across a path change: there
      // the gap is the paths' latency difference; an outage is an underrun.)
      const lost = !skip && gap > 1.5 * interval + 2 * this.timing.jitterMs;
      at = newest.at + (lost ? Math.max(1, Math.round(gap / interval)) : 1) * interval;
      if (!lost && !skip) this.timing.observeInterval(gap);
    }
    if (at <= newest.at) {
      if (at === newest.at) this.buffer[this.buffer.length - 1]!.state = state;
      return;
    }
    if (newest.at < this.playhead) at = this.recoverFromUnderrun(at, sentAtMs !== undefined);
    this.buffer.push({ at, state });
    // Bounded even if `sample` is never called.
    if (this.buffer.length > 256) this.buffer.splice(0, this.buffer.length - 256);
    this.newest = { at, arrivedAt: arrivedAtMs };
    this.timing.record(at, arrivedAtMs);
  }

  /**
   * Tells the interpolator which path the peer's traffic takes and what the
   * transport measures of it ({@link followPeerPath} does this from the
   * room's stats). On a change, the jitter last measured on the new path (if
   * it was used before) takes over at once: a fallback to the relay raises
   * the delay target before the buffer can run dry.
   */
  updatePath(update: PathUpdate): void {
    if (update.path !== this.path) {
      if (this.path !== undefined) {
        this.jitterByPath.set(this.path, this.timing.jitterMs);
        // The first transit change on the new path is the paths' latency difference, not jitter.
        this.timing.skipNext();
        this.timing.jitterMs = this.jitterByPath.get(update.path) ?? this.timing.jitterMs;
      }
      this.path = update.path;
      this.pathJitterHint = 0;
    }
    if (update.jitterMs !== undefined) this.pathJitterHint = update.jitterMs;
  }

  /**
   * The state to draw at `nowMs` (undefined before the first snapshot).
   * Call it once per frame: it advances the render clock.
   */
  sample(nowMs: number): T | undefined {
    const newest = this.newest;
    const first = this.buffer[0];
    if (newest === undefined || first === undefined) return undefined;
    const o = this.options;
    const dt = this.lastSampleAt === undefined ? 0 : Math.max(0, nowMs - this.lastSampleAt);
    this.lastSampleAt = nowMs;
    // The sender's present on its timeline: the newest snapshot, aged since it arrived.
    const present = newest.at + (nowMs - newest.arrivedAt);
    const previous = this.playhead;
    let playhead = previous + dt * this.rate;
    // Hard bounds, reached only after outages or bursts; the playhead never moves back.
    playhead = Math.max(previous, Math.min(playhead, present - o.minDelayMs));
    playhead = Math.max(playhead, present - o.maxDelayMs);
    this.playhead = playhead;
    this.delay = present - playhead;
    this.rate = this.nextRate(this.delay - this.targetDelayMs(), dt);
    this.drawn = this.render(playhead);
    return this.drawn;
  }

  /** The current render delay (beyond the network's latency), ms, as of the last `sample`. */
  get delayMs(): number {
    return this.delay;
  }

  /** The delay the render clock is converging to, ms. */
  targetDelayMs(): number {
    const o = this.options;
    const jitter = Math.max(this.timing.jitterMs, this.pathJitterHint);
    return clamp(this.timing.intervalMs + o.jitterFactor * jitter + o.marginMs, o.minDelayMs, o.maxDelayMs);
  }

  /** What the interpolator is doing. */
  stats(): InterpolatorStats {
    return {
      delayMs: this.delay,
      targetDelayMs: this.targetDelayMs(),
      intervalMs: this.timing.intervalMs,
      jitterMs: Math.max(this.timing.jitterMs, this.pathJitterHint),
      rate: this.rate,
      buffered: this.buffer.length,
      extrapolating: this.newest !== undefined && this.playhead > this.newest.at,
      path: this.path,
    };
  }

  /**
   * The playhead ran past every snapshot. What is on screen becomes a
   * snapshot at the playhead, so motion continues from there. A snapshot
   * that lands behind the playhead or implausibly far ahead (sender clock
   * after a long outage) re-anchors the timeline one target delay ahead.
   */
  private recoverFromUnderrun(at: number, senderClock: boolean): number {
    this.buffer = this.drawn === undefined ? [] : [{ at: this.playhead, state: this.drawn }];
    const lead = at - this.playhead;
    if (lead > 0 && lead <= this.options.maxDelayMs) return at;
    const anchored = this.playhead + this.targetDelayMs();
    if (senderClock) this.senderOffset += anchored - at;
    this.timing.forgetTransit();
    return anchored;
  }

  /**
   * The render clock rate for the next frame, from the delay error (delay −
   * target): smoothed over `response`, times a gain of 1/(2 × `response`) —
   * a damping ratio of 0.7, no ringing. Too little delay is urgent (the
   * buffer may run dry): a 4× faster response, also to a falling error.
   * Too much is not: a gentle one, so shrinking is never noticed. The rate
   * is 1 at zero error on both sides, so it never jumps between the two.
   */
  private nextRate(error: number, dt: number): number {
    const o = this.options;
    const urgent = this.drift < 0 || error < this.drift;
    this.drift += (error - this.drift) * Math.min(1, dt / (urgent ? o.responseMs / 4 : o.responseMs));
    const gain = this.drift < 0 ? 2 / o.responseMs : 1 / (2 * o.responseMs);
    return 1 + clamp(this.drift * gain, -o.maxSlowdown, o.maxSpeedup);
  }

  private render(playhead: number): T {
    const buffer = this.buffer;
    // Keep the segment the playhead is in (and at least two snapshots, to extrapolate from).
    while (buffer.length > 2 && buffer[1]!.at <= playhead) buffer.shift();
    const a = buffer[0]!;
    const b = buffer[1];
    if (b === undefined || playhead <= a.at) return a.state;
    const until = Math.min(playhead, b.at + this.options.maxExtrapolationMs);
    return this.options.lerp(a.state, b.state, (until - a.at) / (b.at - a.at));
  }
}
