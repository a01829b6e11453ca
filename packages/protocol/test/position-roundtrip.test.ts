import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createPositionCodec,
  type EntityState,
  type PositionCodecOptions,
} from '../src/codecs/position/index.js';
import { InvalidMessageError, InvalidOptionError } from '../src/errors.js';

const EPSILON = 1e-9;

/** Circular distance between two angles, in radians. */
function angleError(a: number, b: number): number {
  const turn = 2 * Math.PI;
  const d = (((a - b) % turn) + turn) % turn;
  return Math.min(d, turn - d);
}

interface Variant {
  name: string;
  options: PositionCodecOptions;
}

const variants: Variant[] = [
  { name: '3D defaults', options: {} },
  { name: '2D', options: { dimensions: 2 } },
  { name: '3D + yaw', options: { yaw: true } },
  {
    name: '2D + yaw(6 bits) + velocity',
    options: { dimensions: 2, yaw: { bits: 6 }, velocity: { max: 20, resolution: 1 / 64 } },
  },
  {
    name: '3D + yaw + velocity, odd bounds and resolution',
    options: {
      bounds: { min: [-10, 0, 5], max: [10.3, 1000, 5.7] },
      resolution: 0.03,
      yaw: { bits: 16 },
      velocity: { max: 7.5, resolution: 0.1 },
    },
  },
];

function entityArbitrary(options: PositionCodecOptions): fc.Arbitrary<EntityState> {
  const dims = options.dimensions ?? 3;
  const min = options.bounds?.min ?? [-1024, -1024, -1024];
  const max = options.bounds?.max ?? [1024, 1024, 1024];
  const axis = (i: number): fc.Arbitrary<number> =>
    fc.oneof(
      fc.double({ min: min[i]!, max: max[i]!, noNaN: true }),
      fc.constantFrom(min[i]!, max[i]!, (min[i]! + max[i]!) / 2),
    );
  const vmax = options.velocity ? options.velocity.max : 0;
  const velocity = fc.double({ min: -vmax, max: vmax, noNaN: true });
  return fc.record({
    id: fc.integer({ min: 0, max: 65535 }),
    x: axis(0),
    y: axis(1),
    z: dims === 3 ? axis(2) : fc.constant(undefined),
    yaw: options.yaw ? fc.double({ min: -100, max: 100, noNaN: true }) : fc.constant(undefined),
    vx: options.velocity ? velocity : fc.constant(undefined),
    vy: options.velocity ? velocity : fc.constant(undefined),
    vz: options.velocity && dims === 3 ? velocity : fc.constant(undefined),
  }) as fc.Arbitrary<EntityState>;
}

