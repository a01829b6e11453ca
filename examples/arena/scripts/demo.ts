/**
 * `npm run demo`: builds the arena page, starts a lobby with its STUN
 * responder, serves the page, starts bots and prints the URL to open.
 * `--headless` prints a live table of peers instead. Ctrl-C stops it all.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { type Bot, startBot } from '../src/bots/bot.js';
import { describeLag, SIMULATED_LAG } from '../src/shared/network-lag.js';
import { buildPage, DEFAULT_DIST } from './build-page.js';
import { DEMO_HELP, parseDemoOptions } from './demo-options.js';
import { startDemoServer } from './demo-server.js';
import { peerTable } from './peer-table.js';

const BOT_NAMES = ['Bot Ada', 'Bot Grace', 'Bot Linus', 'Bot Radia', 'Bot Ken', 'Bot Barbara', 'Bot Edsger'];

/** Addresses other machines on the network can use to open the page. */
function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && address.family === 'IPv4' && !address.internal)
    .map((address) => address!.address);
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseDemoOptions>;
  try {
    options = parseDemoOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n\n${DEMO_HELP}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${DEMO_HELP}\n`);
    return;
  }
  const lag = options.lag ? SIMULATED_LAG : undefined;
  if (options.build && !options.headless) {
    const started = performance.now();
    process.stdout.write('building the page… ');
    await buildPage(DEFAULT_DIST);
    process.stdout.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const server = await startDemoServer({
    distDir: DEFAULT_DIST,
    port: options.port,
    host: options.host,
    stunPort: options.stunPort,
  });
  const log = options.headless ? () => undefined : (line: string) => process.stdout.write(`  ${line}\n`);
  const bots: Bot[] = [];
  for (let i = 0; i < options.bots; i++) {
    bots.push(await startBot({ lobbyUrl: server.lobbyUrl, name: BOT_NAMES[i]!, lag, greet: i === 0, log }));
  }
  const query = options.lag ? '' : '?lag=off';
  let table: ReturnType<typeof setInterval> | undefined;
  if (options.headless) {
    const tty = process.stdout.isTTY === true;
    const heading = (): string =>
      `Handoff arena (headless) — lobby ${server.lobbyUrl}, room ${bots[0]?.room.code ?? '—'}\n${describeLag(lag)}\n${
        existsSync(join(DEFAULT_DIST, 'index.html'))
          ? `browsers can join too: ${server.pageUrl}${query}`
          : 'no page built yet (run once without --headless to build it)'
      }  (Ctrl-C stops)`;
    const draw = (): void => {
      process.stdout.write(`${tty ? '\x1b[H\x1b[2J' : '\n'}${peerTable(bots, heading())}`);
    };
    draw();
    table = setInterval(draw, tty ? 500 : 5000);
  } else {
    const lan = options.host === '0.0.0.0' ? lanAddresses() : [];
    process.stdout.write(
      [
        '',
        `  Handoff arena is running — open ${server.pageUrl}${query}`,
        ...lan.map(
          (address) => `  (on your network: http://${address}:${new URL(server.pageUrl).port}/${query})`,
        ),
        `  lobby ${server.lobbyUrl}, STUN on UDP ${server.stunPort ?? 'off'}; ${options.bots} bots in room ${bots[0]?.room.code ?? '—'}`,
        `  ${describeLag(lag)}`,
        '  Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(table);
    process.stdout.write('\nstopping…\n');
    Promise.all(bots.map((bot) => bot.stop()))
      .then(() => server.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const text =
    (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `${(error as Error).message} — try --port`
      : String((error as Error)?.stack ?? error);
  process.stderr.write(`demo: ${text}\n`);
  process.exit(1);
});
