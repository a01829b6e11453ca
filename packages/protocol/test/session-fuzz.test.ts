import { describe, expect, it } from 'vitest';
import { HandoffError } from '../src/errors.js';
import { type ChannelDefinition, Session } from '../src/session/index.js';
import { Prng } from '../src/testing/index.js';

const CHANNELS: ChannelDefinition[] = [
  { name: 'chat', kind: 'reliable-ordered' },
  { name: 'events', kind: 'reliable-unordered' },
  { name: 'pos', kind: 'unreliable-sequenced' },
  { name: 'fx', kind: 'unreliable' },
];
const OPTIONS = { channels: CHANNELS, reliableWindow: 64, reliableWindowBytes: 65536, fragmentSize: 100 };

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Hostile variants of real datagrams, plus pure noise. */
function mutate(random: Prng, corpus: Uint8Array[]): Uint8Array {
  const base = corpus[random.int(corpus.length)]!;
  switch (random.int(7)) {
    case 0: {
      const noise = new Uint8Array(random.int(80));
      for (let i = 0; i < noise.length; i++) noise[i] = random.int(256);
      if (noise.length > 0 && random.chance(0.5)) noise[0] = 0x40 | (noise[0]! & 0x3c); // plausible header
      return noise;
    }
    case 1: {
      const flipped = base.slice();
      for (let n = 1 + random.int(4); n > 0; n--) flipped[random.int(flipped.length)]! ^= 1 << random.int(8);
      return flipped;
    }
    case 2:
      return base.slice(0, random.int(base.length));
    case 3: {
      const longer = new Uint8Array(base.length + 1 + random.int(20));
      longer.set(base);
      for (let i = base.length; i < longer.length; i++) longer[i] = random.int(256);
      return longer;
    }
    case 4: {
      const at = random.int(base.length + 1);
      const inserted = new Uint8Array(base.length + 1);
      inserted.set(base.subarray(0, at));
      inserted[at] = random.int(256);
      inserted.set(base.subarray(at), at + 1);
      return inserted;
    }
    case 5: {
      const other = corpus[random.int(corpus.length)]!;
      const spliced = new Uint8Array(base.length + other.length);
      spliced.set(base);
      spliced.set(other, base.length);
      return spliced;
    }
    default: {
      // A valid header with random frames after it.
      const frames = new Uint8Array(3 + random.int(40));
      frames[0] = 0x40;
      for (let i = 1; i < frames.length; i++) frames[i] = random.int(256);
      return frames;
    }
  }
}

describe('session decoder fuzz', () => {
  it('100,000 random and mutated datagrams: only typed errors, and rejected ones change nothing', () => {
    const random = new Prng(20261121);
    const source = new Session(OPTIONS, { message: () => {} });
    const seenByFuzzed: string[] = [];
    const seenByTwin: string[] = [];
    const record = (log: string[]) => (channel: number, payload: Uint8Array) =>
      log.push(`${channel}:${Buffer.from(payload).toString('hex')}`);
    const fuzzed = new Session(OPTIONS, { message: record(seenByFuzzed) });
    const twin = new Session(OPTIONS, { message: record(seenByTwin) });
    // The honest receiver whose acknowledgements drive the source; the twins only observe.
    const mirror = new Session(OPTIONS, { message: () => {} });
    const corpus: Uint8Array[] = [];
    let rejected = 0;
    let accepted = 0;
    let counter = 0;
    for (let now = 0; corpus.length < 2000 || accepted + rejected < 100_000; now++) {
      for (let i = 0; i < 3; i++) {
        const size = random.chance(0.05) ? 150 + random.int(400) : random.int(30);
        source.send(random.int(4), new Uint8Array(size).fill(counter++ & 0xff));
      }
      const real = source.poll(now);
      for (const datagram of real) {
        if (corpus.length < 4000) corpus.push(datagram);
        // Real datagrams go to both twins (with realistic loss), fuzz only to one.
        if (random.chance(0.1)) continue;
        mirror.receive(datagram, now);
        expect(String(fuzzed.receive(datagram, now))).toBe(String(twin.receive(datagram, now)));
      }
      for (const datagram of mirror.poll(now)) source.receive(datagram, now);
      expect(fuzzed.poll(now).map(hex)).toEqual(twin.poll(now).map(hex));
      for (let n = 0; n < 60 && corpus.length > 0; n++) {
        const hostile = mutate(random, corpus);
        let result: unknown;
        try {
          result = fuzzed.receive(hostile, now);
        } catch (error) {
          throw new Error(`receive threw for ${Buffer.from(hostile).toString('hex')}: ${String(error)}`);
        }
        if (result === undefined) {
          accepted++;
          // Accepted input is the peer's own (well-formed) action: apply it to the twin too.
          twin.receive(hostile, now);
        } else {
          expect(result).toBeInstanceOf(HandoffError);
          rejected++;
        }
      }
      expect(fuzzed.stats().receiveBufferedBytes).toBeLessThanOrEqual(4 * (65536 + 64 * 128 + 1200));
    }
    expect(rejected + accepted).toBeGreaterThanOrEqual(100_000);
    expect(rejected).toBeGreaterThan(50_000);
    // Rejected datagrams left no trace: both twins delivered the same messages and ack the same way.
    expect(seenByFuzzed).toEqual(seenByTwin);
    expect(seenByFuzzed.length).toBeGreaterThan(1000);
    const later = 1e6;
    expect(fuzzed.poll(later).map(hex)).toEqual(twin.poll(later).map(hex));
  });
});
