import { describe, expect, it } from 'vitest';
import { MalformedInputError, MessageTooLargeError } from '../src/errors.js';
import { FrameKind, forEachBundleEntry, RelayBundleWriter, validateBundle } from '../src/lobby/index.js';
import { Prng } from '../src/testing/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function entries(frame: Uint8Array, max = 1200): [number, string][] {
  const out: [number, string][] = [];
  forEachBundleEntry(frame, max, (peer, start, end) => out.push([peer, hex(frame.subarray(start, end))]));
  return out;
}

describe('relay bundles (lobby protocol 2)', () => {
  it('golden vector: two entries', () => {
    const writer = new RelayBundleWriter();
    writer.add(1, Uint8Array.of(0xaa, 0xbb));
    writer.add(0x0102, Uint8Array.of(0xcc));
    const [frame] = writer.take();
    expect(hex(frame!)).toBe('03' + '0001' + '0002' + 'aabb' + '0102' + '0001' + 'cc');
    expect(frame![0]).toBe(FrameKind.Bundle);
    expect(entries(frame!)).toEqual([
      [1, 'aabb'],
      [0x0102, 'cc'],
    ]);
    expect(writer.size).toBe(0);
    expect(writer.take()).toEqual([]);
  });

  it('splits into frames no larger than maxFrameBytes, never splitting an entry, in order', () => {
    const random = new Prng(5);
    const writer = new RelayBundleWriter(3000);
    const sent: [number, string][] = [];
    for (let i = 0; i < 200; i++) {
      const payload = new Uint8Array(1 + Math.floor(random.next() * 1200)).map(() =>
        Math.floor(random.next() * 256),
      );
      const peer = Math.floor(random.next() * 32);
      writer.add(peer, payload);
      sent.push([peer, hex(payload)]);
    }
    const frames = writer.take();
    expect(frames.length).toBeGreaterThan(20);
    for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(3000);
    expect(frames.flatMap((frame) => entries(frame))).toEqual(sent);
  });

  it('rejects malformed bundles with typed errors and visits nothing', () => {
    const visited: number[] = [];
    const visit = (peer: number) => visited.push(peer);
    const bad: [number[], typeof MalformedInputError][] = [
      [[0x01, 0, 0, 0, 1, 9], MalformedInputError], // wrong kind
      [[0x03], MalformedInputError], // no entry
      [[0x03, 0, 1, 0], MalformedInputError], // entry header cut
      [[0x03, 0, 1, 0, 0], MalformedInputError], // empty payload
      [[0x03, 0, 1, 0, 3, 1, 2], MalformedInputError], // payload runs past the end
      [[0x03, 0, 1, 0, 1, 7, 0, 2, 0, 5, 1], MalformedInputError], // second entry runs past
    ];
    for (const [bytes, type] of bad) {
      expect(() => forEachBundleEntry(Uint8Array.from(bytes), 1200, visit)).toThrow(type);
    }
    expect(() =>
      validateBundle(Uint8Array.from([0x03, 0, 1, 0x05, 0x00, ...new Uint8Array(1280)]), 1200),
    ).toThrow(MessageTooLargeError);
    expect(visited).toEqual([]);
  });

  it('fuzz: 50,000 random and mutated frames only ever throw typed errors, and valid ones round-trip', () => {
    const random = new Prng(11);
    const writer = new RelayBundleWriter();
    let ok = 0;
    for (let i = 0; i < 50_000; i++) {
      const n = 1 + Math.floor(random.next() * 5);
      for (let e = 0; e < n; e++)
        writer.add(Math.floor(random.next() * 65536), new Uint8Array(1 + Math.floor(random.next() * 40)));
      const frame = writer.take()[0]!;
      const flips = Math.floor(random.next() * 3);
      for (let f = 0; f < flips; f++)
        frame[Math.floor(random.next() * frame.length)] = Math.floor(random.next() * 256);
      const cut = random.next() < 0.2 ? frame.subarray(0, Math.floor(random.next() * frame.length)) : frame;
      try {
        let total = 0;
        const count = forEachBundleEntry(cut, 1200, (_peer, start, end) => {
          expect(end).toBeLessThanOrEqual(cut.length);
          expect(end).toBeGreaterThan(start);
          total++;
        });
        expect(count).toBe(total);
        ok++;
      } catch (error) {
        expect(error instanceof MalformedInputError || error instanceof MessageTooLargeError).toBe(true);
      }
    }
    expect(ok).toBeGreaterThan(10_000);
  });
});
