import { type PathConditions, SimulatedPath } from './simulated-path.js';

/** Options of a {@link LinkSimulator}. */
export interface LinkSimulatorOptions<PathName extends string> {
  /** Named paths and their conditions (applied in both directions), e.g. `{ relay: {...}, direct: {...} }`. */
  paths: Record<PathName, PathConditions>;
  /** Path that carries traffic at first. */
  active: NoInfer<PathName>;
  /** Seed of every random choice; the same seed replays the same run. Default 1. */
  seed?: number;
}

/** The two ends of a simulated link. */
export type LinkEnd = 'a' | 'b';

/**
 * A duplex link between two endpoints `a` and `b` over one or more named
 * paths (say a slow relay and a fast direct path). Sends go over the active
 * path; {@link switchTo} moves new traffic to another path mid-stream while
 * datagrams already in flight on the old one still arrive — exactly the
 * situation a relay → direct switch creates. Deterministic for a seed.
 *
 * @example
 * ```ts
 * const link = new LinkSimulator({
 *   paths: { relay: { latencyMs: 40, jitterMs: 10 }, direct: { latencyMs: 10, loss: 0.05 } },
 *   active: 'relay',
 *   seed: 7,
 * });
 * link.send('a', datagram, now);
 * for (const d of link.deliver('b', now + 50)) session.receive(d, now + 50);
 * link.switchTo('direct');
 * ```
 */
export class LinkSimulator<PathName extends string = string> {
  private readonly directions = new Map<string, SimulatedPath>();
  private activePath: PathName;

  constructor(options: LinkSimulatorOptions<PathName>) {
    const seed = options.seed ?? 1;
    let salt = 0;
    for (const [name, conditions] of Object.entries(options.paths) as [PathName, PathConditions][]) {
      this.directions.set(key(name, 'a'), new SimulatedPath(conditions, mix(seed, ++salt)));
      this.directions.set(key(name, 'b'), new SimulatedPath(conditions, mix(seed, ++salt)));
    }
    this.activePath = options.active;
    this.path(options.active, 'a');
  }

  /** The path new datagrams take. */
  get active(): PathName {
    return this.activePath;
  }

  /** Sends new datagrams over `path` from now on. */
  switchTo(path: PathName): void {
    this.path(path, 'a');
    this.activePath = path;
  }

  /**
   * Changes the conditions of a path in both directions, or only of the
   * datagrams sent `from` one end (a one-way stall: acks stop in one
   * direction while data still flows in the other).
   */
  setConditions(path: PathName, conditions: PathConditions, from?: LinkEnd): void {
    if (from !== 'b') this.path(path, 'a').setConditions(conditions);
    if (from !== 'a') this.path(path, 'b').setConditions(conditions);
  }

  /** Sends a datagram from endpoint `from` over the active path. */
  send(from: LinkEnd, datagram: Uint8Array, now: number): void {
    this.path(this.activePath, from).send(datagram, now);
  }

  /** Datagrams that reached endpoint `to` by `now`, from every path, in arrival order per path. */
  deliver(to: LinkEnd, now: number): Uint8Array[] {
    const from: LinkEnd = to === 'a' ? 'b' : 'a';
    const out: Uint8Array[] = [];
    for (const [name, direction] of this.directions) {
      if (name.endsWith(`:${from}`)) for (const datagram of direction.deliver(now)) out.push(datagram);
    }
    return out;
  }

  /** Earliest pending arrival at any endpoint, or Infinity. */
  nextArrival(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const direction of this.directions.values()) next = Math.min(next, direction.nextArrival());
    return next;
  }

  /** The one-direction path object (for its stats), e.g. `path('relay', 'a')` carries a → b. */
  path(name: PathName, from: LinkEnd): SimulatedPath {
    const direction = this.directions.get(key(name, from));
    if (direction === undefined) throw new RangeError(`unknown path "${name}"`);
    return direction;
  }
}

function key(name: string, from: LinkEnd): string {
  return `${name}:${from}`;
}

function mix(seed: number, salt: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(salt, 0xc2b2ae35)) >>> 0;
}
