import { describe, expect, it } from 'vitest';
import type { LinkConditioner } from '../src/conditioner/link-conditioner.js';
import { type ConditionerClock, PathConditioner } from '../src/conditioner/path-conditioner.js';
import { TokenBucket } from '../src/conditioner/token-bucket.js';

/** A manual clock: timers run only when the test advances time. */
class ManualClock implements ConditionerClock {
  time = 0;
  private timers: { at: number; run: () => void; id: number }[] = [];
  private nextId = 0;

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, run, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  get pending(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = Math.max(this.time, due.at);
      due.run();
    }
    this.time = end;
  }
}

/** Sends `count` numbered datagrams through a relay conditioner; returns what arrived, with arrival times. */
function run(
  conditioner: LinkConditioner,
  count: number,
  { size = 100, spacingMs = 0, clock = new ManualClock() } = {},
): { arrived: { id: number; at: number }[]; clock: ManualClock } {
  const arrived: { id: number; at: number }[] = [];
  const path = new PathConditioner(() => conditioner, 'relay', clock);
  const sender = path.sender((datagram) => {
    arrived.push({ id: new DataView(datagram.buffer).getUint32(0), at: clock.now() });
    return true;
  });
  for (let id = 0; id < count; id++) {
    const datagram = new Uint8Array(size);
    new DataView(datagram.buffer).setUint32(0, id);
    expect(sender.send(datagram)).toBe(true);
    clock.advance(spacingMs);
  }
  clock.advance(10_000);
  return { arrived, clock };
}

describe('link conditioner', () => {
  it('the same seed drops the same datagrams; another seed drops others; the rate is about `loss`', () => {
    const conditions = (seed: number): LinkConditioner => ({ relay: { loss: 0.3 }, seed });
    const dropped = (seed: number): number[] => {
      const kept = new Set(run(conditions(seed), 1000).arrived.map((arrival) => arrival.id));
      return Array.from({ length: 1000 }, (_, id) => id).filter((id) => !kept.has(id));
    };
    const first = dropped(7);
    expect(dropped(7)).toEqual(first);
    expect(dropped(8)).not.toEqual(first);
    expect(first.length).toBeGreaterThan(250);
    expect(first.length).toBeLessThan(350);
  });

  it('delays by latency plus jitter in [0, jitter), and only the conditioned path', () => {
    const { arrived } = run({ relay: { latencyMs: 40, jitterMs: 10 }, seed: 1 }, 200);
    expect(arrived).toHaveLength(200);
    for (const { at } of arrived) {
      expect(at).toBeGreaterThanOrEqual(40);
      expect(at).toBeLessThan(50);
    }
    // Jitter reorders.
    expect(arrived.map((arrival) => arrival.id)).not.toEqual(arrived.map((_, i) => i));
    // `direct` conditions leave the relay alone: straight through, synchronously.
    const clock = new ManualClock();
    const straight = run({ direct: { latencyMs: 40, loss: 1 } }, 5, { clock });
    expect(straight.arrived.map((arrival) => arrival.at)).toEqual([0, 0, 0, 0, 0]);
  });

  it('caps the rate: datagrams leave in order at the cap, and a full queue drops instead of growing', () => {
    // 1,000-byte datagrams at 10,000 B/s: one per 100 ms. 50 sent at once; the queue holds 300 ms.
    const { arrived } = run({ relay: { rateBytesPerSecond: 10_000, maxQueueDelayMs: 300 } }, 50, {
      size: 1000,
    });
    // The first fits the 1,200-byte burst; then one per 100 ms up to 300 ms of waiting.
    expect(arrived.map((arrival) => arrival.id)).toEqual([0, 1, 2, 3]);
    expect(arrived.map((arrival) => Math.round(arrival.at))).toEqual([0, 80, 180, 280]);
    // Sent at the cap's pace, nothing waits and nothing is dropped.
    const paced = run({ relay: { rateBytesPerSecond: 10_000 } }, 20, { size: 1000, spacingMs: 100 });
    expect(paced.arrived).toHaveLength(20);
    for (const { id, at } of paced.arrived) expect(at - id * 100).toBeLessThan(1e-9);
  });

  it('the rate cap is one uplink: all peers on the path share the bucket', () => {
    const clock = new ManualClock();
    const path = new PathConditioner(() => ({ relay: { rateBytesPerSecond: 10_000 } }), 'relay', clock);
    const times: number[] = [];
    const a = path.sender(() => times.push(clock.now()) > 0);
    const b = path.sender(() => times.push(clock.now()) > 0);
    for (let i = 0; i < 2; i++) {
      a.send(new Uint8Array(1000));
      b.send(new Uint8Array(1000));
    }
    clock.advance(1000);
    // Interleaved a, b, a, b through one bucket; the fourth would wait 280 ms, over the default 200: dropped.
    expect(times.map(Math.round)).toEqual([0, 80, 180]);
  });

  it('close drops what it holds and stops its timer', () => {
    const clock = new ManualClock();
    const path = new PathConditioner(() => ({ relay: { latencyMs: 50 } }), 'relay', clock);
    let sent = 0;
    const sender = path.sender(() => ++sent > 0);
    for (let i = 0; i < 10; i++) sender.send(new Uint8Array(10));
    expect(sender.held).toBe(10);
    expect(clock.pending).toBe(1); // one timer for all of them
    sender.close();
    clock.advance(100);
    expect(sent).toBe(0);
    expect(sender.held).toBe(0);
    expect(clock.pending).toBe(0);
    expect(sender.send(new Uint8Array(10))).toBe(false);
  });

  it('the bucket refills at the rate, up to its depth', () => {
    const bucket = new TokenBucket(1200);
    expect(bucket.take(1200, 0, 1000, 1000)).toBe(0);
    expect(bucket.take(500, 0, 1000, 1000)).toBe(500); // 500 bytes of debt at 1,000 B/s
    expect(bucket.take(1000, 0, 1000, 1000)).toBeUndefined(); // would wait 1.5 s: dropped, takes nothing
    expect(bucket.take(500, 1500, 1000, 1000)).toBe(0); // 1.5 s later: 1,000 tokens again
    expect(bucket.take(700, 1_000_000, 1000, 1000)).toBe(0); // long idle: capped at the depth...
    expect(bucket.take(1000, 1_000_000, 1000, 1000)).toBe(500); // ...500 left, so 500 ms
  });
});
