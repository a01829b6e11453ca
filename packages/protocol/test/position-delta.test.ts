import { describe, expect, it } from 'vitest';
import {
  createPositionCodec,
  type DecodedSnapshot,
  type EntityState,
  type PositionCodec,
  type PositionCodecOptions,
} from '../src/codecs/position/index.js';
import { MalformedInputError, MissingBaselineError } from '../src/errors.js';
import { Prng } from '../src/testing/index.js';

/** Seeded PRNG (the simulator's mulberry32) as a function. */
function prng(seed: number): () => number {
  const random = new Prng(seed);
  return () => random.next();
}

/** What the decoder must output for `entities`: the same formulas as the spec, computed independently. */
function quantizedTruth(codec: PositionCodec, entities: readonly EntityState[]): EntityState[] {
  const { bounds, resolution, yaw, velocity, dimensions } = codec.options;
  const axis = (value: number, i: number): number =>
    bounds.min[i]! + Math.round((value - bounds.min[i]!) / resolution) * resolution;
  const speed = (value: number): number => {
    if (!velocity) return 0;
    return -velocity.max + Math.round((value + velocity.max) / velocity.resolution) * velocity.resolution;
  };
  return [...entities]
    .sort((a, b) => a.id - b.id)
    .map((e) => {
      const out: EntityState = { id: e.id, x: axis(e.x, 0), y: axis(e.y, 1) };
      if (dimensions === 3) out.z = axis(e.z!, 2);
      if (yaw) {
        const step = (2 * Math.PI) / 2 ** yaw.bits;
        let wrapped = e.yaw! % (2 * Math.PI);
        if (wrapped < 0) wrapped += 2 * Math.PI;
        out.yaw = (Math.round(wrapped / step) % 2 ** yaw.bits) * step;
      }
      if (velocity) {
        out.vx = speed(e.vx!);
        out.vy = speed(e.vy!);
        if (dimensions === 3) out.vz = speed(e.vz!);
      }
      return out;
    });
}

interface Mover {
  state: EntityState;
  heading: number;
  speed: number;
}

/** A little world: entities wander at 5–10 units/s, some appear, some vanish, some teleport. */
function createWorld(random: () => number, options: { velocity: boolean; initial: number }) {
  let nextId = 1;
  const movers = new Map<number, Mover>();
  const spawn = (): void => {
    const id = random() < 0.2 ? Math.floor(random() * 65536) : nextId++;
    if (movers.has(id)) return;
    movers.set(id, {
      state: {
        id,
        x: random() * 200 - 100,
        y: random() * 4,
        z: random() * 200 - 100,
        yaw: random() * 7,
        ...(options.velocity ? { vx: 0, vy: 0, vz: 0 } : {}),
      },
      heading: random() * 2 * Math.PI,
      speed: 5 + random() * 5,
    });
  };
  for (let i = 0; i < options.initial; i++) spawn();
  return {
    step(): EntityState[] {
      if (random() < 0.1) spawn();
      if (random() < 0.08 && movers.size > 0) {
        const ids = [...movers.keys()];
        movers.delete(ids[Math.floor(random() * ids.length)]!);
      }
      for (const mover of movers.values()) {
        const s = mover.state;
        if (random() < 0.05) continue; // standing still this tick
        mover.heading += (random() - 0.5) * 0.4;
        const clamp = (v: number): number => Math.max(-1024, Math.min(1024, v));
        if (random() < 0.002) {
          s.x = random() * 2000 - 1000; // teleport
        } else {
          s.x = clamp(s.x + (Math.cos(mover.heading) * mover.speed) / 30);
        }
        s.z = clamp(s.z! + (Math.sin(mover.heading) * mover.speed) / 30);
        if (random() < 0.1) s.y = clamp(s.y + (random() - 0.5));
        s.yaw = mover.heading;
        if (options.velocity) {
          s.vx = (Math.cos(mover.heading) * mover.speed) / 2;
          s.vy = 0;
          s.vz = (Math.sin(mover.heading) * mover.speed) / 2;
        }
      }
      // Hand the encoder copies in an arbitrary order.
      const list = [...movers.values()].map((m) => ({ ...m.state }));
      return random() < 0.5 ? list : list.reverse();
    },
  };
}

