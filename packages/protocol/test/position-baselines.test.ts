import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPositionCodec, type EntityState, type PositionDecoder } from '../src/codecs/position/index.js';
import { type ChannelDefinition, Session } from '../src/session/index.js';
import { LinkSimulator } from '../src/testing/index.js';

/** One entity moving a little every step (so every snapshot after the first is a delta). */
function world(step: number): EntityState[] {
  return [
    { id: 1, x: (step % 4000) * 0.25, y: 10, z: 0 },
    { id: 2, x: -5, y: (step % 4000) * 0.125, z: 1 },
  ];
}

describe('position baselines (issue #18)', () => {
  it('a late snapshot never evicts a baseline the encoder may still pick (the codec repro)', () => {
    const codec = createPositionCodec();
    const encoder = codec.createEncoder();
    const decoder = codec.createDecoder();
    // 1. Seqs 0 and 1, both full (nothing acknowledged yet).
    const s0 = encoder.encode(world(0));
    const s1 = encoder.encode(world(1));
    // 2. 1 arrives, then 0 arrives late (the room records it as a possible baseline).
    decoder.decode(s1.bytes);
    decoder.decode(s0.bytes);
    // 3. The receiver acknowledged 1.
    encoder.acknowledge(s1.sequence);
    // 4. A stalled reverse path: 2..33 are encoded against 1 and decoded in order.
    let last = s1;
    for (let step = 2; step <= 33; step++) {
      last = encoder.encode(world(step));
      expect(last.baseline).toBe(1);
      expect(() => decoder.decode(last.bytes)).not.toThrow();
    }
    // 5. Acks flow again, one per step: every snapshot decodes.
    for (let step = 34; step < 100; step++) {
      encoder.acknowledge(last.sequence);
      last = encoder.encode(world(step));
      expect(decoder.decode(last.bytes).entities).toHaveLength(2);
    }
  });

  it('a stale snapshot older than everything held is not stored and evicts nothing', () => {
    const codec = createPositionCodec({ historySize: 4 });
    const encoder = codec.createEncoder();
    const decoder = codec.createDecoder();
    const sent = Array.from({ length: 8 }, (_, step) => encoder.encode(world(step)));
    for (const snapshot of sent.slice(3)) decoder.decode(snapshot.bytes); // holds 4..7 (3 evicted)
    decoder.decodeStale(sent[0]!.bytes); // very late: decodes (it is full) but must not push 4 out
    encoder.acknowledge(sent[4]!.sequence);
    const next = encoder.encode(world(8));
    expect(next.baseline).toBe(sent[4]!.sequence);
    expect(() => decoder.decode(next.bytes)).not.toThrow();
  });

  it('a snapshot with a far-away sequence cannot pin the store: the next fresh one moves the stream back', () => {
    const codec = createPositionCodec({ historySize: 4 });
    const encoder = codec.createEncoder();
    const far = codec.createEncoder();
    for (let i = 0; i < 30_000; i++) far.encode(world(i));
    const decoder = codec.createDecoder();
    let last = encoder.encode(world(0));
    decoder.decode(last.bytes);
    for (let step = 1; step < 40; step++) {
      if (step % 7 === 0) decoder.decode(far.encode(world(step)).bytes); // hostile, far ahead
      encoder.acknowledge(last.sequence);
      last = encoder.encode(world(step));
      expect(last.baseline).not.toBeNull();
      expect(() => decoder.decode(last.bytes)).not.toThrow();
    }
  });

  it('history follows sequence age across the 16-bit wrap', () => {
    const codec = createPositionCodec({ historySize: 8 });
    const encoder = codec.createEncoder();
    const decoder = codec.createDecoder();
    for (let i = 0; i < 65_530; i++) encoder.encode(world(i)); // never sent: only moves the counter
    const around = Array.from({ length: 12 }, (_, i) => encoder.encode(world(i)));
    expect(around.map((s) => s.sequence)).toContain(0);
    for (const snapshot of around) decoder.decode(snapshot.bytes);
    decoder.decodeStale(around[2]!.bytes); // a duplicate of an old one, before the wrap
    encoder.acknowledge(around[5]!.sequence); // 65535, the last before the wrap
    const next = encoder.encode(world(99));
    expect(next.baseline).toBe(65_535);
    expect(() => decoder.decode(next.bytes)).not.toThrow();
  });
});

