/**
 * Time to direct of one pair kind, try by try, for investigations: prints one
 * JSON line per try (`t0`: epoch ms when the room was created, to find the
 * try in a packet capture; each side's `timeToDirectMs` and whether it
 * offered). Same lobby and players as `bench/time-to-direct.bench.ts` (two
 * players of one browser share its page here).
 *
 * `node --conditions=handoff-source --import tsx bench/time-to-direct/probe.ts <Node|Chromium|Firefox> <Node|Chromium|Firefox> [tries]`
 *
 * With a capture beside it (`tcpdump -i any -U -w ttd.pcap udp`), `dtls-flights.ts`
 * then tells which stack sent each DTLS ClientHello and which ones were resent.
 *
 * @module
 */
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../examples/arena/scripts/chromium.js';
import { launchFirefox } from '../../examples/arena/scripts/firefox.js';
import { nodeKind, openBenchPage, type PlayerKind, pageKind, servePage, startBenchLobby } from './players.js';

const [left = 'Node', right = 'Node', triesText = '40'] = process.argv.slice(2);
const { lobby, url } = await startBenchLobby();
const site = await servePage();
const closers: (() => Promise<unknown>)[] = [() => site.close(), () => lobby.stop(100)];
const kinds = new Map<string, PlayerKind>([['Node', nodeKind]]);
const open = (browserPage: { goto(url: string): Promise<unknown>; evaluate: unknown }) =>
  openBenchPage(browserPage, site.url);
if ([left, right].includes('Chromium')) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  closers.unshift(() => browser.close());
  kinds.set('Chromium', pageKind('Chromium', await open(await browser.newPage()), url));
}
if ([left, right].includes('Firefox')) {
  const browser = await launchFirefox();
  closers.unshift(() => browser.close());
  kinds.set('Firefox', pageKind('Firefox', await open(await browser.newPage()), url));
}
const kindA = kinds.get(left);
const kindB = kinds.get(right);
if (kindA === undefined || kindB === undefined) throw new Error('kinds: Node, Chromium, Firefox');
// Try -1 warms up (node-datachannel's first load, the JIT).
for (let n = -1; n < Number(triesText); n++) {
  const a = await kindA.open(url, 'a');
  const b = await kindB.open(url, 'b');
  const t0 = Date.now();
  try {
    await b.join(await a.create());
    const [sideA, sideB] = await Promise.all([a.direct(5000), b.direct(5000)]);
    console.log(JSON.stringify({ n, t0, [left]: sideA, [right === left ? `${right} 2` : right]: sideB }));
  } catch (error) {
    console.log(JSON.stringify({ n, t0, error: (error as Error).message }));
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}
for (const close of closers) await close();
process.exit(0);
