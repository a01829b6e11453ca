/**
 * Time to direct by pair kind: Chromium↔Chromium, Chromium↔Node,
 * Firefox↔Node, Firefox↔Chromium and Node↔Node, on loopback with a real
 * lobby (its STUN responder on). Each try is a fresh lobby connection per
 * player and a fresh room of two, so the player ids — and with them which
 * side offers — change from try to try; both sides report their own
 * `stats(peer).timeToDirectMs`. Pair kinds take turns try by try, so drifting
 * machine load hits them alike. A browser that is not installed leaves its
 * rows out, with a note saying why.
 *
 * `npm run bench -- --filter time-to-direct` (`--ttd-tries n` instead of 20 tries).
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../examples/arena/scripts/chromium.js';
import { firefoxMissing, launchFirefox } from '../examples/arena/scripts/firefox.js';
import { type BenchOptions, type BenchTable, median, percentile } from './harness.js';
import type { SideResult } from './time-to-direct/client.js';
import {
  nodeKind,
  openBenchPage,
  type PlayerKind,
  pageKind,
  servePage,
  startBenchLobby,
} from './time-to-direct/players.js';

/** One try's two sides, or why it failed. */
interface Try {
  a: SideResult | undefined;
  b: SideResult | undefined;
  error?: string;
}

/** A try whose slower side took longer than this is listed under the table. */
const SLOW_MS = 500;

async function oneTry(url: string, kindA: PlayerKind, kindB: PlayerKind, n: number): Promise<Try> {
  const a = await kindA.open(url, `${kindA.name} a${n}`);
  const b = await kindB.open(url, `${kindB.name} b${n}`);
  try {
    const roomId = await a.create();
    await b.join(roomId);
    const [ra, rb] = await Promise.all([a.direct(5000), b.direct(5000)]);
    return { a: ra, b: rb };
  } catch (error) {
    return { a: undefined, b: undefined, error: (error as Error).message };
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

export default async function timeToDirect({ quick }: BenchOptions): Promise<BenchTable[]> {
  const triesAt = process.argv.indexOf('--ttd-tries');
  const tries = triesAt > 0 ? Number(process.argv[triesAt + 1]) : quick ? 5 : 20;
  const notes: string[] = [];
  const { lobby, url } = await startBenchLobby();
  const site = await servePage();
  const closers: (() => Promise<unknown>)[] = [() => lobby.stop(200), () => site.close()];
  try {
    const kinds = new Map<string, PlayerKind>([['Node', nodeKind]]);
    const open = (browserPage: { goto(url: string): Promise<unknown>; evaluate: unknown }) =>
      openBenchPage(browserPage, site.url);
    if (existsSync(CHROMIUM)) {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
      closers.unshift(() => browser.close());
      // Two pages (two renderer processes): a Chromium↔Chromium pair is two tabs, not one.
      kinds.set('Chromium', pageKind('Chromium', await open(await browser.newPage()), url));
      kinds.set('Chromium 2', pageKind('Chromium', await open(await browser.newPage()), url));
    } else notes.push(`Chromium rows left out: ${CHROMIUM} not found.`);
    const noFirefox = firefoxMissing();
    if (noFirefox === undefined) {
      const browser = await launchFirefox();
      closers.unshift(() => browser.close());
      kinds.set('Firefox', pageKind('Firefox', await open(await browser.newPage()), url));
    } else notes.push(`Firefox rows left out: ${noFirefox}.`);

    const pairs = (
      [
        ['Chromium', 'Chromium 2'],
        ['Chromium', 'Node'],
        ['Firefox', 'Node'],
        ['Firefox', 'Chromium'],
        ['Node', 'Node'],
      ] as const
    ).filter(([a, b]) => kinds.has(a) && kinds.has(b));
    const results = new Map<string, Try[]>(pairs.map(([a, b]) => [`${a}|${b}`, []]));
    // One untimed try per pair kind: loads node-datachannel, warms the JIT and the pages.
    for (const [a, b] of pairs) await oneTry(url, kinds.get(a)!, kinds.get(b)!, -1);
    for (let n = 0; n < tries; n++)
      for (const [a, b] of pairs)
        results.get(`${a}|${b}`)!.push(await oneTry(url, kinds.get(a)!, kinds.get(b)!, n));

    const rows = pairs.map(([a, b]) => {
      const list = results.get(`${a}|${b}`)!;
      const ok = list.filter((t) => t.a !== undefined && t.b !== undefined);
      const sides = ok.flatMap((t) => [t.a!, t.b!]);
      const all = sides.map((side) => side.timeToDirectMs);
      // Which side offered decides the roles (ICE controlling, DTLS client): split the tries by it.
      const leftOffered = ok.filter((t) => t.a!.offerer);
      const rightOffered = ok.filter((t) => t.b!.offerer);
      const bothSides = (tries: Try[]) => tries.flatMap((t) => [t.a!.timeToDirectMs, t.b!.timeToDirectMs]);
      const nameA = kinds.get(a)!.name;
      const nameB = kinds.get(b)!.name;
      for (const [i, t] of list.entries()) {
        if (t.error !== undefined) notes.push(`${nameA}↔${nameB} try ${i + 1} failed: ${t.error}`);
        else if (Math.max(t.a!.timeToDirectMs, t.b!.timeToDirectMs) > SLOW_MS)
          notes.push(
            `${nameA}↔${nameB} try ${i + 1} slow: ${nameA}${t.a!.offerer ? ' (offerer)' : ''} ` +
              `${t.a!.timeToDirectMs.toFixed(0)} ms, ${nameB}${t.b!.offerer ? ' (offerer)' : ''} ` +
              `${t.b!.timeToDirectMs.toFixed(0)} ms`,
          );
      }
      return {
        name: `${nameA} ↔ ${nameB}`,
        values: {
          tries: list.length,
          failed: list.length - ok.length,
          'p50 ms': median(all.length > 0 ? all : [Number.NaN]),
          'p90 ms': percentile(all, 90),
          'max ms': all.length > 0 ? Math.max(...all) : Number.NaN,
          'left offered': leftOffered.length,
          'p90 ms, left offered': percentile(bothSides(leftOffered), 90),
          'p90 ms, right offered': percentile(bothSides(rightOffered), 90),
          [`> ${SLOW_MS} ms`]: all.filter((ms) => ms > SLOW_MS).length,
        },
      };
    });
    return [
      {
        title: `time to direct by pair kind, loopback, real lobby (${tries} tries each, both sides of every try)`,
        baseline: undefined,
        ratioOf: 'p90 ms',
        rowHeader: 'pair',
        higherIsBetter: false,
        rows,
        notes: [
          'Time to direct: `room.stats(peer).timeToDirectMs` on each side (the peer known → the direct link validated); ' +
            'p50/p90/max over both sides of every try. Target: p90 ≤ 300 ms, max ≤ 1000 ms. ' +
            '`left offered`: tries where the left kind of the pair offered (the lower player id offers; ids are random).',
          ...notes,
        ],
      },
    ];
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}
