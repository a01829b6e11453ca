import { describe, expect, it } from 'vitest';
import { type ChannelDefinition, Session, type SessionStats } from '../src/session/index.js';
import { LinkSimulator, type PathConditions } from '../src/testing/index.js';

const CHANNELS: ChannelDefinition[] = [
  { name: 'chat', kind: 'reliable-ordered' },
  { name: 'pos', kind: 'unreliable-sequenced' },
  { name: 'fx', kind: 'unreliable' },
];

interface Run {
  chat: number[];
  positions: number[];
  sender: SessionStats;
  maxQueuedBytes: number;
  rateAt: (ms: number) => number;
}

/**
 * A sender that wants more than the path carries: positions of `positionBytes`
 * at `hz`, one chat line every 100 ms, over a simulated path with a bandwidth
 * cap (a router queue that drops past 200 ms), for `durationMs`.
 */
function overload(path: PathConditions, hz: number, positionBytes: number, durationMs: number): Run {
  const chat: number[] = [];
  const positions: number[] = [];
  const sender = new Session({ channels: CHANNELS }, { message: () => {} });
  const receiver = new Session(
    { channels: CHANNELS },
    {
      message: (channel, payload) => {
        const n = new DataView(payload.buffer, payload.byteOffset).getUint32(0);
        if (channel === 0) chat.push(n);
        else if (channel === 1) positions.push(n);
      },
    },
  );
  const link = new LinkSimulator({ paths: { p: path }, active: 'p', seed: 9 });
  let sentChat = 0;
  let sentPos = 0;
  let maxQueuedBytes = 0;
  const rates: number[] = [];
  const interval = 1000 / hz;
  let nextPos = 0;
  for (let now = 0; now <= durationMs; now += 5) {
    while (now >= nextPos) {
      const payload = new Uint8Array(positionBytes);
      new DataView(payload.buffer).setUint32(0, sentPos++);
      sender.send('pos', payload);
      nextPos += interval;
    }
    if (now % 100 === 0 && now < durationMs - 3000) {
      const line = new Uint8Array(40);
      new DataView(line.buffer).setUint32(0, sentChat++);
      sender.send('chat', line);
    }
    for (const d of link.deliver('a', now)) sender.receive(d, now);
    for (const d of link.deliver('b', now)) receiver.receive(d, now);
    for (const d of sender.poll(now)) link.send('a', d, now);
    for (const d of receiver.poll(now)) link.send('b', d, now);
    const stats = sender.stats();
    maxQueuedBytes = Math.max(maxQueuedBytes, stats.queuedBytes);
    if (now % 100 === 0) rates.push(stats.sendRateBytesPerSecond);
  }
  expect(chat).toEqual(Array.from({ length: sentChat }, (_, i) => i));
  return {
    chat,
    positions,
    sender: sender.stats(),
    maxQueuedBytes,
    rateAt: (ms) => rates[Math.floor(ms / 100)]!,
  };
}

describe('session congestion control and pacing', () => {
  it('a path slower than the game: the rate settles near capacity, positions thin out newest-first, chat is complete', () => {
    // 40 KB/s path; the game wants 60 Hz × 1000 B = 60 KB/s of positions.
    const path = { latencyMs: 20, bandwidthBytesPerSecond: 40_000, maxQueueDelayMs: 200 };
    const run = overload(path, 60, 1000, 20_000);
    const rate = run.rateAt(15_000);
    expect(rate).toBeGreaterThan(40_000 * 0.4);
    expect(rate).toBeLessThan(40_000 * 2);
    // Thinned, not frozen: positions keep arriving, in order, never an older after a newer.
    expect(run.positions.length).toBeGreaterThan(0.3 * 20 * 60);
    expect(run.positions.length).toBeLessThan(0.9 * 20 * 60);
    for (let i = 1; i < run.positions.length; i++)
      expect(run.positions[i]!).toBeGreaterThan(run.positions[i - 1]!);
    expect(run.sender.unreliableDropped).toBeGreaterThan(0);
    // Memory stays bounded: nothing piles up behind the pacer.
    expect(run.maxQueuedBytes).toBeLessThan(64 * 1024);
  });

  it('a loss-free path: slow start doubles the rate so a bulk transfer is not held back', () => {
    const sender = new Session({ channels: CHANNELS }, { message: () => {} });
    let received = 0;
    const receiver = new Session({ channels: CHANNELS }, { message: () => received++ });
    const link = new LinkSimulator({ paths: { p: { latencyMs: 10 } }, active: 'p', seed: 2 });
    for (let i = 0; i < 1000; i++) sender.send('chat', new Uint8Array(1000)); // 1 MB
    let now = 0;
    for (; received < 1000 && now < 10_000; now += 5) {
      for (const d of link.deliver('a', now)) sender.receive(d, now);
      for (const d of link.deliver('b', now)) receiver.receive(d, now);
      for (const d of sender.poll(now)) link.send('a', d, now);
      for (const d of receiver.poll(now)) link.send('b', d, now);
    }
    expect(received).toBe(1000);
    expect(now).toBeLessThan(1500); // at the initial 256 KiB/s alone it would take ~3.9 s
    expect(sender.stats().sendRateBytesPerSecond).toBeGreaterThan(1024 * 1024);
  });

  it('random loss on an uncongested path lowers the rate but never below the minimum, and chat stays complete', () => {
    const run = overload({ latencyMs: 15, loss: 0.05 }, 60, 60, 10_000);
    expect(run.rateAt(9000)).toBeGreaterThanOrEqual(16 * 1024);
    // 60 Hz × 60 B fits the minimum rate: positions are not thinned beyond the loss itself.
    expect(run.positions.length).toBeGreaterThan(0.85 * 10 * 60);
  });

  it('sendRate: false sends everything at once', () => {
    const sender = new Session({ channels: CHANNELS, sendRate: false }, { message: () => {} });
    for (let i = 0; i < 200; i++) sender.send('chat', new Uint8Array(1000));
    expect(sender.poll(0).length).toBeGreaterThan(150);
    expect(sender.stats().sendRateBytesPerSecond).toBe(Number.POSITIVE_INFINITY);
  });
});
