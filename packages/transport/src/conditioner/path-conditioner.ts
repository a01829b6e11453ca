import { ArrivalQueue, Prng } from '@handoff/protocol/testing';
import {
  type ConditionedPathKind,
  DEFAULT_MAX_QUEUE_DELAY_MS,
  type LinkConditioner,
  type LinkConditions,
  RATE_BURST_BYTES,
} from './link-conditioner.js';
import { TokenBucket } from './token-bucket.js';

/** Where a conditioned datagram finally goes; false when the path cannot take it now. */
export type SendDatagram = (datagram: Uint8Array) => boolean;

/** Time and timers, injectable so tests can run the conditioner on a fake clock. */
export interface ConditionerClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Runs `run` once after `ms`; returns a handle for {@link clearTimeout}. */
  setTimeout(run: () => void, ms: number): unknown;
  /** Cancels a timer (an undefined handle is ignored). */
  clearTimeout(handle: unknown): void;
}

const realClock: ConditionerClock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => {
    const timer = setTimeout(run, ms);
    // A datagram still in simulated flight must not keep a Node process alive.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * One path of a room's link conditioner: reads the room's live
 * {@link LinkConditioner} and holds what all peers on the path share — the
 * rate cap's bucket, since a player's uplink is one pipe whoever the
 * datagrams are for. Each peer's traffic goes through its own
 * {@link ConditionedSender}.
 */
export class PathConditioner {
  /** The rate cap's bucket, shared by every peer on this path. */
  readonly bucket = new TokenBucket(RATE_BURST_BYTES);

  constructor(
    private readonly source: () => LinkConditioner | undefined,
    readonly kind: ConditionedPathKind,
    readonly clock: ConditionerClock = realClock,
  ) {}

  /** The conditions now, or undefined when the path is not conditioned. */
  conditions(): LinkConditions | undefined {
    return this.source()?.[this.kind];
  }

  /** The seed now (undefined: `Math.random`). */
  seed(): number | undefined {
    return this.source()?.seed;
  }

  /** Conditions the datagrams one peer's traffic sends through `send`. */
  sender(send: SendDatagram): ConditionedSender {
    return new ConditionedSender(this, send);
  }
}

/**
 * The conditioner on one peer's traffic over one path: drops datagrams with
 * the loss probability (or when the rate cap's queue is full), holds the
 * rest for their queueing delay, latency and jitter, then calls `send`. With
 * no conditions a datagram goes straight through (no copy, no timer). One
 * timer at a time, armed for the earliest datagram due.
 */
export class ConditionedSender {
  private readonly due = new ArrivalQueue();
  private order = 0;
  private timer: unknown;
  private timerAt = Number.POSITIVE_INFINITY;
  private random: () => number = Math.random;
  private seededWith: number | undefined;
  private closed = false;
  /** Datagrams dropped so far: `lost` by the loss probability, `queueFull` by the rate cap. */
  readonly dropped = { lost: 0, queueFull: 0 };

  constructor(
    private readonly path: PathConditioner,
    private readonly deliver: SendDatagram,
  ) {}

  /** Datagrams held back for a delay, not sent yet. */
  get held(): number {
    return this.due.size;
  }

  /** Sends one datagram through the conditions. True unless an unconditioned path refused it now. */
  send(datagram: Uint8Array): boolean {
    const c = this.path.conditions();
    if (c === undefined || this.closed) return !this.closed && this.deliver(datagram);
    const now = this.path.clock.now();
    const random = this.randomFor(this.path.seed());
    let waitMs = 0;
    const rate = c.rateBytesPerSecond ?? 0;
    if (rate > 0) {
      const wait = this.path.bucket.take(
        datagram.length,
        now,
        rate,
        c.maxQueueDelayMs ?? DEFAULT_MAX_QUEUE_DELAY_MS,
      );
      if (wait === undefined) {
        this.dropped.queueFull++;
        return true; // "sent", then dropped by the full router queue
      }
      waitMs = wait;
    }
    const loss = c.loss ?? 0;
    if (loss > 0 && random() < loss) {
      this.dropped.lost++;
      return true; // "sent", then lost on the way
    }
    const jitter = c.jitterMs ?? 0;
    const delay = waitMs + (c.latencyMs ?? 0) + (jitter > 0 ? random() * jitter : 0);
    if (delay <= 0) return this.deliver(datagram);
    // A copy: the caller may reuse its buffer before the delay is over.
    this.due.push({ at: now + delay, order: this.order++, datagram: datagram.slice() });
    this.arm();
    return true;
  }

  /** Drops every held datagram and stops the timer (the peer or the link is gone). */
  close(): void {
    this.closed = true;
    this.path.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    while (this.due.size > 0) this.due.pop();
  }

  /** A fresh generator when the seed changes, so a run replays from the moment it is set. */
  private randomFor(seed: number | undefined): () => number {
    if (seed !== this.seededWith) {
      this.seededWith = seed;
      if (seed === undefined) this.random = Math.random;
      else {
        const prng = new Prng(seed);
        this.random = () => prng.next();
      }
    }
    return this.random;
  }

  private arm(): void {
    const at = this.due.peekTime();
    if (at >= this.timerAt) return;
    const clock = this.path.clock;
    clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = clock.setTimeout(() => this.release(), Math.max(0, at - clock.now()));
  }

  private release(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.path.clock.now();
    while (this.due.peekTime() <= now) this.deliver(this.due.pop()!.datagram);
    this.arm();
  }
}
