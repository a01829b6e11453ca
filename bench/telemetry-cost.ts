/**
 * What connectivity telemetry costs the lobby (#15 target: under 2% of the
 * relay's CPU at 16 × 30 Hz). Two measurements:
 *
 * 1. **A/B on a child lobby** (its CPU from `/proc`): a room of 16 real
 *    `@handoff/transport` clients on the relay, positions at 30 Hz and a
 *    chat line a second each, with telemetry off, then on (every client
 *    reports every second) with a monitor polling `/admin/rooms` once a
 *    second. Rounds alternate so drifting machine load hits both alike.
 *    The difference is small against the round-to-round noise, so it is
 *    reported with that noise.
 * 2. **The telemetry work itself**, timed in this process on the same data:
 *    decoding a 15-pair report and recording it (16 a second), and the
 *    monitor's view of the room (the 120 pairs, as JSON, once a second).
 *    Divided by the lobby's relay CPU from (1), this is the share.
 *
 * `npx tsx bench/telemetry-cost.ts [rounds] [seconds]` (default 3 rounds of 10 s).
 */
import { decodeClientMessage, encodeClientMessage, type TelemetryPair } from '@handoff/protocol/lobby';
import pino from 'pino';
import { startChildServer } from '../packages/lobby/bench/load/child-server.js';
import { createLobbyServer } from '../packages/lobby/src/index.js';
import { LoadRoom } from '../packages/transport/test/support/room-load.js';

const TOKEN = 'telemetry-cost-bench-token-0123456789';
const PLAYERS = 16;
const HZ = 30;
const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lobby CPU seconds per second over one measured window of a fresh room. */
async function round(telemetry: boolean): Promise<number> {
  const server = await startChildServer('handoff', {
    pin: false,
    args: ['--limits', 'default', '--admin-token', TOKEN],
  });
  const url = `ws://127.0.0.1:${server.port}/`;
  const room = await LoadRoom.open(url, PLAYERS, { telemetry });
  room.play(HZ);
  let polling = telemetry;
  const poller = (async () => {
    while (polling) {
      await fetch(`http://127.0.0.1:${server.port}/admin/rooms`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      }).then((response) => response.text());
      await sleep(1000);
    }
  })();
  await sleep(3000); // warm-up: first reports, JIT
  const before = server.cpuTimes();
  const started = performance.now();
  await sleep(seconds * 1000);
  const after = server.cpuTimes();
  const elapsed = (performance.now() - started) / 1000;
  polling = false;
  await poller;
  room.close();
  await server.stop();
  return (after.user + after.system - before.user - before.system) / elapsed;
}

/** Per second, ms of lobby work for 16 reports (decode + record) and one monitor view. */
async function telemetryWorkMs(): Promise<{ reportMs: number; viewMs: number; reportBytes: number }> {
  const lobby = createLobbyServer({
    port: 0,
    host: '127.0.0.1',
    stunPort: false,
    logger: pino({ level: 'silent' }),
  });
  const { port } = await lobby.start();
  const room = await LoadRoom.open(`ws://127.0.0.1:${port}/`, PLAYERS, { telemetry: false });
  const lobbyRoom = lobby.state.rooms.get(room.rooms[0]!.id)!;
  const members = lobbyRoom.members;
  const frames = members.map((player) =>
    encodeClientMessage({
      type: 'telemetry',
      requestId: 1234,
      pairs: members
        .filter((peer) => peer !== player)
        .map(
          (peer): TelemetryPair => ({
            peerId: peer.id,
            path: 'relay',
            rttMs: 23.456789,
            nat: { ice: 'unreached' },
          }),
        ),
    }),
  );
  const iterations = 2000;
  let started = performance.now();
  for (let i = 0; i < iterations; i++) {
    for (let p = 0; p < members.length; p++) {
      const message = decodeClientMessage(frames[p]!);
      if (message.type === 'telemetry') lobby.state.telemetry.record(members[p]!, lobbyRoom, message);
    }
  }
  const reportMs = (performance.now() - started) / iterations;
  started = performance.now();
  for (let i = 0; i < iterations; i++) JSON.stringify({ pairs: lobby.state.telemetry.pairs(lobbyRoom) });
  const viewMs = (performance.now() - started) / iterations;
  room.close();
  await lobby.stop(100);
  return { reportMs, viewMs, reportBytes: frames[0]!.length };
}

const off: number[] = [];
const on: number[] = [];
for (let i = 0; i < rounds; i++) {
  off.push(await round(false));
  on.push(await round(true));
  console.log(
    `round ${i + 1}: lobby CPU off ${(off[i]! * 100).toFixed(1)}%, on ${(on[i]! * 100).toFixed(1)}%`,
  );
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
const work = await telemetryWorkMs();
const relayCpu = mean(off);
const workPerSecond = (work.reportMs + work.viewMs) / 1000;
console.log(
  [
    `A/B (${rounds} rounds of ${seconds} s): lobby CPU telemetry off ${(relayCpu * 100).toFixed(1)}% of a core (spread ${(spread(off) * 100).toFixed(1)}), on ${(mean(on) * 100).toFixed(1)}% (spread ${(spread(on) * 100).toFixed(1)}); difference ${((mean(on) - relayCpu) * 100).toFixed(2)} points = ${(((mean(on) - relayCpu) / relayCpu) * 100).toFixed(1)}% of the relay's`,
    `telemetry work: ${PLAYERS} reports of ${PLAYERS - 1} pairs (${work.reportBytes} bytes each) decoded and recorded in ${work.reportMs.toFixed(3)} ms, the monitor view of ${(PLAYERS * (PLAYERS - 1)) / 2} pairs in ${work.viewMs.toFixed(3)} ms: ${(workPerSecond * 1000).toFixed(2)} ms per second = ${((workPerSecond / relayCpu) * 100).toFixed(2)}% of the relay's CPU`,
  ].join('\n'),
);
