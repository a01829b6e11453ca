/**
 * Retakes the README screenshot (`docs/images/arena.png`): the demo's room —
 * bots Ada and Grace, Bob, and Alice's browser page, all with the simulated
 * internet on — seen from Alice's page once every pair went direct, Bob's
 * direct links were cut for 2 s (fallback to the relay and back, as the
 * page's "cut direct links" button does) and Alice said something in the
 * chat. Each RTT graph shows the relay → direct step down. Bob is a headless
 * player: one rendering page instead of two keeps the machine's load — and
 * so the RTTs the page measures — close to what players see.
 *
 * `node --conditions=handoff-source --import tsx examples/arena/scripts/screenshot.ts [out.png]`
 *
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { type Bot, startBot } from '../src/bots/bot.js';
import type { DebugPeer } from '../src/browser/debug-handle.js';
import { SIMULATED_LAG } from '../src/shared/network-lag.js';
import { buildPage } from './build-page.js';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';
import { startDemoServer } from './demo-server.js';

const OUT = process.argv[2] ?? fileURLToPath(new URL('../../../docs/images/arena.png', import.meta.url));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** The page's remote players; none until the game runs (`window.arena` is the canvas element until then). */
const peersOf = (page: Page): Promise<DebugPeer[]> =>
  page.evaluate(() => (typeof window.arena?.peers === 'function' ? window.arena.peers() : []));

async function until(page: Page, done: (peers: DebugPeer[]) => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done(await peersOf(page))) {
    if (performance.now() > deadline) throw new Error(`timed out: ${JSON.stringify(await peersOf(page))}`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  const dist = await mkdtemp(join(tmpdir(), 'arena-shot-'));
  await buildPage(dist);
  const server = await startDemoServer({
    distDir: dist,
    port: 0,
    host: '127.0.0.1',
    stunPort: 0,
    logLevel: 'silent',
  });
  const bots: Bot[] = [];
  for (const [i, name] of ['Bot Ada', 'Bot Grace'].entries())
    bots.push(await startBot({ lobbyUrl: server.lobbyUrl, name, lag: SIMULATED_LAG, greet: i === 0 }));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  try {
    const alice = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await alice.goto(`${server.pageUrl}?join=quick&name=Alice`);
    await until(alice, (peers) => peers.length === 2, 15_000);
    const bob = await startBot({ lobbyUrl: server.lobbyUrl, name: 'Bob', lag: SIMULATED_LAG });
    bots.push(bob);
    const allDirect = (peers: DebugPeer[]) => peers.length === 3 && peers.every((p) => p.path === 'direct');
    await until(alice, allDirect, 15_000);
    // Fly a little, so Alice's ship leaves a trail.
    await alice.keyboard.down('ArrowUp');
    await sleep(700);
    await alice.keyboard.up('ArrowUp');
    // Soon, so the graphs (their first 5 s stretched over the whole width) still show the first switch.
    // Bob's direct traffic is dropped for 2 s: Alice sees him fall back to the relay, then go direct again.
    bob.room.conditioner = { ...SIMULATED_LAG, direct: { ...SIMULATED_LAG.direct, loss: 1 } };
    setTimeout(() => {
      bob.room.conditioner = SIMULATED_LAG;
    }, 2000);
    await until(alice, (peers) => peers.find((p) => p.name === 'Bob')?.path === 'relay', 5000);
    await until(alice, allDirect, 10_000);
    await alice.locator('#chat-input').fill('gg, that switch was smooth');
    await alice.locator('#chat-input').press('Enter');
    await alice.keyboard.down('ArrowRight');
    await sleep(400);
    await alice.keyboard.up('ArrowRight');
    await sleep(1500); // some direct graph after the way back
    await alice.screenshot({ path: OUT });
    for (const peer of await peersOf(alice)) {
      const { relay, direct } = peer.rttByPathMs;
      console.log(`${peer.name}: relay ${relay?.toFixed(1)} ms → direct ${direct?.toFixed(1)} ms`);
    }
    console.log(`screenshot: ${OUT}`);
  } finally {
    await browser.close();
    await Promise.all(bots.map((bot) => bot.stop()));
    await server.stop();
    await rm(dist, { recursive: true, force: true });
  }
}

await main();
