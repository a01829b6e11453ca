/**
 * Retakes the README screenshot (`docs/images/arena.png`): the demo's room —
 * two bots and two browser pages (Alice, Bob), all with the simulated
 * internet on — seen from Alice's page once every pair went direct, Bob cut
 * his direct links once (fallback to the relay and back) and Alice said
 * something in the chat. Each RTT graph shows the relay → direct step down.
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
const peersOf = (page: Page): Promise<DebugPeer[]> => page.evaluate(() => window.arena?.peers() ?? []);

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
    const pages: Page[] = [];
    for (const name of ['Alice', 'Bob']) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
      await page.goto(`${server.pageUrl}?join=quick&name=${name}`);
      pages.push(page);
    }
    const [alice, bob] = pages as [Page, Page];
    const allDirect = (peers: DebugPeer[]) => peers.length === 3 && peers.every((p) => p.path === 'direct');
    for (const page of pages) await until(page, allDirect, 15_000);
    // Fly a little, so the ships are spread over the arena and leave trails.
    await Promise.all([alice.keyboard.down('ArrowUp'), bob.keyboard.down('ArrowLeft')]);
    await sleep(700);
    await Promise.all([alice.keyboard.up('ArrowUp'), bob.keyboard.up('ArrowLeft')]);
    await sleep(3000);
    // Bob cuts his direct links for 2 s: Alice sees him fall back to the relay, then go direct again.
    await bob.locator('#cut-direct').click();
    await until(alice, (peers) => peers.find((p) => p.name === 'Bob')?.path === 'relay', 5000);
    await until(alice, allDirect, 10_000);
    await alice.locator('#chat-input').fill('gg, that switch was smooth');
    await alice.locator('#chat-input').press('Enter');
    await alice.keyboard.down('ArrowRight');
    await sleep(400);
    await alice.keyboard.up('ArrowRight');
    await sleep(2500); // some direct graph after the way back
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
