/**
 * Directory benchmark of the lobby cluster (#13): `room:list` (all, and
 * filtered), quick-join and join by code over 10,000 rooms, one node alone
 * against a node of a cluster whose rooms live on another node (answers are
 * redirects), plus a join that follows a redirect end to end against a
 * plain join. Needs Debian's `redis-server`.
 *
 *   node --conditions=handoff-source --import tsx bench/cluster-directory.ts [--rooms 10000]
 */
import { createLobbyServer, type LobbyServer } from '@handoff/lobby';
import { connect, type LobbyClient } from '@handoff/transport';
import pino from 'pino';
import { Player } from '../packages/lobby/src/player.js';
import { redisMissing, TestRedis } from '../test/cluster/support/redis-server.js';

const roomsArg = process.argv.indexOf('--rooms');
const ROOMS = roomsArg > 0 ? Number(process.argv[roomsArg + 1]) : 10_000;
const SAMPLES = 200;
const SECRET = 'cluster-bench-secret-0123456789';
const OPEN = {
  maxRoomListsPerMinute: 1e9,
  maxRoomListsPerMinutePerIp: 1e9,
  maxRooms: 1e6,
  maxFailedCodeLookupsPerMinute: 1e9,
  maxFailedCodeLookupsPerMinutePerIp: 1e9,
  maxConnectionsPerIp: 10_000,
  maxRoomsCreatedPerMinute: 1e9,
  maxRoomsCreatedPerMinutePerIp: 1e9,
  maxLiveRoomsPerIp: 1e9,
};

async function node(redis: string | undefined, id: string): Promise<{ lobby: LobbyServer; url: string }> {
  const lobby = createLobbyServer({
    port: 0,
    host: '127.0.0.1',
    stunPort: false,
    logger: pino({ level: 'silent' }),
    resumeSecret: SECRET,
    nodeId: id,
    limits: OPEN,
    ...(redis === undefined ? {} : { redis }),
  });
  const { port } = await lobby.start();
  return { lobby, url: `ws://127.0.0.1:${port}/` };
}

/** Fills a lobby with rooms of 1..3 seated (socketless) players, metadata `mode` a/b/c/d. */
function fill(lobby: LobbyServer, count: number): string[] {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    const room = lobby.state.createRoom({
      name: `room ${i}`,
      capacity: 8,
      visibility: 'public',
      metadata: { mode: 'abcd'[i % 4]!, map: `m${i % 50}` },
    });
    for (let m = 0; m < 1 + (i % 3); m++) {
      const player = new Player(`p${i}x${m}`, 'p', undefined, `t${i}x${m}`, lobby.limits, performance.now());
      lobby.state.register(player);
      lobby.state.join(player, room, undefined);
    }
    codes.push(room.code);
  }
  return codes;
}

async function time(samples: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await run(i);
    out.push(performance.now() - started);
  }
  return out;
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return `p50 ${at(0.5).toFixed(2)} ms | p99 ${at(0.99).toFixed(2)} ms`;
}

async function suite(label: string, client: LobbyClient, touch: () => void): Promise<string[]> {
  const lines: string[] = [];
  const fresh = (run: (i: number) => Promise<unknown>) => (i: number) => {
    touch();
    return run(i);
  };
  lines.push(
    `| ${label} | list, first 100 (cached) | ${stats(await time(SAMPLES, () => client.listRooms()))} |`,
  );
  lines.push(
    `| ${label} | list, first 100 (rooms changed) | ${stats(
      await time(
        SAMPLES,
        fresh(() => client.listRooms()),
      ),
    )} |`,
  );
  lines.push(
    `| ${label} | list, filter mode=b, map=m7 (rooms changed) | ${stats(
      await time(
        SAMPLES,
        fresh(() => client.listRooms({ metadata: { mode: 'b', map: 'm7' } })),
      ),
    )} |`,
  );
  return lines;
}

/** Fresh clients quick-joining (a redirect in the cluster case), each leaving again. */
function quickJoins(url: string): Promise<number[]> {
  return time(50, async (i) => {
    const c = await connect(url, { name: `q${i}`, room: { direct: 'never' } });
    await c.quickJoin({ metadata: { mode: 'abcd'[i % 4]! } });
    await c.leaveRoom(); // (a closed client would keep its seat for the resume grace period)
    c.close();
  });
}

async function main(): Promise<void> {
  const missing = redisMissing();
  if (missing !== undefined) {
    console.log(`SKIPPED: ${missing}`);
    return;
  }
  const lines = ['| setup | operation | latency |', '|---|---|---|'];
  // One node alone, every room local.
  {
    const { lobby, url } = await node(undefined, 'solo');
    const codes = fill(lobby, ROOMS);
    const client = await connect(url, { name: 'bench', room: { direct: 'never' } });
    lines.push(...(await suite(`single node, ${ROOMS} rooms`, client, () => lobby.state.rooms.touch())));
    lines.push(`| single node | connect + quick-join | ${stats(await quickJoins(url))} |`);
    const joins = await time(50, async (i) => {
      const c = await connect(url, { name: `j${i}`, room: { direct: 'never' } });
      await c.joinRoom({ code: codes[i]! });
      await c.leaveRoom();
      c.close();
    });
    lines.push(`| single node | connect + join by code | ${stats(joins)} |`);
    client.close();
    await lobby.stop(100);
  }
  // A cluster: the rooms on node A; the client asks node B.
  {
    const redis = await TestRedis.start();
    const a = await node(redis.url, 'a');
    const b = await node(redis.url, 'b');
    const codes = fill(a.lobby, ROOMS);
    await new Promise((resolve) => setTimeout(resolve, 2000)); // published, heartbeats seen
    const client = await connect(b.url, { name: 'bench', room: { direct: 'never' } });
    // Force a fresh directory read: wait out the 250 ms snapshot.
    const wait = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 260));
    lines.push(
      ...(await suite(`cluster, ${ROOMS} rooms on another node`, client, () => b.lobby.state.rooms.touch())),
    );
    lines.push(
      `| cluster | connect + quick-join, redirected to the owner | ${stats(await quickJoins(b.url))} |`,
    );
    const coldOnly: number[] = [];
    for (let i = 0; i < 40; i++) {
      await wait();
      const started = performance.now();
      await client.listRooms({ metadata: { mode: 'c' } });
      coldOnly.push(performance.now() - started);
    }
    lines.push(`| cluster | list after a directory sync (250 ms old copy) | ${stats(coldOnly)} |`);
    const joins = await time(50, async (i) => {
      const c = await connect(b.url, { name: `j${i}`, room: { direct: 'never' } });
      await c.joinRoom({ code: codes[i]! });
      await c.leaveRoom();
      c.close();
    });
    lines.push(`| cluster | connect + join by code, redirected to the owner | ${stats(joins)} |`);
    client.close();
    await b.lobby.stop(100);
    await a.lobby.stop(100);
    await redis.stop();
  }
  console.log(lines.join('\n'));
  process.exit(0);
}

void main();
