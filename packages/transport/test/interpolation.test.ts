import { type EntityState, InvalidOptionError } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import {
  followPeerPath,
  type InterpolatorStats,
  lerpAngle,
  lerpEntities,
  lerpNumber,
  type PathChangeListener,
  type PathSource,
  type PathUpdate,
  type PeerStats,
  SnapshotInterpolator,
  type SnapshotInterpolatorOptions,
  UnknownPeerError,
} from '../src/index.js';

/** One stretch of network: latency and uniform jitter of a path; `outage` drops everything. */
interface Phase {
  fromMs: number;
  path: 'relay' | 'direct';
  latencyMs: number;
  jitterMs: number;
  outage?: boolean;
}

interface Frame {
  t: number;
  x: number | undefined;
  stats: InterpolatorStats;
}

const SPEED = 0.2; // world units per ms: 200 per second
const FRAME_MS = 1000 / 60;
const SEND_MS = 50;

/** A seeded PRNG (mulberry32), so every run sees the same jitter. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A sender moving at constant speed sends its position every 50 ms over the
 * given phases; the receiver gets them in order (an unreliable-sequenced
 * channel drops stale ones), tells the interpolator the path as the room
 * would, and samples it at 60 fps.
 */
function simulate(
  phases: Phase[],
  durationMs: number,
  options: {
    senderClock?: boolean;
    seed?: number;
    interpolator?: Partial<SnapshotInterpolatorOptions<number>>;
  } = {},
): { frames: Frame[]; interpolator: SnapshotInterpolator<number> } {
  const random = prng(options.seed ?? 1);
  const phaseAt = (t: number): Phase => phases.filter((phase) => phase.fromMs <= t).at(-1)!;
  const arrivals: { sentAt: number; arrivedAt: number }[] = [];
  for (let sentAt = 0; sentAt < durationMs; sentAt += SEND_MS) {
    const phase = phaseAt(sentAt);
    if (phase.outage) continue;
    arrivals.push({ sentAt, arrivedAt: sentAt + phase.latencyMs + random() * phase.jitterMs });
  }
  arrivals.sort((a, b) => a.arrivedAt - b.arrivedAt);
  const interpolator = new SnapshotInterpolator<number>({ lerp: lerpNumber, ...options.interpolator });
  const frames: Frame[] = [];
  let next = 0;
  let newestSent = -1;
  let path: string | undefined;
  for (let t = 0; t < durationMs; t += FRAME_MS) {
    // The room reports the path as the sender switches (before the first datagram on the new path).
    const phase = phaseAt(t);
    if (phase.path !== path) {
      path = phase.path;
      interpolator.updatePath({ path, jitterMs: phase.jitterMs / 3 });
    }
    for (; next < arrivals.length && arrivals[next]!.arrivedAt <= t; next++) {
      const { sentAt, arrivedAt } = arrivals[next]!;
      if (sentAt < newestSent) continue; // stale: the sequenced channel drops it
      newestSent = sentAt;
      interpolator.push(sentAt * SPEED, arrivedAt, options.senderClock ? sentAt + 1e6 : undefined);
    }
    frames.push({ t, x: interpolator.sample(t), stats: interpolator.stats() });
  }
  return { frames, interpolator };
}

/** Per-frame movement of the drawn position (after it first appears). */
const steps = (frames: Frame[], from = 0, to = Number.POSITIVE_INFINITY): number[] => {
  const drawn = frames.filter((frame) => frame.x !== undefined && frame.t >= from && frame.t < to);
  return drawn.slice(1).map((frame, i) => frame.x! - drawn[i]!.x!);
};

const meanDelay = (frames: Frame[], from: number, to: number): number => {
  const window = frames.filter((frame) => frame.t >= from && frame.t < to);
  return window.reduce((sum, frame) => sum + frame.stats.delayMs, 0) / window.length;
};

const meanLag = (frames: Frame[], from: number, to: number): number => {
  const window = frames.filter((frame) => frame.t >= from && frame.t < to);
  return window.reduce((sum, frame) => sum + frame.t - frame.x! / SPEED, 0) / window.length;
};

const NOMINAL_STEP = SPEED * FRAME_MS;
// The relay's latency drops by less than one send interval when going direct: no snapshot is
// overtaken (and dropped as stale) at the switch — see the sender-clock test for larger drops.
const RELAY: Omit<Phase, 'fromMs'> = { path: 'relay', latencyMs: 35, jitterMs: 12 };
const DIRECT: Omit<Phase, 'fromMs'> = { path: 'direct', latencyMs: 8, jitterMs: 3 };

