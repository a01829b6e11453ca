import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage } from '../../examples/arena/scripts/build-page.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../../examples/arena/scripts/chromium.js';
import { type DemoServer, startDemoServer } from '../../examples/arena/scripts/demo-server.js';
import { type Bot, startBot } from '../../examples/arena/src/bots/bot.js';
import type { DebugPeer } from '../../examples/arena/src/browser/debug-handle.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

const skipReason = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} not found — install Debian's chromium (apt-get install chromium; .ci/run does)`;
if (skipReason !== undefined) console.warn(`arena e2e SKIPPED: ${skipReason}`);

/** The page's remote players; none until the game runs (`window.arena` is the canvas element until then). */
const peersOf = (page: Page): Promise<DebugPeer[]> =>
  page.evaluate(() => (typeof window.arena?.peers === 'function' ? window.arena.peers() : []));

/** Polls `read` until `done` accepts its value; returns it (throws with the last value on timeout). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (performance.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

describe.skipIf(skipReason !== undefined)('arena in Chromium: two pages and a bot in one room', () => {
  let dist: string;
  let server: DemoServer;
  let bot: Bot;
  let browser: Browser;
  const pages: Page[] = [];

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'arena-e2e-'));
    await buildPage(dist);
    server = await startDemoServer({
      distDir: dist,
      port: 0,
      host: '127.0.0.1',
      stunPort: 0,
      logLevel: 'silent',
    });
    bot = await startBot({ lobbyUrl: server.lobbyUrl, name: 'Bot Ada' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await server?.stop();
    if (dist !== undefined) await rm(dist, { recursive: true, force: true });
  });

  it('moves, chats, goes DIRECT between the browsers within 5 s, falls back and back, RTT stepping down', async () => {
    const consoleErrors: string[] = [];
    for (const name of ['Alice', 'Bob']) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
      page.on('pageerror', (error) => consoleErrors.push(`${name}: ${error.message}`));
      await page.goto(`${server.pageUrl}?join=quick&name=${name}`);
      pages.push(page);
    }
    const [alice, bob] = pages as [Page, Page];
    const joinedAt = performance.now();

    // Everyone in one room: each page sees the other page and the bot.
    for (const page of pages) {
      await until(
        () => peersOf(page),
        (peers) => peers.length === 2,
        10_000,
      );
    }
    const roomCodes = await Promise.all(pages.map((page) => page.evaluate(() => window.arena?.roomCode)));
    expect(roomCodes).toEqual([bot.room.code, bot.room.code]);

    // The HUD shows DIRECT for the browser ↔ browser pair, on both sides, within 5 s.
    const card = (page: Page, name: string) => page.locator(`.peer[data-peer-name="${name}"]`);
    await Promise.all([
      card(alice, 'Bob').and(alice.locator('[data-path="direct"]')).waitFor({ timeout: 5000 }),
      card(bob, 'Alice').and(bob.locator('[data-path="direct"]')).waitFor({ timeout: 5000 }),
    ]);
    const directAfterMs = performance.now() - joinedAt;
    await expect.poll(() => card(alice, 'Bob').locator('.path').textContent()).toBe('DIRECT');
    const aliceSeesBob = (await peersOf(alice)).find((peer) => peer.name === 'Bob')!;

    // Each page sees the others move: fly both ships, watch them on the other page.
    const drawnAt = async (page: Page, name: string) => {
      const peer = (await peersOf(page)).find((candidate) => candidate.name === name);
      return { x: peer?.x ?? Number.NaN, y: peer?.y ?? Number.NaN };
    };
    const before = {
      bob: await drawnAt(alice, 'Bob'),
      alice: await drawnAt(bob, 'Alice'),
      bot: await drawnAt(alice, 'Bot Ada'),
    };
    await Promise.all([alice.keyboard.down('ArrowUp'), bob.keyboard.down('ArrowUp')]);
    await new Promise((resolve) => setTimeout(resolve, 900));
    await Promise.all([alice.keyboard.up('ArrowUp'), bob.keyboard.up('ArrowUp')]);
    const moved = (a: { x: number; y: number }, b: { x: number; y: number }): number =>
      Math.hypot(a.x - b.x, a.y - b.y);
    await until(
      () => drawnAt(bob, 'Alice'),
      (now) => moved(now, before.alice) > 100,
      3000,
    );
    await until(
      () => drawnAt(alice, 'Bob'),
      (now) => moved(now, before.bob) > 100,
      3000,
    );
    await until(
      () => drawnAt(alice, 'Bot Ada'),
      (now) => moved(now, before.bot) > 20,
      3000,
    );
    // What the other page draws follows what this page flies (a render delay behind).
    const aliceOwn = await alice.evaluate(() => window.arena!.me());
    expect(moved(await drawnAt(bob, 'Alice'), aliceOwn)).toBeLessThan(120);

    // A chat line typed in one page appears in the other.
    await alice.locator('#chat-input').fill('hello from Alice');
    await alice.locator('#chat-input').press('Enter');
    await bob.locator('#chat-log li', { hasText: 'hello from Alice' }).waitFor({ timeout: 3000 });

    // Browser ↔ bot (node-datachannel): reported, and expected to go direct as well.
    const botPaths = await until(
      async () =>
        Promise.all(
          pages.map(async (page) => (await peersOf(page)).find((peer) => peer.name === 'Bot Ada')?.path),
        ),
      (paths) => paths.every((path) => path === 'direct'),
      5000,
    ).catch((error: Error) => error.message);

    await mkdir(ARTIFACTS, { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a little RTT graph after the switch
    const screenshot = join(ARTIFACTS, 'arena-e2e.png');
    await alice.screenshot({ path: screenshot });
    console.log(
      `arena e2e: browser↔browser DIRECT ${directAfterMs.toFixed(0)} ms after the pages loaded ` +
        `(time to direct in the HUD: ${aliceSeesBob.timeToDirectMs?.toFixed(0)} ms, RTT ${aliceSeesBob.rttMs?.toFixed(1)} ms); ` +
        `browser↔bot: ${JSON.stringify(botPaths)}; screenshot ${screenshot}`,
    );
    expect(botPaths).toEqual(['direct', 'direct']);
    expect(consoleErrors).toEqual([]);

    // "cut direct links" on Alice's page: Bob falls back to the relay (a few seconds of steady relay RTT
    // in Alice's HUD), then goes direct again.
    const bobPath = async () => (await peersOf(alice)).find((peer) => peer.name === 'Bob')?.path;
    await alice.locator('#cut-direct').click();
    await until(bobPath, (path) => path === 'relay', 5000);
    await until(bobPath, (path) => path === 'direct', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    // The simulated internet is on both paths of both browsers (relay +40 ± 10 ms, direct +12 ± 3 ms
    // each way): the HUD's RTT steps down at the switch, from ≈ 90–100 ms on the relay to ≈ 25–35 direct.
    const { relay, direct } = (await peersOf(alice)).find((peer) => peer.name === 'Bob')!.rttByPathMs;
    console.log(
      `arena e2e: Alice sees Bob at RTT ${relay?.toFixed(1)} ms on the relay, ${direct?.toFixed(1)} ms direct`,
    );
    expect(relay).toBeGreaterThanOrEqual(80); // 2 × 40 ms at least: the relay half of the conditioner is on
    expect(direct).toBeLessThan(relay!);
  }, 40_000);
});
