/**
 * A lobby (default limits, short headers timeout) with 2,000 public rooms of
 * about 1 KiB of metadata each, and a calm room that plays
 * against it, in a process of their own: the attackers of the hardening
 * suite and of the hardening bench run in the parent, so their own CPU does
 * not show up as the lobby's latency. Prints `{"url": ...}` once ready, then
 * answers one JSON line per command line on stdin (see `lobby-process.ts`):
 * `mark` starts a new window of the calm room's round trips and answers
 * `{"window": id}`; `report <id>` answers that window's figures
 * (`CalmWindow`) with `missing` (datagrams not echoed since the start) and
 * `rssMb`, and forgets the window.
 */
import { createInterface } from 'node:readline';
import { Player } from '../../../packages/lobby/src/player.js';
import { startLobby } from '../../../packages/lobby/test/support/lobby-fixture.js';
import { RawClient } from '../../../packages/lobby/test/support/raw-client.js';
import { CalmRoom } from './calm-room.js';

const { lobby, url } = await startLobby({ limits: { headersTimeoutMs: 1000 } });
// The room:list amplification of #12 row 5: 2,000 public rooms with about
// 1 KiB of metadata each (seated socketless players keep them open).
const fat = { a: 'x'.repeat(250), b: 'y'.repeat(250), c: 'z'.repeat(250), d: 'w'.repeat(240) };
for (let i = 0; i < 2000; i++) {
  const filler = lobby.state.createRoom({
    name: `filler ${i}`,
    capacity: 8,
    visibility: 'public',
    metadata: fat,
  });
  const seated = new Player(`f${i}`, 'f', undefined, `ft${i}`, lobby.limits, performance.now());
  lobby.state.register(seated);
  lobby.state.join(seated, filler, undefined);
}
const a = await RawClient.welcomed(url, 'calm-a');
const b = await RawClient.welcomed(url, 'calm-b');
const room = await a.createRoom({ name: 'Calm', capacity: 2, visibility: 'private' });
await b.request({ type: 'room:join', roomId: room.room.id });
const calm = new CalmRoom(a, b);
calm.start();
process.stdout.write(
  `${JSON.stringify({ url, maxConnectionsPerIp: lobby.limits.maxConnectionsPerIp, maxRooms: lobby.limits.maxRooms })}\n`,
);
for await (const line of createInterface({ input: process.stdin })) {
  const [command, id] = line.split(' ');
  if (command === 'mark') process.stdout.write(`${JSON.stringify({ window: calm.mark() })}\n`);
  else if (command === 'report') {
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    const window = calm.report(Number(id));
    process.stdout.write(`${JSON.stringify({ ...window, missing: calm.missing, rssMb })}\n`);
  }
}
calm.stop();
a.close();
b.close();
await lobby.stop(200);
process.exit(0);