const CHANNELS: ChannelDefinition[] = [
  { name: 'chat', kind: 'reliable-ordered' },
  { name: 'pos', kind: 'unreliable-sequenced' },
];
const POS = 1;

/** One end of a pair wired as `room.ts` wires it: a session, a position encoder and decoder per peer. */
class End {
  readonly encoder = createPositionCodec().createEncoder();
  readonly decoder: PositionDecoder = createPositionCodec().createDecoder();
  readonly session: Session;
  /** Sequences this end decoded (fresh or stale): what it may be asked to use as a baseline. */
  readonly decoded = new Set<number>();
  freshFailures = 0;
  staleFailures = 0;
  /** Set by the other end: sequences it was told were delivered but never decoded. */
  falseAcks = 0;
  freshDecoded = 0;
  chat: number[] = [];
  peer!: End;
  step = 0;
  /** The next fresh snapshot arrives with a flipped byte. */
  corruptNext = false;

  constructor() {
    this.session = new Session(
      { channels: CHANNELS },
      {
        message: (channel, payload, refuse) => {
          if (channel !== POS) {
            this.chat.push(payload[0]! | (payload[1]! << 8));
            return;
          }
          try {
            let bytes = payload;
            if (this.corruptNext) {
              this.corruptNext = false;
              bytes = payload.slice();
              bytes[2] = bytes[2]! ^ 0x80; // the kind bit: a delta read as a full snapshot
            }
            const snapshot = this.decoder.decode(bytes);
            this.decoded.add(snapshot.sequence);
            this.freshDecoded++;
          } catch {
            this.freshFailures++;
            refuse();
          }
        },
        stale: (_channel, payload, refuse) => {
          try {
            this.decoded.add(this.decoder.decodeStale(payload).sequence);
          } catch {
            this.staleFailures++;
            refuse();
          }
        },
        delivered: (channel, token) => {
          if (channel !== POS) return;
          if (!this.peer.decoded.has(token)) this.falseAcks++;
          this.encoder.acknowledge(token);
        },
      },
    );
  }

  sendSnapshot(): void {
    const snapshot = this.encoder.encode(world(this.step++));
    // A reused sequence after the wrap must not count as decoded from the earlier lap.
    this.peer.decoded.delete(snapshot.sequence);
    this.session.send(POS, snapshot.bytes, snapshot.sequence);
  }
}

interface Schedule {
  seed: number;
  loss: number;
  /** One-way stalls of b → a (acks of a's snapshots stop), [startMs, lengthMs]. */
  stalls: [number, number][];
  /** Outages of both directions, [startMs, lengthMs]. */
  outages: [number, number][];
  wrap: boolean;
  /** Times after which the next fresh snapshot b receives arrives corrupted (any decode failure stands in for it). */
  corruptions?: number[];
}

/** Runs a pair at 33 Hz both ways over a hostile link and returns both ends. */
function play(schedule: Schedule, durationMs: number): { a: End; b: End } {
  const a = new End();
  const b = new End();
  a.peer = b;
  b.peer = a;
  if (schedule.wrap) {
    // Start both encoders just before the 16-bit wrap.
    for (let i = 0; i < 65_400; i++) {
      a.encoder.encode(world(i));
      b.encoder.encode(world(i));
    }
  }
  const base = {
    latencyMs: 2,
    jitterMs: 2,
    loss: schedule.loss,
    duplicate: 0.02,
    reorder: 0.05,
    reorderDelayMs: 80,
  };
  const link = new LinkSimulator({ paths: { relay: base }, active: 'relay', seed: schedule.seed });
  const inWindow = (now: number, windows: [number, number][]): boolean =>
    windows.some(([start, length]) => now >= start && now < start + length);
  let stalled = false;
  let out = false;
  let chatSent = 0;
  for (let now = 0; now <= durationMs; now += 10) {
    const stallNow = inWindow(now, schedule.stalls);
    const outNow = inWindow(now, schedule.outages);
    if (stallNow !== stalled || outNow !== out) {
      stalled = stallNow;
      out = outNow;
      link.setConditions('relay', outNow ? { ...base, down: true } : base, 'a');
      link.setConditions('relay', outNow || stallNow ? { ...base, down: true } : base, 'b');
    }
    if (schedule.corruptions?.includes(now)) b.corruptNext = true;
    if (now % 30 === 0) {
      a.sendSnapshot();
      b.sendSnapshot();
    }
    if (now % 200 === 0) {
      const n = chatSent++;
      a.session.send(0, Uint8Array.of(n & 0xff, n >> 8));
    }
    for (const datagram of link.deliver('a', now)) a.session.receive(datagram, now);
    for (const datagram of link.deliver('b', now)) b.session.receive(datagram, now);
    for (const datagram of a.session.poll(now)) link.send('a', datagram, now);
    for (const datagram of b.session.poll(now)) link.send('b', datagram, now);
  }
  expect(b.chat).toEqual(Array.from({ length: b.chat.length }, (_, i) => i));
  return { a, b };
}

