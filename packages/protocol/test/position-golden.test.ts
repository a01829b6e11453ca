import { describe, expect, it } from 'vitest';
import { createPositionCodec } from '../src/codecs/position/index.js';

// Golden byte vectors: any change to the wire format shows up here in review.
// docs/position-codec.md walks through the first one bit by bit.

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

describe('position codec golden vectors (3D + yaw, default options)', () => {
  const codec = createPositionCodec({ yaw: true });
  const encoder = codec.createEncoder();
  const decoder = codec.createDecoder();

  it('encodes and decodes a fixed stream', () => {
    const one = encoder.encode([{ id: 1, x: 0, y: 0, z: 0, yaw: 0 }]);
    expect(hex(one.bytes)).toBe('000024800004000020000000');
    expect(decoder.decode(one.bytes).entities).toEqual([{ id: 1, x: 0, y: 0, z: 0, yaw: 0 }]);

    const two = encoder.encode([
      { id: 7, x: -1024, y: 1024, z: 1 / 512, yaw: 0.5 },
      { id: 2, x: 1.5, y: -2, z: 3.25, yaw: Math.PI },
    ]);
    expect(hex(two.bytes)).toBe('000136803003fe00201a020028000020000080001144');
    expect(two.baseline).toBeNull();
    expect(decoder.decode(two.bytes).entities.map((e) => e.id)).toEqual([2, 7]);

    encoder.acknowledge(two.sequence);
    // Entity 2 moves and turns, entity 7 is removed, entity 9 is new.
    const delta = encoder.encode([
      { id: 2, x: 1.75, y: -2, z: 3, yaw: Math.PI + 0.01 },
      { id: 9, x: 10, y: 20, z: 30, yaw: 0 },
    ]);
    expect(delta.baseline).toBe(1);
    expect(hex(delta.bytes)).toBe('0002d25afeafde852050010500083c000000');
    expect(decoder.decode(delta.bytes)).toEqual({
      sequence: 2,
      baseline: 1,
      entities: [
        { id: 2, x: 1.75, y: -2, z: 3, yaw: 514 * ((2 * Math.PI) / 1024) },
        { id: 9, x: 10, y: 20, z: 30, yaw: 0 },
      ],
    });
  });

  it('an empty full snapshot is three bytes', () => {
    expect(hex(codec.createEncoder().encode([]).bytes)).toBe('000040');
    expect(codec.createDecoder().decode(fromHex('000040')).entities).toEqual([]);
  });
});

describe('position codec golden vectors (2D + velocity, custom bounds)', () => {
  it('encodes and decodes a full snapshot and a delta', () => {
    const codec = createPositionCodec({
      dimensions: 2,
      bounds: { min: [0, 0], max: [100, 100] },
      resolution: 1 / 16,
      velocity: { max: 8, resolution: 1 / 8 },
    });
    const encoder = codec.createEncoder();
    const decoder = codec.createDecoder();
    const full = encoder.encode([{ id: 3, x: 50, y: 25.5, vx: 1, vy: -8 }]);
    expect(hex(full.bytes)).toBe('0000223203309000');
    encoder.acknowledge(full.sequence);
    const delta = encoder.encode([{ id: 3, x: 50.25, y: 25.5, vx: 1.125, vy: -8 }]);
    expect(hex(delta.bytes)).toBe('0001eb5b50');
    decoder.decode(full.bytes);
    expect(decoder.decode(fromHex('0001eb5b50')).entities).toEqual([
      { id: 3, x: 50.25, y: 25.5, vx: 1.125, vy: -8 },
    ]);
  });
});