describe('SnapshotInterpolator', () => {
  it('does not snap when the peer moves from relay to direct: the delay shrinks smoothly', () => {
    const { frames } = simulate(
      [
        { fromMs: 0, ...RELAY },
        { fromMs: 3000, ...DIRECT },
      ],
      7000,
    );
    const moves = steps(frames, 1000);
    // The render clock runs at most 10% fast; the rebuilt timeline adds a few % of interval noise.
    expect(Math.max(...moves)).toBeLessThan(NOMINAL_STEP * 1.25);
    expect(Math.min(...moves)).toBeGreaterThan(NOMINAL_STEP * 0.5);
    // How far behind the sender the drawn ship is: the network's latency plus the render delay.
    const before = meanLag(frames, 2000, 3000);
    const after = meanLag(frames, 6000, 7000);
    expect(after).toBeLessThan(before - 30);
    // Smoothly: the render clock runs at most 10% fast, so the lag shrinks over hundreds of ms.
    expect(meanLag(frames, 3100, 3300)).toBeGreaterThan(after + 15);
    expect(meanDelay(frames, 6000, 7000)).toBeLessThan(meanDelay(frames, 2000, 3000));
    console.log(
      `relay → direct: lag behind the sender ${before.toFixed(0)} → ${after.toFixed(0)} ms; largest frame step ${(Math.max(...moves) / NOMINAL_STEP).toFixed(2)}× nominal`,
    );
  });

  it('would snap with raw arrival times (the contrast that motivates the rebuilt timeline)', () => {
    // The same network, played back naively: arrival timestamps, a fixed 100 ms delay.
    const random = prng(1);
    const arrivals: [number, number][] = [];
    for (let sentAt = 0; sentAt < 7000; sentAt += SEND_MS) {
      const link = sentAt < 3000 ? RELAY : DIRECT;
      arrivals.push([sentAt + link.latencyMs + random() * link.jitterMs, sentAt * SPEED]);
    }
    arrivals.sort((a, b) => a[0] - b[0]);
    const at = (t: number): number => {
      const i = arrivals.findIndex(([arrivedAt]) => arrivedAt > t);
      const [t0, x0] = arrivals[i - 1]!;
      const [t1, x1] = arrivals[i]!;
      return x0 + ((x1 - x0) * (t - t0)) / (t1 - t0);
    };
    let largest = 0;
    for (let t = 1000; t < 6000; t += FRAME_MS) largest = Math.max(largest, at(t) - at(t - FRAME_MS));
    expect(largest).toBeGreaterThan(NOMINAL_STEP * 1.8);
  });

  it('grows the delay at once when the peer falls back to the relay, before motion stutters', () => {
    const { frames } = simulate(
      [
        { fromMs: 0, ...RELAY },
        { fromMs: 2000, ...DIRECT },
        { fromMs: 5000, ...RELAY },
      ],
      8000,
    );
    const atFallback = frames.find((frame) => frame.t >= 5000 && frame.stats.path === 'relay')!;
    const justBefore = frames[frames.indexOf(atFallback) - 1]!;
    // The relay's jitter was remembered: the target rises with the path change itself.
    const relayTarget = frames.find((frame) => frame.t >= 1900)!.stats.targetDelayMs;
    expect(atFallback.stats.targetDelayMs).toBeGreaterThan(justBefore.stats.targetDelayMs + 5);
    expect(atFallback.stats.targetDelayMs).toBeGreaterThan(relayTarget - 3);
    const window = frames.filter((frame) => frame.t >= 4500 && frame.t < 6500);
    // The paths' latency difference arrives as a stall the delay cannot fully cover at once;
    // extrapolation bridges it for a frame or two, and the delay has grown before the next one.
    const extrapolated = window.filter((frame) => frame.stats.extrapolating).map((frame) => frame.t);
    expect(extrapolated.length).toBeLessThanOrEqual(3);
    expect(extrapolated.every((t) => t < 5200)).toBe(true);
    const moves = steps(frames, 4500, 6500);
    expect(Math.min(...moves)).toBeGreaterThan(NOMINAL_STEP * 0.5); // never frozen
    expect(Math.max(...moves)).toBeLessThan(NOMINAL_STEP * 1.25); // never jumping
    expect(meanLag(frames, 7000, 8000)).toBeGreaterThan(meanLag(frames, 4000, 5000) + 20);
  });

  it('keeps its delay within [min, max] under heavy jitter', () => {
    const { frames } = simulate([{ fromMs: 0, path: 'relay', latencyMs: 50, jitterMs: 900 }], 20_000, {
      interpolator: { minDelayMs: 30, maxDelayMs: 250 },
    });
    for (const frame of frames.filter((f) => f.x !== undefined)) {
      expect(frame.stats.delayMs).toBeLessThanOrEqual(250 + 1e-9);
      expect(frame.stats.targetDelayMs).toBeGreaterThanOrEqual(30);
      expect(frame.stats.targetDelayMs).toBeLessThanOrEqual(250);
    }
    expect(Math.max(...frames.map((frame) => frame.stats.targetDelayMs))).toBe(250);
  });

  it('caps extrapolation when snapshots stop, then glides on from where it is drawn', () => {
    const { frames, interpolator } = simulate(
      [
        { fromMs: 0, ...DIRECT },
        { fromMs: 2000, ...DIRECT, outage: true },
        { fromMs: 3400, ...RELAY },
      ],
      5000,
    );
    const lastSent = 1950 * SPEED;
    const held = frames.filter((frame) => frame.t > 2600 && frame.t < 3400);
    const cap = 100 * SPEED; // default maxExtrapolationMs
    for (const frame of held) {
      // (The cap is in time; the rebuilt timeline's interval is within a few % of the true one.)
      expect(frame.x!).toBeLessThanOrEqual(lastSent + cap * 1.1);
      expect(frame.stats.extrapolating).toBe(true);
    }
    expect(held.at(-1)!.x).toBe(held[0]!.x); // held, not drifting away
    const resumed = steps(frames, 3400, 5000);
    expect(Math.min(...resumed)).toBeGreaterThanOrEqual(0); // no jump back
    const end = frames.at(-1)!;
    // Back on track: drawn where the sender was one latency plus one delay ago (within a frame or two).
    const expected = (end.t - RELAY.latencyMs - end.stats.delayMs) * SPEED;
    expect(Math.abs(end.x! - expected)).toBeLessThan(RELAY.jitterMs * SPEED);
    expect(interpolator.stats().path).toBe('relay');
  });

  it('uses the sender clock when given one (any offset): smooth even when the switch drops a stale snapshot', () => {
    // Latency drops by more than a send interval: the first direct snapshot overtakes the last relay one.
    const { frames } = simulate(
      [
        { fromMs: 0, path: 'relay', latencyMs: 90, jitterMs: 30 },
        { fromMs: 3000, ...DIRECT },
      ],
      6000,
      { senderClock: true, seed: 7 },
    );
    const moves = steps(frames, 1000);
    expect(Math.max(...moves)).toBeLessThan(NOMINAL_STEP * 1.15);
    expect(Math.min(...moves)).toBeGreaterThan(NOMINAL_STEP * 0.7);
  });

  it('renders nothing before the first snapshot and the first state until the delay has passed', () => {
    const interpolator = new SnapshotInterpolator<number>({ lerp: lerpNumber });
    expect(interpolator.sample(0)).toBeUndefined();
    interpolator.push(5, 10);
    expect(interpolator.sample(10)).toBe(5);
    interpolator.push(6, 60);
    expect(interpolator.sample(60)).toBe(5);
    expect(interpolator.sample(200)).toBeGreaterThan(5);
  });

  it('refuses options out of range', () => {
    expect(() => new SnapshotInterpolator({ lerp: lerpNumber, maxSlowdown: 1 })).toThrow(InvalidOptionError);
    expect(() => new SnapshotInterpolator({ lerp: lerpNumber, minDelayMs: 100, maxDelayMs: 50 })).toThrow(
      InvalidOptionError,
    );
  });
});