describe('session: a refused unreliable message leaves its packet unacknowledged', () => {
  it('the sender never hears `delivered` for it; reliable content in the same packet is delivered once', () => {
    const channels: ChannelDefinition[] = [
      { name: 'chat', kind: 'reliable-ordered' },
      { name: 'pos', kind: 'unreliable-sequenced' },
    ];
    const delivered: number[] = [];
    const chat: number[] = [];
    let refuseNext = true;
    const sender = new Session(
      { channels },
      { message: () => undefined, delivered: (_c, t) => delivered.push(t) },
    );
    const receiver = new Session(
      { channels },
      {
        message: (channel, payload, refuse) => {
          if (channel === 0) chat.push(payload[0]!);
          else if (refuseNext) {
            refuseNext = false;
            refuse();
          }
        },
      },
    );
    const link = new LinkSimulator({ paths: { p: { latencyMs: 5 } }, active: 'p', seed: 3 });
    for (let now = 0; now < 2000; now += 10) {
      if (now % 100 === 0 && now < 1000) {
        sender.send(0, Uint8Array.of(now / 100));
        sender.send(1, Uint8Array.of(1), now / 100);
      }
      for (const d of link.deliver('a', now)) sender.receive(d, now);
      for (const d of link.deliver('b', now)) receiver.receive(d, now);
      for (const d of sender.poll(now)) link.send('a', d, now);
      for (const d of receiver.poll(now)) link.send('b', d, now);
    }
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(chat).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(receiver.stats().packetsRefused).toBe(1);
  });
});

describe('position streams under hostile schedules (issue #18)', () => {
  it("the issue's session repro: a ~0.93 s one-way ack stall with 5% reordering, then 20% loss", () => {
    const { a, b } = play({ seed: 18, loss: 0, stalls: [[2000, 930]], outages: [], wrap: false }, 12_000);
    for (const end of [a, b]) {
      expect(end.freshFailures).toBe(0);
      expect(end.falseAcks).toBe(0);
    }
    expect(b.freshDecoded).toBeGreaterThan(300);
    const lossy = play(
      {
        seed: 19,
        loss: 0.2,
        stalls: [
          [1000, 930],
          [5000, 2500],
        ],
        outages: [],
        wrap: false,
      },
      30_000,
    );
    for (const end of [lossy.a, lossy.b]) {
      expect(end.freshFailures).toBe(0);
      expect(end.falseAcks).toBe(0);
    }
  });

  it('a decode failure heals within a round trip instead of chaining (the failed snapshot is never acknowledged)', () => {
    const { a, b } = play(
      { seed: 7, loss: 0, stalls: [], outages: [], wrap: false, corruptions: [3000, 6000, 6010, 9000] },
      12_000,
    );
    // Each corrupted snapshot fails alone: nothing encoded against it, so nothing after it fails.
    expect(b.freshFailures).toBe(3);
    expect(a.falseAcks).toBe(0);
    expect(b.session.stats().packetsRefused).toBe(b.freshFailures);
    expect(b.freshDecoded).toBeGreaterThan(300);
  });

  it('seeded property: stalls, outages, late and duplicate arrivals, wraparound → no fresh decode failure, no false ack', () => {
    const window = fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 100, max: 4_000 }));
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          loss: fc.constantFrom(0, 0.05, 0.2),
          stalls: fc.array(window, { maxLength: 4 }),
          outages: fc.array(window, { maxLength: 2 }),
          wrap: fc.boolean(),
        }),
        (schedule) => {
          const { a, b } = play(schedule, 24_000);
          for (const end of [a, b]) {
            expect(end.freshFailures).toBe(0);
            expect(end.falseAcks).toBe(0);
          }
          // The stream kept flowing: most snapshots after the last fault decode.
          expect(b.freshDecoded).toBeGreaterThan(100);
        },
      ),
      { numRuns: 24, seed: 1818 },
    );
  });
});
