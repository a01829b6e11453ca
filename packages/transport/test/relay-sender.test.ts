import { afterEach, describe, expect, it, vi } from 'vitest';
import { RelaySender } from '../src/lobby-client/relay-sender.js';

/** The client side of the lobby's push-back (docs: "the client spaces its frames when told"). */
describe('RelaySender', () => {
  afterEach(() => vi.useRealTimers());

  it('bundles everything queued in one go into one frame', async () => {
    const frames: Uint8Array[] = [];
    const sender = new RelaySender((frame) => frames.push(frame) > 0, 16 * 1024, { minIntervalMs: 0 });
    for (let peer = 0; peer < 5; peer++) sender.add(peer, Uint8Array.of(peer));
    await Promise.resolve();
    expect(frames).toHaveLength(1);
    expect(frames[0]![0]).toBe(0x03);
    expect(sender.framesSent).toBe(1);
  });

  it('doubles the gap between frames on each "slow down", up to the maximum, and recovers when the lobby is quiet', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const sent: number[] = [];
    const sender = new RelaySender(() => sent.push(performance.now()) > 0, 16 * 1024, {
      minIntervalMs: 4,
      maxIntervalMs: 50,
    });
    expect(sender.intervalMs).toBe(4);
    sender.slowDown();
    sender.slowDown();
    expect(sender.intervalMs).toBe(16);
    for (let i = 0; i < 5; i++) sender.slowDown();
    expect(sender.intervalMs).toBe(50);
    // Frames are now at least 50 ms apart.
    for (let i = 0; i < 4; i++) {
      sender.add(0, Uint8Array.of(i));
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(200);
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(50);
    // Quiet for a while: each flush after 2 s without a push-back halves the gap again.
    for (let i = 0; i < 6; i++) {
      vi.advanceTimersByTime(2100);
      sender.add(0, Uint8Array.of(i));
      await Promise.resolve(); // a flush due now runs as a microtask
      vi.advanceTimersByTime(60);
    }
    expect(sender.intervalMs).toBe(4);
  });

  it('a frame right after another leaves at once (a burst), while the average rate stays at one per interval', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'queueMicrotask'] });
    const sent: number[] = [];
    const sender = new RelaySender(() => sent.push(performance.now()) > 0, 16 * 1024, {
      minIntervalMs: 4,
      burstFrames: 8,
    });
    // A ping-pong: each reply 0.2 ms after the last frame goes out with no wait (it used to wait 4 ms).
    for (let i = 0; i < 5; i++) {
      const before = performance.now();
      sender.add(0, Uint8Array.of(i));
      await vi.advanceTimersByTimeAsync(0);
      expect(sent.at(-1)).toBe(before);
      vi.advanceTimersByTime(0.2);
    }
    // A game sending from a separate task every millisecond for a second: 1000 / 4 frames, plus the burst.
    sent.length = 0;
    vi.advanceTimersByTime(1000); // the bucket fills again
    for (let t = 0; t < 1000; t++) {
      sender.add(0, Uint8Array.of(t & 0xff));
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(sent.length).toBeGreaterThanOrEqual(250);
    expect(sent.length).toBeLessThanOrEqual(250 + 8 + 1);
  });
});
