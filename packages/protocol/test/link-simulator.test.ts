import { describe, expect, it } from 'vitest';
import { LinkSimulator, Prng, SimulatedPath } from '../src/testing/index.js';

const datagram = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);
const id = (d: Uint8Array): number => (d[0]! << 8) | d[1]!;

function pushThrough(path: SimulatedPath, count: number, spacingMs: number): number[] {
  for (let i = 0; i < count; i++) path.send(datagram(i), i * spacingMs);
  return path.deliver(Number.MAX_SAFE_INTEGER).map(id);
}

describe('SimulatedPath', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const conditions = { latencyMs: 20, jitterMs: 30, loss: 0.2, duplicate: 0.2, reorder: 0.1 };
    const first = pushThrough(new SimulatedPath(conditions, 5), 500, 1);
    const again = pushThrough(new SimulatedPath(conditions, 5), 500, 1);
    const other = pushThrough(new SimulatedPath(conditions, 6), 500, 1);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('applies loss and duplication at the configured rates', () => {
    const path = new SimulatedPath({ loss: 0.25, duplicate: 0.25 }, 11);
    pushThrough(path, 20_000, 0);
    expect(path.stats.lost / 20_000).toBeCloseTo(0.25, 1);
    expect(path.stats.duplicated / (20_000 - path.stats.lost)).toBeCloseTo(0.25, 1);
  });

  it('delays by latency plus jitter, which reorders', () => {
    const path = new SimulatedPath({ latencyMs: 100, jitterMs: 50 }, 3);
    for (let i = 0; i < 100; i++) path.send(datagram(i), i);
    expect(path.deliver(99)).toHaveLength(0);
    const all = path.deliver(400).map(id);
    expect(all).toHaveLength(100);
    expect(all).not.toEqual([...all].sort((a, b) => a - b));
  });

  it('caps bandwidth and drops what would queue too long', () => {
    const path = new SimulatedPath({ bandwidthBytesPerSecond: 1000, maxQueueDelayMs: 100 }, 1);
    for (let i = 0; i < 100; i++) path.send(new Uint8Array(10), 0); // 10 ms each on the wire
    expect(path.deliver(55)).toHaveLength(5);
    expect(path.stats.lost).toBe(89); // 11 fit in the 100 ms queue
  });

  it('blackholes a path that is down', () => {
    const path = new SimulatedPath({ down: true });
    expect(pushThrough(path, 10, 1)).toEqual([]);
  });
});

describe('LinkSimulator', () => {
  it('switches paths mid-stream while the old path still delivers what is in flight', () => {
    const link = new LinkSimulator({
      paths: { relay: { latencyMs: 100 }, direct: { latencyMs: 10 } },
      active: 'relay',
    });
    link.send('a', datagram(1), 0);
    link.switchTo('direct');
    link.send('a', datagram(2), 1);
    expect(link.deliver('b', 20).map(id)).toEqual([2]);
    expect(link.deliver('b', 100).map(id)).toEqual([1]);
    expect(link.deliver('a', 1000)).toEqual([]);
    expect(link.path('relay', 'a').stats.delivered).toBe(1);
  });

  it('rejects an unknown path name', () => {
    expect(() => new LinkSimulator({ paths: { relay: {} }, active: 'nope' as 'relay' })).toThrow(RangeError);
  });
});

describe('Prng', () => {
  it('produces uniform values in [0, 1)', () => {
    const random = new Prng(1);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = random.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      sum += value;
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });
});