describe('position codec round trip', () => {
  for (const variant of variants) {
    it(`keeps every value within half a step (${variant.name})`, () => {
      const codec = createPositionCodec(variant.options);
      const { resolution } = codec.options;
      const yawStep = codec.options.yaw ? (2 * Math.PI) / 2 ** codec.options.yaw.bits : 0;
      const velocityStep = codec.options.velocity ? codec.options.velocity.resolution : 0;
      fc.assert(
        fc.property(
          fc.uniqueArray(entityArbitrary(variant.options), { selector: (e) => e.id, maxLength: 40 }),
          (entities) => {
            const encoder = codec.createEncoder();
            const decoder = codec.createDecoder();
            // A full snapshot, then a delta against it (an entity subset, shuffled).
            const first = encoder.encode(entities);
            const decoded = decoder.decode(first.bytes);
            encoder.acknowledge(first.sequence);
            const second = encoder.encode([...entities].reverse().slice(1));
            expect(second.baseline).toBe(first.sequence);
            const decodedSecond = decoder.decode(second.bytes);
            for (const [source, result] of [
              [entities, decoded.entities],
              [entities.slice(0, -1), decodedSecond.entities],
            ] as const) {
              const sorted = [...source].sort((a, b) => a.id - b.id);
              expect(result.map((e) => e.id)).toEqual(sorted.map((e) => e.id));
              sorted.forEach((original, i) => {
                const out = result[i]!;
                expect(Math.abs(out.x - original.x)).toBeLessThanOrEqual(resolution / 2 + EPSILON);
                expect(Math.abs(out.y - original.y)).toBeLessThanOrEqual(resolution / 2 + EPSILON);
                if (codec.options.dimensions === 3) {
                  expect(Math.abs(out.z! - original.z!)).toBeLessThanOrEqual(resolution / 2 + EPSILON);
                } else {
                  expect(out.z).toBeUndefined();
                }
                if (codec.options.yaw) {
                  expect(out.yaw!).toBeGreaterThanOrEqual(0);
                  expect(out.yaw!).toBeLessThan(2 * Math.PI);
                  expect(angleError(out.yaw!, original.yaw!)).toBeLessThanOrEqual(yawStep / 2 + EPSILON);
                } else {
                  expect(out.yaw).toBeUndefined();
                }
                if (codec.options.velocity) {
                  expect(Math.abs(out.vx! - original.vx!)).toBeLessThanOrEqual(velocityStep / 2 + EPSILON);
                  expect(Math.abs(out.vy! - original.vy!)).toBeLessThanOrEqual(velocityStep / 2 + EPSILON);
                  if (codec.options.dimensions === 3) {
                    expect(Math.abs(out.vz! - original.vz!)).toBeLessThanOrEqual(velocityStep / 2 + EPSILON);
                  }
                } else {
                  expect(out.vx).toBeUndefined();
                }
              });
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('decoding a decoded snapshot again is exact (quantization is idempotent)', () => {
    const codec = createPositionCodec({ yaw: true, velocity: { max: 10, resolution: 0.01 } });
    fc.assert(
      fc.property(
        fc.uniqueArray(entityArbitrary(codec.options), { selector: (e) => e.id, maxLength: 10 }),
        (entities) => {
          const once = codec.createDecoder().decode(codec.createEncoder().encode(entities).bytes).entities;
          const twice = codec.createDecoder().decode(codec.createEncoder().encode(once).bytes).entities;
          expect(twice).toEqual(once);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('encoded bytes', () => {
  it('stay valid and unchanged after any number of later encodes', () => {
    const codec = createPositionCodec({ yaw: true });
    const encoder = codec.createEncoder();
    const kept: { bytes: Uint8Array; copy: number[] }[] = [];
    for (let tick = 0; tick < 400; tick++) {
      const count = 1 + (tick % 50);
      const entities = Array.from({ length: count }, (_, i) => ({
        id: i * 7,
        x: Math.sin(tick + i) * 500,
        y: 0,
        z: Math.cos(tick * 3 + i) * 500,
        yaw: tick / 10 + i,
      }));
      const { bytes, sequence } = encoder.encode(entities);
      kept.push({ bytes, copy: [...bytes] });
      if (tick % 3 === 0) encoder.acknowledge(sequence);
    }
    for (const { bytes, copy } of kept) expect([...bytes]).toEqual(copy);
  });
});

describe('byte targets', () => {
  it('one entity, 3D + yaw, full snapshot: at most 14 bytes', () => {
    const codec = createPositionCodec({ yaw: true });
    const worst = codec.createEncoder().encode([{ id: 255, x: -1023.3, y: 1024, z: 511.7, yaw: -2 }]);
    expect(worst.baseline).toBeNull();
    expect(worst.bytes.length).toBeLessThanOrEqual(14);
    const typical = codec.createEncoder().encode([{ id: 1, x: 12.5, y: 0, z: -40.2, yaw: 1 }]);
    expect(typical.bytes.length).toBeLessThanOrEqual(12);
  });

  it('32 entities all moving 5–10 units/s at 30 Hz: at most 6 bytes per entity per delta', () => {
    const codec = createPositionCodec({ yaw: true });
    let seed = 7;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const players = Array.from({ length: 32 }, (_, i) => ({
      id: i + 1,
      x: random() * 400 - 200,
      y: 2,
      z: random() * 400 - 200,
      heading: random() * 2 * Math.PI,
      speed: 5 + random() * 5,
    }));
    // Acks come back one and three snapshots late (RTT ≈ 33 ms and 100 ms).
    for (const lag of [1, 3]) {
      const encoder = codec.createEncoder();
      const decoder = codec.createDecoder();
      let bytes = 0;
      let deltas = 0;
      for (let tick = 0; tick < 300; tick++) {
        for (const p of players) {
          p.heading += (random() - 0.5) * 0.3;
          p.x = Math.max(-1000, Math.min(1000, p.x + (Math.cos(p.heading) * p.speed) / 30));
          p.z = Math.max(-1000, Math.min(1000, p.z + (Math.sin(p.heading) * p.speed) / 30));
        }
        const snapshot = encoder.encode(
          players.map((p) => ({ id: p.id, x: p.x, y: p.y, z: p.z, yaw: p.heading })),
        );
        decoder.decode(snapshot.bytes);
        if (snapshot.baseline !== null) {
          bytes += snapshot.bytes.length;
          deltas++;
        }
        if (tick >= lag - 1) encoder.acknowledge((snapshot.sequence - (lag - 1)) & 0xffff);
      }
      expect(deltas).toBeGreaterThan(290);
      expect(bytes / deltas / 32).toBeLessThanOrEqual(6);
    }
  });
});

describe('options', () => {
  it('fills in the documented defaults', () => {
    const { options } = createPositionCodec();
    expect(options).toEqual({
      dimensions: 3,
      bounds: { min: [-1024, -1024, -1024], max: [1024, 1024, 1024] },
      resolution: 1 / 512,
      yaw: false,
      velocity: false,
      maxEntities: 256,
      maxEntityId: 65535,
      historySize: 32,
    });
    expect(createPositionCodec({ yaw: true }).options.yaw).toEqual({ bits: 10 });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it.each<[string, PositionCodecOptions]>([
    ['dimensions 4', { dimensions: 4 as 3 }],
    ['bounds of the wrong length', { dimensions: 2 }],
    ['min not below max', { bounds: { min: [0, 0, 0], max: [1, 0, 1] } }],
    ['non-finite bounds', { bounds: { min: [0, 0, Number.NEGATIVE_INFINITY], max: [1, 1, 1] } }],
    ['zero resolution', { resolution: 0 }],
    ['NaN resolution', { resolution: Number.NaN }],
    ['more than 2^30 steps', { resolution: 1e-7 }],
    ['yaw bits 0', { yaw: { bits: 0 } }],
    ['yaw bits 25', { yaw: { bits: 25 } }],
    ['velocity max 0', { velocity: { max: 0, resolution: 1 } }],
    ['velocity resolution negative', { velocity: { max: 1, resolution: -1 } }],
    ['maxEntities 0', { maxEntities: 0 }],
    ['maxEntities fractional', { maxEntities: 1.5 }],
    ['maxEntityId negative', { maxEntityId: -1 }],
    ['historySize 0', { historySize: 0 }],
    ['historySize 5000', { historySize: 5000 }],
  ])('rejects %s with InvalidOptionError', (_name, options) => {
    const withBounds: PositionCodecOptions =
      _name === 'bounds of the wrong length'
        ? { ...options, bounds: { min: [0, 0, 0], max: [1, 1, 1] } }
        : options;
    expect(() => createPositionCodec(withBounds)).toThrow(InvalidOptionError);
  });
});

describe('encode validation', () => {
  const codec = createPositionCodec({ yaw: true, velocity: { max: 10, resolution: 0.1 }, maxEntities: 4 });
  const good: EntityState = { id: 3, x: 1, y: 2, z: 3, yaw: 0, vx: 0, vy: 1, vz: -1 };

  it.each<[string, unknown]>([
    ['a NaN coordinate', [{ ...good, x: Number.NaN }]],
    ['an infinite coordinate', [{ ...good, y: Number.POSITIVE_INFINITY }]],
    ['a coordinate out of bounds', [{ ...good, z: 1024.001 }]],
    ['a missing z in 3D', [{ ...good, z: undefined }]],
    ['a missing yaw', [{ ...good, yaw: undefined }]],
    ['an infinite yaw', [{ ...good, yaw: Number.NEGATIVE_INFINITY }]],
    ['a velocity out of range', [{ ...good, vx: 10.5 }]],
    ['a missing velocity component', [{ ...good, vz: undefined }]],
    ['a negative id', [{ ...good, id: -1 }]],
    ['a fractional id', [{ ...good, id: 1.5 }]],
    ['an id above maxEntityId', [{ ...good, id: 65536 }]],
    ['duplicate ids', [good, { ...good, x: 5 }]],
    ['duplicate ids out of order', [{ ...good, id: 9 }, good, { ...good, id: 9 }]],
    ['more than maxEntities', [1, 2, 3, 4, 5].map((id) => ({ ...good, id }))],
    ['a non-object entity', [null]],
    ['a non-array', { length: 1 }],
  ])('throws InvalidMessageError for %s and changes nothing', (_name, input) => {
    const encoder = codec.createEncoder();
    const first = encoder.encode([good]);
    expect(() => encoder.encode(input as EntityState[])).toThrow(InvalidMessageError);
    const next = encoder.encode([good]);
    expect(next.sequence).toBe(first.sequence + 1);
  });

  it('accepts the exact bounds and ignores fields the options do not enable', () => {
    const flat = createPositionCodec({ dimensions: 2, bounds: { min: [-1, -2], max: [1, 2] } });
    const decoded = flat
      .createDecoder()
      .decode(flat.createEncoder().encode([{ id: 0, x: -1, y: 2, z: 99, yaw: 1, vx: 3 }]).bytes);
    expect(decoded.entities).toEqual([{ id: 0, x: -1, y: 2 }]);
  });
});
