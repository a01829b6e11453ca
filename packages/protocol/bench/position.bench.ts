/**
 * Position codec benchmark: bytes per message and encode+decode rate of
 * JSON, msgpackr (plain and with frozen structures), @msgpack/msgpack and the
 * Handoff position codec, on the same data in one run.
 */

import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack';
import { Packr } from 'msgpackr';
import {
  type BenchRow,
  type BenchSuite,
  type BenchTable,
  interleavedOpsPerSecond,
} from '../../../bench/harness.js';
import { createPositionCodec, type EntityState } from '../src/codecs/position/index.js';
import { Prng } from '../src/testing/index.js';

const KEYS = ['id', 'x', 'y', 'z', 'yaw'];
const FRAMES = 64;

/** Seeded PRNG (the simulator's mulberry32) as a function. */
function prng(seed: number): () => number {
  const random = new Prng(seed);
  return () => random.next();
}

/** `FRAMES` consecutive snapshots of `count` players walking at 5–10 units/s, sampled at 30 Hz. */
function movingFrames(count: number): EntityState[][] {
  const random = prng(count);
  const players = Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    x: random() * 400 - 200,
    y: 2,
    z: random() * 400 - 200,
    heading: random() * 2 * Math.PI,
    speed: 5 + random() * 5,
  }));
  const frames: EntityState[][] = [];
  for (let f = 0; f < FRAMES; f++) {
    for (const p of players) {
      p.heading += (random() - 0.5) * 0.3;
      p.x += (Math.cos(p.heading) * p.speed) / 30;
      p.z += (Math.sin(p.heading) * p.speed) / 30;
    }
    frames.push(players.map((p) => ({ id: p.id, x: p.x, y: p.y, z: p.z, yaw: p.heading })));
  }
  return frames;
}

interface Contender {
  name: string;
  /** Encodes frame `i` and decodes it; returns the encoded size. */
  roundTrip(frame: EntityState[]): number;
}

function baselines(): Contender[] {
  const plain = new Packr();
  const structured = new Packr({ structures: [KEYS], maxSharedStructures: 1 });
  const structuredDecoder = new Packr({ structures: [KEYS], maxSharedStructures: 1 });
  return [
    {
      name: 'JSON',
      roundTrip: (frame) => {
        const text = JSON.stringify(frame);
        JSON.parse(text);
        return Buffer.byteLength(text);
      },
    },
    {
      name: 'msgpackr',
      roundTrip: (frame) => {
        const bytes = plain.pack(frame);
        plain.unpack(bytes);
        return bytes.length;
      },
    },
    {
      name: 'msgpackr (structures)',
      roundTrip: (frame) => {
        const bytes = structured.pack(frame);
        structuredDecoder.unpack(bytes);
        return bytes.length;
      },
    },
    {
      name: '@msgpack/msgpack',
      roundTrip: (frame) => {
        const bytes = msgpackEncode(frame);
        msgpackDecode(bytes);
        return bytes.length;
      },
    },
  ];
}

/** Handoff, full snapshots every time (no acknowledgements). */
function handoffAbsolute(): Contender {
  const codec = createPositionCodec({ yaw: true });
  const encoder = codec.createEncoder();
  const decoder = codec.createDecoder();
  return {
    name: 'handoff',
    roundTrip: (frame) => {
      const { bytes } = encoder.encode(frame);
      decoder.decode(bytes);
      return bytes.length;
    },
  };
}

/** Handoff, delta-coded: the peer acknowledges each snapshot `lag` snapshots later. */
function handoffDelta(name: string, lag: number): Contender {
  const codec = createPositionCodec({ yaw: true });
  const encoder = codec.createEncoder();
  const decoder = codec.createDecoder();
  const pending: number[] = [];
  return {
    name,
    roundTrip: (frame) => {
      const { bytes, sequence } = encoder.encode(frame);
      decoder.decode(bytes);
      pending.push(sequence);
      if (pending.length >= lag) encoder.acknowledge(pending.shift()!);
      return bytes.length;
    },
  };
}

/** Mean encoded size over the frames, after a warm pass (deltas need a baseline first). */
function meanBytes(contender: Contender, frames: EntityState[][]): number {
  for (let i = 0; i < 8; i++) contender.roundTrip(frames[i % FRAMES]!);
  let bytes = 0;
  for (const frame of frames) bytes += contender.roundTrip(frame);
  return bytes / frames.length;
}

const SPEED_BASELINE = 'msgpackr (structures)';

function table(
  title: string,
  frames: EntityState[][],
  entities: number,
  handoff: Contender[],
  quick: boolean,
  notes: string[],
): BenchTable {
  const contenders = [...baselines(), ...handoff];
  const sizes = new Map(contenders.map((c) => [c.name, meanBytes(c, frames)]));
  const rates = interleavedOpsPerSecond(
    contenders.map((contender) => {
      let index = 0;
      return {
        name: contender.name,
        run: () => {
          contender.roundTrip(frames[index]!);
          index = (index + 1) % FRAMES;
        },
      };
    }),
    { quick },
  );
  const baseRate = rates.get(SPEED_BASELINE)!;
  const rows: BenchRow[] = contenders.map((c) => {
    const bytes = sizes.get(c.name)!;
    const rate = rates.get(c.name)!;
    return {
      name: c.name,
      values: {
        bytes,
        'bytes/entity': bytes / entities,
        'ops/s': rate,
        'speed vs msgpackr (structures)': rate / baseRate,
      },
    };
  });
  return { title, baseline: 'JSON', ratioOf: 'bytes', higherIsBetter: false, rows, notes };
}

const suite: BenchSuite = ({ quick }) => {
  const one = movingFrames(1);
  const many = movingFrames(32);
  const speedNote =
    'Target: handoff encode+decode ops/s ≥ 2× msgpackr (structures). Entities are {id, x, y, z, yaw} doubles; ' +
    'handoff quantizes to 1/512 units and 10-bit yaw (default bounds ±1024).';
  return [
    table('position: one entity, absolute', one, 1, [handoffAbsolute()], quick, [
      'Target: handoff ≤ 14 bytes (full snapshot incl. header).',
      speedNote,
    ]),
    table('position: 32 entities, absolute', many, 32, [handoffAbsolute()], quick, [speedNote]),
    table(
      'position: 32 entities moving 5–10 units/s at 30 Hz, delta-coded',
      many,
      32,
      [handoffDelta('handoff (ack 1 snapshot late)', 1), handoffDelta('handoff (ack 3 snapshots late)', 3)],
      quick,
      [
        'Target: handoff ≤ 6 bytes per moving entity. Other rows are absolute (they have no delta coding).',
        'ack N late = the baseline is N snapshots old (RTT ≈ N × 33 ms).',
        speedNote,
      ],
    ),
  ];
};

export default suite;
