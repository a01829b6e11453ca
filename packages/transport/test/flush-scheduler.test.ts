import { describe, expect, it } from 'vitest';
import { type Flushable, FlushScheduler } from '../src/room/flush-scheduler.js';

/** A link that counts its flushes, or throws on each when `broken`. */
class Link implements Flushable {
  flushes = 0;
  constructor(readonly broken = false) {}
  flush(): void {
    this.flushes++;
    if (this.broken) throw new Error('native send failed');
  }
}

describe('FlushScheduler (#12: per-peer failures inside a loop over peers)', () => {
  it('a link that throws is reported, every other link is still flushed, and nothing is thrown from the timer', async () => {
    const links = [new Link(), new Link(true), new Link()];
    const errors: { link: Link; message: string }[] = [];
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const scheduler = new FlushScheduler(
      () => links,
      5,
      (link, error) => errors.push({ link, message: (error as Error).message }),
    );
    try {
      // From a microtask (a game's send)…
      for (const link of links) scheduler.schedule(link);
      await Promise.resolve();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(links.map((link) => link.flushes)).toEqual([1, 1, 1]);
      expect(errors).toEqual([{ link: links[1], message: 'native send failed' }]);
      // …and from the steady tick.
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(links[0]!.flushes).toBeGreaterThan(2);
      expect(links[2]!.flushes).toBe(links[0]!.flushes);
      expect(errors.length).toBe(links[1]!.flushes);
      // A link scheduled again after a failure is flushed again (the dirty set was cleared).
      const before = links[0]!.flushes;
      scheduler.schedule(links[0]!);
      await Promise.resolve();
      expect(links[0]!.flushes).toBe(before + 1);
      expect(uncaught).toEqual([]);
    } finally {
      scheduler.stop();
      process.off('uncaughtException', onUncaught);
    }
  });

  it("a throwing error listener (the game's bug) surfaces, but every other link is still flushed and the next flush works", async () => {
    const links = [new Link(true), new Link(), new Link(true), new Link()];
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const scheduler = new FlushScheduler(
      (): Link[] => [],
      1000,
      () => {
        throw new Error('listener bug');
      },
    );
    try {
      for (const link of links) scheduler.schedule(link);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(links.map((link) => link.flushes)).toEqual([1, 1, 1, 1]);
      expect(uncaught.map((error) => (error as Error).message)).toEqual(['listener bug']);
      scheduler.schedule(links[1]!);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(links.map((link) => link.flushes)).toEqual([1, 2, 1, 1]);
    } finally {
      scheduler.stop();
      process.off('uncaughtException', onUncaught);
    }
  });
});
