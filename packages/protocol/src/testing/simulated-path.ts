import { ArrivalQueue } from './arrival-queue.js';
import { Prng } from './prng.js';

/** Network conditions of one direction of a simulated path. Every field is optional; the default is a perfect 0 ms link. */
export interface PathConditions {
  /** One-way base latency, ms. Default 0. */
  latencyMs?: number;
  /** Extra one-way delay, uniform in [0, jitterMs), ms. Jitter alone reorders packets. Default 0. */
  jitterMs?: number;
  /** Probability a datagram is lost, 0..1. Default 0. */
  loss?: number;
  /** Probability a datagram arrives twice, 0..1. Default 0. */
  duplicate?: number;
  /** Probability a datagram is held back by `reorderDelayMs` (overtaken by later ones), 0..1. Default 0. */
  reorder?: number;
  /** Hold-back delay of reordered datagrams, ms. Default 2 × latency + 10. */
  reorderDelayMs?: number;
  /** Bandwidth cap, bytes per second; datagrams queue behind each other. Default unlimited. */
  bandwidthBytesPerSecond?: number;
  /** With a bandwidth cap, a datagram that would wait longer than this in the queue is dropped, ms. Default 1000. */
  maxQueueDelayMs?: number;
  /** When true, every datagram is dropped (a blackholed path). Default false. */
  down?: boolean;
}

/** What a {@link SimulatedPath} did so far. */
export interface SimulatedPathStats {
  /** Datagrams handed to `send`. */
  sent: number;
  /** Datagrams that came out of `deliver` (duplicates count twice). */
  delivered: number;
  /** Datagrams dropped (random loss, a down path, or a full bandwidth queue). */
  lost: number;
  /** Datagrams sent twice. */
  duplicated: number;
  /** Datagrams held back to be overtaken. */
  reordered: number;
  /** Bytes delivered. */
  bytesDelivered: number;
}

/**
 * One direction of a simulated network path: datagrams go in with
 * {@link send} and come out of {@link deliver} once their (seeded, random)
 * arrival time has passed. Deterministic for a given seed and call sequence.
 */
export class SimulatedPath {
  /** Counters since creation. */
  readonly stats: SimulatedPathStats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    bytesDelivered: 0,
  };
  private conditions: Required<PathConditions>;
  private readonly random: Prng;
  private readonly queue = new ArrivalQueue();
  private order = 0;
  private linkFreeAt = 0;

  constructor(conditions: PathConditions = {}, seed = 1) {
    this.conditions = resolve(conditions);
    this.random = new Prng(seed);
  }

  /** Changes the conditions for datagrams sent from now on (in-flight ones keep their arrival time). */
  setConditions(conditions: PathConditions): void {
    this.conditions = resolve(conditions);
  }

  /** Datagrams in flight. */
  get inFlight(): number {
    return this.queue.size;
  }

  /** Hands a datagram to the path at time `now` (ms). The bytes are copied. */
  send(datagram: Uint8Array, now: number): void {
    const c = this.conditions;
    const random = this.random;
    this.stats.sent++;
    if (c.down || random.chance(c.loss)) {
      this.stats.lost++;
      return;
    }
    let departure = now;
    if (Number.isFinite(c.bandwidthBytesPerSecond)) {
      const start = Math.max(now, this.linkFreeAt);
      if (start - now > c.maxQueueDelayMs) {
        this.stats.lost++;
        return;
      }
      departure = start + (datagram.length * 1000) / c.bandwidthBytesPerSecond;
      this.linkFreeAt = departure;
    }
    const copies = random.chance(c.duplicate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let copy = 0; copy < copies; copy++) {
      let at = departure + c.latencyMs + random.next() * c.jitterMs;
      if (random.chance(c.reorder)) {
        at += c.reorderDelayMs;
        this.stats.reordered++;
      }
      this.queue.push({ at, order: this.order++, datagram: datagram.slice() });
    }
  }

  /** Removes and returns every datagram that has arrived by `now`, in arrival order. */
  deliver(now: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    while (this.queue.peekTime() <= now) {
      const arrival = this.queue.pop()!;
      out.push(arrival.datagram);
      this.stats.delivered++;
      this.stats.bytesDelivered += arrival.datagram.length;
    }
    return out;
  }

  /** Time of the next arrival, or Infinity. */
  nextArrival(): number {
    return this.queue.peekTime();
  }
}

function resolve(conditions: PathConditions): Required<PathConditions> {
  const latencyMs = conditions.latencyMs ?? 0;
  return {
    latencyMs,
    jitterMs: conditions.jitterMs ?? 0,
    loss: conditions.loss ?? 0,
    duplicate: conditions.duplicate ?? 0,
    reorder: conditions.reorder ?? 0,
    reorderDelayMs: conditions.reorderDelayMs ?? 2 * latencyMs + 10,
    bandwidthBytesPerSecond: conditions.bandwidthBytesPerSecond ?? Number.POSITIVE_INFINITY,
    maxQueueDelayMs: conditions.maxQueueDelayMs ?? 1000,
    down: conditions.down ?? false,
  };
}