interface StreamStats {
  decoded: number;
  deltas: number;
  full: number;
  missing: number;
}

/**
 * Runs a lossy stream. Snapshots are lost with probability `loss`; acks are lost
 * with `ackLoss` and delayed 0–`ackDelay` ticks; with `reorder` snapshots are
 * delayed 0–3 ticks (out of order) and sometimes duplicated; `spuriousAck` acks
 * snapshots that were lost (a buggy peer) so that baselines go missing.
 */
function runStream(
  codecOptions: PositionCodecOptions,
  config: {
    seed: number;
    ticks: number;
    loss: number;
    ackLoss: number;
    ackDelay: number;
    reorder?: boolean;
    spuriousAck?: number;
  },
): StreamStats {
  const codec = createPositionCodec(codecOptions);
  const random = prng(config.seed);
  const world = createWorld(random, { velocity: codecOptions.velocity !== undefined, initial: 20 });
  const encoder = codec.createEncoder();
  const decoder = codec.createDecoder();
  const truth = new Map<number, EntityState[]>();
  const decodedAt = new Map<number, number>(); // sequence → arrival index when decoded
  let arrivals = 0;
  const inFlight: { due: number; bytes: Uint8Array; sequence: number }[] = [];
  const acks: { due: number; sequence: number }[] = [];
  const stats: StreamStats = { decoded: 0, deltas: 0, full: 0, missing: 0 };
  const history = codec.options.historySize;

  for (let tick = 0; tick < config.ticks; tick++) {
    const entities = world.step();
    const encoded = encoder.encode(entities);
    truth.set(encoded.sequence, quantizedTruth(codec, entities));
    if (encoded.baseline === null) stats.full++;
    else stats.deltas++;
    if (random() >= config.loss) {
      const delay = config.reorder ? Math.floor(random() * 4) : 0;
      inFlight.push({ due: tick + delay, bytes: encoded.bytes, sequence: encoded.sequence });
      if (config.reorder && random() < 0.05) {
        inFlight.push({
          due: tick + Math.floor(random() * 6),
          bytes: encoded.bytes,
          sequence: encoded.sequence,
        });
      }
    } else if (config.spuriousAck !== undefined && random() < config.spuriousAck) {
      acks.push({ due: tick, sequence: encoded.sequence });
    }

    // Deliver what is due, in arrival order.
    const due = inFlight.filter((p) => p.due <= tick);
    for (const packet of due) inFlight.splice(inFlight.indexOf(packet), 1);
    for (const packet of due) {
      let snapshot: DecodedSnapshot;
      try {
        snapshot = decoder.decode(packet.bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(MissingBaselineError);
        const baseline = (error as MissingBaselineError).baseline;
        const when = decodedAt.get(baseline);
        // Missing only if never decoded, or (out of order) evicted by `history` later arrivals.
        expect(when === undefined || arrivals - when >= history).toBe(true);
        stats.missing++;
        continue;
      }
      arrivals++;
      decodedAt.set(snapshot.sequence, arrivals);
      expect(snapshot.sequence).toBe(packet.sequence);
      expect(snapshot.entities).toEqual(truth.get(snapshot.sequence));
      stats.decoded++;
      if (random() >= config.ackLoss) {
        acks.push({ due: tick + Math.floor(random() * (config.ackDelay + 1)), sequence: snapshot.sequence });
      }
    }
    for (const ack of acks.filter((a) => a.due <= tick)) {
      acks.splice(acks.indexOf(ack), 1);
      encoder.acknowledge(ack.sequence);
    }
  }
  return stats;
}

describe('delta coding over an unreliable channel', () => {
  it('every accepted snapshot equals the quantized truth (1,000 snapshots, loss of snapshots and acks)', () => {
    for (const seed of [1, 2, 3]) {
      const stats = runStream({ yaw: true }, { seed, ticks: 1000, loss: 0.2, ackLoss: 0.3, ackDelay: 4 });
      expect(stats.deltas).toBeGreaterThan(900);
      expect(stats.missing).toBe(0);
      expect(stats.decoded).toBeGreaterThan(700);
    }
  });

  it('raises MissingBaselineError only for baselines never received (spurious acks of lost snapshots)', () => {
    const stats = runStream(
      { yaw: true, historySize: 8 },
      { seed: 11, ticks: 1000, loss: 0.3, ackLoss: 0.2, ackDelay: 2, spuriousAck: 0.5 },
    );
    expect(stats.missing).toBeGreaterThan(10);
    expect(stats.decoded).toBeGreaterThan(200);
  });

  it('survives reordering and duplication, 2D with velocity', () => {
    const stats = runStream(
      { dimensions: 2, yaw: { bits: 8 }, velocity: { max: 10, resolution: 1 / 32 } },
      { seed: 5, ticks: 1000, loss: 0.1, ackLoss: 0.1, ackDelay: 3, reorder: true },
    );
    expect(stats.decoded).toBeGreaterThan(850);
    expect(stats.deltas).toBeGreaterThan(900);
  });

  it('falls back to full snapshots when acks stop, and with historySize 1', () => {
    const stats = runStream({ historySize: 1 }, { seed: 9, ticks: 300, loss: 0.1, ackLoss: 0, ackDelay: 0 });
    expect(stats.missing).toBe(0);
    expect(stats.full).toBeGreaterThan(0);
    expect(stats.deltas).toBeGreaterThan(200);
  });
});

describe('sequences and baselines', () => {
  const codec = createPositionCodec({ yaw: true });
  const entity = (x: number): EntityState[] => [{ id: 4, x, y: 0, z: 1, yaw: 0 }];

  it('keeps delta coding across the 16-bit wrap-around', () => {
    const encoder = codec.createEncoder();
    const decoder = codec.createDecoder();
    let crossed = 0;
    let lastSequence = -1;
    let wrong = 0;
    for (let i = 0; i < 70_000; i++) {
      const x = ((i % 4000) - 2000) / 4;
      const encoded = encoder.encode(entity(x));
      if (encoded.sequence !== (i & 0xffff)) wrong++;
      if (i > 3 && encoded.baseline !== ((i - 3) & 0xffff)) wrong++;
      if (encoded.baseline !== null && encoded.baseline > encoded.sequence) crossed++;
      const decoded = decoder.decode(encoded.bytes);
      if (decoded.entities[0]!.x !== x || decoded.baseline !== encoded.baseline) wrong++;
      lastSequence = decoded.sequence;
      if (i >= 2) encoder.acknowledge((i - 2) & 0xffff); // acks arrive two snapshots late
    }
    expect(wrong).toBe(0);
    expect(lastSequence).toBe(69_999 & 0xffff);
    expect(crossed).toBe(3);
  });

  it('ignores acks older than historySize, unknown or duplicated acks', () => {
    const encoder = codec.createEncoder();
    for (let i = 0; i < 40; i++) encoder.encode(entity(i));
    encoder.acknowledge(0); // 40 snapshots ago: evicted
    encoder.acknowledge(500); // never sent
    encoder.acknowledge(-1);
    encoder.acknowledge(1.5);
    expect(encoder.encode(entity(0)).baseline).toBeNull();
    encoder.acknowledge(10); // 31 snapshots before the next one: still usable
    expect(encoder.encode(entity(0)).baseline).toBe(10);
    encoder.acknowledge(30);
    encoder.acknowledge(20); // older than the newest ack: ignored
    encoder.acknowledge(30);
    expect(encoder.encode(entity(0)).baseline).toBe(30);
  });

  it('reset on the encoder forces a full snapshot and forgets earlier acks', () => {
    const encoder = codec.createEncoder();
    const first = encoder.encode(entity(1));
    encoder.acknowledge(first.sequence);
    expect(encoder.encode(entity(2)).baseline).toBe(first.sequence);
    encoder.reset();
    const full = encoder.encode(entity(3));
    expect(full.baseline).toBeNull();
    expect(full.sequence).toBe(2); // sequences keep running
    encoder.acknowledge(first.sequence); // a late ack from before the reset
    expect(encoder.encode(entity(4)).baseline).toBeNull();
  });

  it('reset on the decoder forgets baselines', () => {
    const encoder = codec.createEncoder();
    const decoder = codec.createDecoder();
    const first = encoder.encode(entity(1));
    decoder.decode(first.bytes);
    encoder.acknowledge(first.sequence);
    const delta = encoder.encode(entity(2));
    decoder.reset();
    expect(() => decoder.decode(delta.bytes)).toThrow(MissingBaselineError);
    try {
      decoder.decode(delta.bytes);
    } catch (error) {
      expect((error as MissingBaselineError).baseline).toBe(first.sequence);
    }
  });

  it('decodes duplicates identically and old snapshots late', () => {
    const encoder = codec.createEncoder();
    const decoder = codec.createDecoder();
    const a = encoder.encode(entity(1));
    expect(decoder.decode(a.bytes).entities).toEqual(decoder.decode(a.bytes).entities);
    encoder.acknowledge(a.sequence);
    const b = encoder.encode(entity(2));
    const c = encoder.encode(entity(3));
    expect(decoder.decode(c.bytes).entities[0]!.x).toBe(3);
    expect(decoder.decode(b.bytes).entities[0]!.x).toBe(2);
  });

  it('is all-or-nothing: a bad datagram does not change the decoder', () => {
    const encoder = codec.createEncoder();
    const decoder = codec.createDecoder();
    const base = encoder.encode([...entity(1), { id: 9, x: 5, y: 5, z: 5, yaw: 1 }]);
    decoder.decode(base.bytes);
    encoder.acknowledge(base.sequence);
    const delta = encoder.encode(entity(2));
    // A corrupt datagram claiming the baseline's sequence (truncated) must not replace it.
    expect(() => decoder.decode(base.bytes.subarray(0, base.bytes.length - 1))).toThrow(MalformedInputError);
    // A truncated delta must not be stored either.
    expect(() => decoder.decode(delta.bytes.subarray(0, delta.bytes.length - 1))).toThrow(
      MalformedInputError,
    );
    expect(decoder.decode(delta.bytes).entities).toEqual([{ id: 4, x: 2, y: 0, z: 1, yaw: 0 }]);
    encoder.acknowledge(delta.sequence);
    const next = encoder.encode(entity(3));
    expect(next.baseline).toBe(delta.sequence);
    expect(decoder.decode(next.bytes).entities[0]!.x).toBe(3);
  });

  it('codes unchanged entities in about a bit each', () => {
    const encoder = codec.createEncoder();
    const many = Array.from({ length: 200 }, (_, i) => ({ id: i * 3, x: i, y: -i, z: i / 2, yaw: i / 10 }));
    const full = encoder.encode(many);
    encoder.acknowledge(full.sequence);
    const same = encoder.encode(many);
    expect(same.baseline).toBe(full.sequence);
    expect(same.bytes.length).toBe(3); // header, zero removed, zero changed, zero added
    const oneMoved = many.map((e) => (e.id === 300 ? { ...e, x: e.x + 0.1 } : e));
    expect(encoder.encode(oneMoved).bytes.length).toBeLessThanOrEqual(7);
  });
});
