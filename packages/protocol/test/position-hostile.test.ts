import { describe, expect, it } from 'vitest';
import {
  createPositionCodec,
  type EntityState,
  type PositionCodecOptions,
} from '../src/codecs/position/index.js';
import { InvalidMessageError, MalformedInputError, MissingBaselineError } from '../src/errors.js';
import { Prng } from '../src/testing/index.js';

/** Seeded PRNG (the simulator's mulberry32) as a function. */
function prng(seed: number): () => number {
  const random = new Prng(seed);
  return () => random.next();
}

function isTyped(error: unknown): boolean {
  return (
    error instanceof MalformedInputError ||
    error instanceof MissingBaselineError ||
    error instanceof InvalidMessageError
  );
}

/** A snapshot inside the default bounds, or inside 0..10 when `small`. */
function snapshotOf(random: () => number, count: number, tick: number, small = false): EntityState[] {
  const scale = small ? 4 : 100;
  const center = small ? 5 : 0;
  return Array.from({ length: count }, (_, i) => ({
    id: i * 3 + (i % 3),
    x: center + Math.sin(i + tick / 10) * scale,
    y: random() < 0.1 ? center + random() * scale : center,
    z: center + Math.cos(i + tick / 7) * scale,
    yaw: tick / 20 + i,
    vx: Math.sin(tick) * 5,
    vy: 0,
    vz: Math.cos(tick) * 5,
  }));
}

function fuzz(options: PositionCodecOptions, seed: number, iterations: number): Record<string, number> {
  const codec = createPositionCodec(options);
  const small = options.bounds !== undefined;
  const random = prng(seed);
  const encoder = codec.createEncoder();
  const decoder = codec.createDecoder();
  // A corpus of valid encodings: full snapshots and deltas whose baselines the decoder holds.
  const corpus: Uint8Array[] = [];
  for (let tick = 0; tick < 64; tick++) {
    const count = 1 + Math.floor(random() * 12);
    const encoded = encoder.encode(snapshotOf(random, count, tick, small));
    decoder.decode(encoded.bytes);
    encoder.acknowledge(encoded.sequence);
    corpus.push(encoded.bytes);
  }
  const outcomes: Record<string, number> = {
    ok: 0,
    MalformedInputError: 0,
    InvalidMessageError: 0,
    MissingBaselineError: 0,
  };
  for (let i = 0; i < iterations; i++) {
    const source = corpus[Math.floor(random() * corpus.length)]!;
    let input: Uint8Array;
    const mode = random();
    if (mode < 0.15) {
      input = new Uint8Array(Math.floor(random() * 40));
      for (let j = 0; j < input.length; j++) input[j] = Math.floor(random() * 256);
    } else if (mode < 0.55) {
      input = source.slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) {
        const bit = Math.floor(random() * input.length * 8);
        input[bit >> 3]! ^= 0x80 >> (bit & 7);
      }
    } else if (mode < 0.75) {
      input = source.slice(0, Math.floor(random() * source.length));
    } else if (mode < 0.9) {
      const extra = 1 + Math.floor(random() * 4);
      input = new Uint8Array(source.length + extra);
      input.set(source);
      for (let j = source.length; j < input.length; j++) input[j] = Math.floor(random() * 256);
    } else {
      // Keep the header, randomize the body.
      input = source.slice();
      for (let j = 3; j < input.length; j++) if (random() < 0.3) input[j] = Math.floor(random() * 256);
    }
    try {
      decoder.decode(input);
      outcomes.ok!++;
    } catch (error) {
      if (!isTyped(error)) throw error;
      outcomes[(error as Error).name]!++;
    }
  }
  // The decoder still decodes a valid stream afterwards.
  const fresh = codec.createEncoder();
  for (let tick = 0; tick < 50; tick++) {
    const entities = snapshotOf(random, 5, tick, small);
    const encoded = fresh.encode(entities);
    const decoded = decoder.decode(encoded.bytes);
    expect(decoded.sequence).toBe(encoded.sequence);
    expect(decoded.entities).toEqual(
      codec.createDecoder().decode(codec.createEncoder().encode(entities).bytes).entities,
    );
    fresh.acknowledge(encoded.sequence);
    if (tick > 0) expect(encoded.baseline).not.toBeNull();
  }
  return outcomes;
}

describe('hostile input', () => {
  it('120,000 random and mutated datagrams (3D + yaw + velocity): only typed errors', () => {
    const outcomes = fuzz(
      { yaw: true, velocity: { max: 10, resolution: 1 / 64 }, maxEntities: 32 },
      42,
      120_000,
    );
    expect(outcomes.MalformedInputError).toBeGreaterThan(1000);
    expect(outcomes.InvalidMessageError).toBeGreaterThan(100);
    expect(outcomes.MissingBaselineError).toBeGreaterThan(100);
    expect(outcomes.ok).toBeGreaterThan(100);
  });

  it('30,000 datagrams with 2D, small bounds and limits', () => {
    fuzz(
      {
        dimensions: 2,
        bounds: { min: [0, 0], max: [10, 10] },
        resolution: 0.5,
        maxEntities: 16,
        maxEntityId: 40,
      },
      7,
      30_000,
    );
  });

  it('rejects non-Uint8Array input with MalformedInputError', () => {
    const decoder = createPositionCodec().createDecoder();
    expect(() => decoder.decode('hello' as unknown as Uint8Array)).toThrow(MalformedInputError);
    expect(() => decoder.decode(new Uint8Array(0))).toThrow(MalformedInputError);
  });

  it('rejects more than maxEntities and ids above maxEntityId with InvalidMessageError', () => {
    const big = createPositionCodec({ maxEntities: 10, maxEntityId: 100000 });
    const small = createPositionCodec({ maxEntities: 5, maxEntityId: 50 });
    const many = Array.from({ length: 6 }, (_, id) => ({ id, x: 0, y: 0, z: 0 }));
    expect(() => small.createDecoder().decode(big.createEncoder().encode(many).bytes)).toThrow(
      InvalidMessageError,
    );
    const far = [{ id: 51, x: 0, y: 0, z: 0 }];
    expect(() => small.createDecoder().decode(big.createEncoder().encode(far).bytes)).toThrow(
      InvalidMessageError,
    );
  });
});