describe('lerp helpers', () => {
  it('blends angles along the shorter arc', () => {
    expect(lerpAngle(0.1, 2 * Math.PI - 0.1, 0.5)).toBeCloseTo(0, 10);
    expect(lerpAngle(1, 2, 0.5)).toBeCloseTo(1.5, 10);
  });

  it('blends entity snapshots by id: spawned ones appear, despawned ones go', () => {
    const from: EntityState[] = [
      { id: 1, x: 0, y: 0, yaw: 6.2 },
      { id: 2, x: 5, y: 5 },
    ];
    const to: EntityState[] = [
      { id: 1, x: 10, y: 20, yaw: 0.1 },
      { id: 3, x: 7, y: 7 },
    ];
    const mid = lerpEntities(from, to, 0.5);
    expect(mid.map((entity) => entity.id)).toEqual([1, 3]);
    expect(mid[0]).toMatchObject({ x: 5, y: 10 });
    expect(Math.abs(mid[0]!.yaw! - 6.2) < 0.2 || mid[0]!.yaw! < 0.2).toBe(true);
    expect(mid[1]).toEqual({ id: 3, x: 7, y: 7 });
  });
});

describe('followPeerPath', () => {
  const stats = (path: 'relay' | 'direct', rttSamples: number): PeerStats =>
    ({
      path,
      session: { rttSamples, jitterMs: 4, rttVarianceMs: 10 },
    }) as unknown as PeerStats;

  it('passes path changes on at once, with the path jitter once there are enough RTT samples', () => {
    let current = stats('relay', 20);
    let listener: PathChangeListener | undefined;
    let gone = false;
    const room: PathSource = {
      stats: (peerId) => {
        if (gone) throw new UnknownPeerError(`no peer ${peerId}`);
        return current;
      },
      on: (_event, fn) => {
        listener = fn;
      },
      off: () => {
        listener = undefined;
      },
    };
    const updates: PathUpdate[] = [];
    const stop = followPeerPath(
      room,
      'p1',
      { updatePath: (update) => updates.push(update) },
      { pollMs: 10_000 },
    );
    expect(updates).toEqual([{ path: 'relay', jitterMs: 5 }]); // RTTVAR 10 / 2
    current = stats('direct', 2);
    listener!({ peer: { id: 'p2' } as never, to: 'direct' });
    expect(updates).toHaveLength(1); // another peer
    listener!({ peer: { id: 'p1' } as never, to: 'direct' });
    expect(updates.at(-1)).toEqual({ path: 'direct', jitterMs: undefined });
    gone = true;
    listener!({ peer: { id: 'p1' } as never, to: 'relay' });
    expect(listener).toBeUndefined(); // stopped by itself when the peer left
    stop();
  });
});
