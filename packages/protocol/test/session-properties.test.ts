import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChannelDefinition, Session } from '../src/session/index.js';
import { LinkSimulator, type PathConditions, runSessions } from '../src/testing/index.js';

const CHANNELS: ChannelDefinition[] = [
  { name: 'chat', kind: 'reliable-ordered' },
  { name: 'events', kind: 'reliable-unordered' },
  { name: 'pos', kind: 'unreliable-sequenced' },
  { name: 'fx', kind: 'unreliable' },
];

/** Encodes (counter, size) so the receiver can check identity and integrity of every message. */
function payload(counter: number, size: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(size, 4));
  new DataView(bytes.buffer).setUint32(0, counter);
  for (let i = 4; i < bytes.length; i++) bytes[i] = (counter + i) & 0xff;
  return bytes;
}

function counterOf(bytes: Uint8Array): number {
  const counter = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  for (let i = 4; i < bytes.length; i++) {
    if (bytes[i] !== ((counter + i) & 0xff)) throw new Error(`message ${counter} corrupted at byte ${i}`);
  }
  return counter;
}

interface Scenario {
  seed: number;
  relay: PathConditions;
  direct: PathConditions;
  switchAtMs: number | null;
  switchBackAtMs: number | null;
  messages: number;
  largeEvery: number;
}

function run(scenario: Scenario) {
  const received: number[][] = [[], [], [], []];
  const sink = new Session({ channels: CHANNELS }, { message: (c, p) => received[c]!.push(counterOf(p)) });
  const source = new Session({ channels: CHANNELS }, { message: () => undefined });
  const link = new LinkSimulator({
    paths: { relay: scenario.relay, direct: scenario.direct },
    active: 'relay',
    seed: scenario.seed,
  });
  const sent = [0, 0, 0, 0];
  let doneAt = -1;
  runSessions({
    a: source,
    b: sink,
    link,
    untilMs: 600_000,
    onTick: (now) => {
      for (let i = 0; i < 8 && sent[0]! < scenario.messages; i++) {
        for (let channel = 0; channel < 4; channel++) {
          const counter = sent[channel]!++;
          const large = channel < 2 && counter % scenario.largeEvery === 0;
          source.send(channel, payload(counter, large ? 3000 + (counter % 2000) : 4 + (counter % 40)));
        }
      }
      if (now === scenario.switchAtMs || now === scenario.switchBackAtMs) {
        link.switchTo(link.active === 'relay' ? 'direct' : 'relay');
        source.pathChanged(now);
        sink.pathChanged(now);
      }
      if (sent[0] === scenario.messages && source.idle && sink.idle && doneAt < 0) doneAt = now;
      // Keep running a while after draining, to catch late duplicates.
      return doneAt < 0 || now < doneAt + 3_000;
    },
  });
  return { received, sent, doneAt, source, sink };
}

function checkInvariants(result: ReturnType<typeof run>, messages: number): void {
  const [ordered, unordered, sequenced, unreliable] = result.received as [
    number[],
    number[],
    number[],
    number[],
  ];
  expect(result.doneAt, 'queues drained').toBeGreaterThan(0);
  // reliable-ordered: every message exactly once, in order.
  expect(ordered).toEqual(Array.from({ length: messages }, (_, i) => i));
  // reliable-unordered: every message exactly once.
  expect([...unordered].sort((x, y) => x - y)).toEqual(Array.from({ length: messages }, (_, i) => i));
  // unreliable-sequenced: never an older message after a newer one, never twice.
  for (let i = 1; i < sequenced.length; i++) expect(sequenced[i]!).toBeGreaterThan(sequenced[i - 1]!);
  // unreliable: at most once each.
  expect(new Set(unreliable).size).toBe(unreliable.length);
  expect(result.source.stats().pendingReliableMessages).toBe(0);
}

const conditions = (maxLatency: number): fc.Arbitrary<PathConditions> =>
  fc.record({
    latencyMs: fc.integer({ min: 0, max: maxLatency }),
    jitterMs: fc.integer({ min: 0, max: 100 }),
    loss: fc.double({ min: 0, max: 0.3, noNaN: true }),
    duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    reorder: fc.double({ min: 0, max: 0.2, noNaN: true }),
  });

describe('session over a hostile simulated network', () => {
  it('25% loss, 25% duplication, reordering and 1 s latency, with a path switch mid-stream', () => {
    const result = run({
      seed: 42,
      relay: { latencyMs: 1000, jitterMs: 50, loss: 0.25, duplicate: 0.25, reorder: 0.1 },
      direct: { latencyMs: 20, jitterMs: 10, loss: 0.25, duplicate: 0.25, reorder: 0.1 },
      switchAtMs: 1500,
      switchBackAtMs: null,
      messages: 1500,
      largeEvery: 50,
    });
    checkInvariants(result, 1500);
    expect(result.received[2]!.length).toBeGreaterThan(0);
  });

  it('delivers reliable channels exactly once under random conditions and path switches (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          relay: conditions(1000),
          direct: conditions(200),
          switchAtMs: fc.option(fc.integer({ min: 1, max: 300 }).map((t) => t * 10)),
          switchBackAtMs: fc.option(fc.integer({ min: 301, max: 600 }).map((t) => t * 10)),
          messages: fc.integer({ min: 1, max: 400 }),
          largeEvery: fc.integer({ min: 5, max: 200 }),
        }),
        (scenario) => checkInvariants(run(scenario), scenario.messages),
      ),
      { numRuns: Number(process.env.HANDOFF_PROPERTY_RUNS ?? 100) },
    );
  });

  it('keeps working when a path dies completely and traffic moves to the other one', () => {
    const received: number[] = [];
    const source = new Session({ channels: CHANNELS }, { message: () => undefined });
    const sink = new Session(
      { channels: CHANNELS },
      { message: (c, p) => c === 0 && received.push(counterOf(p)) },
    );
    const link = new LinkSimulator({
      paths: { relay: { latencyMs: 30 }, direct: { latencyMs: 5 } },
      active: 'direct',
    });
    let sent = 0;
    runSessions({
      a: source,
      b: sink,
      link,
      untilMs: 40_000,
      onTick: (now) => {
        if (sent < 2000) source.send('chat', payload(sent++, 20));
        if (now === 1000) link.setConditions('direct', { down: true }); // blackhole
        if (now === 2500) {
          link.switchTo('relay'); // what the transport does after 3 missed heartbeats
          source.pathChanged(now);
          sink.pathChanged(now);
        }
        return !(sent === 2000 && source.idle && received.length === 2000);
      },
    });
    expect(received).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });
});
