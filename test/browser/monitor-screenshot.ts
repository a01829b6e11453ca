/**
 * Regenerates docs/images/monitor.png: the monitor page in Debian's
 * Chromium for a 16-player room where 8 players try direct links (their 28
 * pairs go direct on loopback) and 8 stay on the relay (`direct: 'never'`),
 * every player broadcasting positions at 10 Hz over a relay with 15 ± 5 ms
 * of added latency. `npx tsx test/browser/monitor-screenshot.ts`.
 */
import pino from 'pino';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../examples/arena/scripts/chromium.js';
import { createLobbyServer } from '../../packages/lobby/src/index.js';
import { connect, type LobbyClient, type Room } from '../../packages/transport/src/index.js';
import { LOAD_CHANNELS, type LoadChannels } from '../../packages/transport/test/support/room-load.js';

const TOKEN = 'monitor-screenshot-token-0123456789';
const lobby = createLobbyServer({
  port: 0,
  host: '127.0.0.1',
  stunPort: false,
  adminToken: TOKEN,
  logger: pino({ level: 'silent' }),
});
const { port } = await lobby.start();
const url = `ws://127.0.0.1:${port}/`;
const names = [
  'ada',
  'bo',
  'cy',
  'dee',
  'eli',
  'fay',
  'gus',
  'hal',
  'ivy',
  'jo',
  'kai',
  'lu',
  'max',
  'ned',
  'oz',
  'pia',
];
const clients: LobbyClient<LoadChannels>[] = [];
const rooms: Room<LoadChannels>[] = [];
for (const [i, name] of names.entries()) {
  const client = await connect<LoadChannels>(url, {
    name,
    channels: LOAD_CHANNELS,
    room: {
      direct: i < 8 ? 'auto' : 'never',
      conditioner: { relay: { latencyMs: 15, jitterMs: 5 } },
    },
  });
  clients.push(client);
  rooms.push(
    i === 0
      ? await client.createRoom({ name: 'Arena #1', capacity: 16, visibility: 'public' })
      : await client.joinRoom({ roomId: rooms[0]!.id }),
  );
}
const timer = setInterval(() => {
  for (const [i, room] of rooms.entries())
    room.broadcast('pos', [{ id: i, x: Math.random() * 100, y: i, z: 0, yaw: 0 }]);
}, 100);
const direct = () => rooms.slice(0, 8).every((room) => room.roomStats().onPath.direct === 7);
const deadline = Date.now() + 30_000;
while (!direct() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
await new Promise((resolve) => setTimeout(resolve, 3000)); // reports of the settled paths
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
await page.goto(`http://127.0.0.1:${port}/monitor?token=${TOKEN}`);
await page.waitForFunction(
  () => ((window as unknown as { monitorUpdates?: number }).monitorUpdates ?? 0) >= 2,
);
await page.screenshot({ path: 'docs/images/monitor.png', fullPage: true });
const cells = {
  direct: await page.locator('td.direct').count(),
  relay: await page.locator('td.relay').count(),
};
console.log(`monitor.png: ${cells.direct} direct cells, ${cells.relay} relay cells`);
await browser.close();
clearInterval(timer);
for (const client of clients) client.close();
await lobby.stop(200);
process.exit(0);
