/**
 * Directory benchmark of the lobby cluster (#13): `room:list` (all, and
 * filtered), quick-join and join by code over 10,000 rooms, one node alone
 * against a node of a cluster whose rooms live on another node (answers are
 * redirects), plus a join that follows a redirect end to end against a
 * plain join. Needs Debian's `redis-server` (without it: a note, no rows).
 *
 *   npm run bench -- --filter cluster-directory [--rooms 10000]
 *
 * `--quick`: 1,000 rooms and a tenth of the samples (proves it runs).
 */
import { createLobbyServer, type LobbyServer } from '@handoff/lobby';
import { connect, type LobbyClient } from '@handoff/transport';
import pino from 'pino';
import { Player } from '../packages/lobby/src/player.js';
import { redisMissing, TestRedis } from '../test/cluster/support/redis-server.js';
import type { BenchOptions, BenchRow, BenchTable } from './harness.js';

const roomsArg = process.argv.indexOf('--rooms');
/** Samples per list row, per join row, per cold-list row (a tenth with `--quick`). */
let SAMPLES = 200;
let JOINS = 50;
let COLD = 40;
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

/** Latencies of one operation in one setup: p50 and p99, ms. */
type Measured = Map<string, { p50: number; p99: number }>;

function record(into: Measured, operation: string, values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  into.set(operation, { p50: at(0.5), p99: at(0.99) });
}

const LIST = 'list, first 100 (cached answer)';
const LIST_CHANGED = 'list, first 100 (rooms changed)';
const LIST_FILTER = 'list, filter mode=b, map=m7 (rooms changed)';
const QUICK_JOIN = 'connect + quick-join (cluster: redirected to the owner)';
const JOIN = 'connect + join by code (cluster: redirected to the owner)';
const LIST_SYNCED = 'list after a directory sync (copy 260 ms old)';

async function lists(into: Measured, client: LobbyClient, touch: () => void): Promise<void> {
  const fresh = (run: (i: number) => Promise<unknown>) => (i: number) => {
    touch();
    return run(i);
  };
  record(into, LIST, await time(SAMPLES, () => client.listRooms()));
  record(
    into,
    LIST_CHANGED,
    await time(
      SAMPLES,
      fresh(() => client.listRooms()),
    ),
  );
  record(
    into,
    LIST_FILTER,
    await time(
      SAMPLES,
      fresh(() => client.listRooms({ metadata: { mode: 'b', map: 'm7' } })),
    ),
  );
}

/** Fresh clients joining by code (a redirect in the cluster case), each leaving again. */
function joinsByCode(url: string, codes: readonly string[]): Promise<number[]> {
  return time(JOINS, async (i) => {
    const c = await connect(url, { name: `j${i}`, room: { direct: 'never' } });
    await c.joinRoom({ code: codes[i]! });
    await c.leaveRoom();
    c.close();
  });
}

/** Fresh clients quick-joining (a redirect in the cluster case), each leaving again. */
function quickJoins(url: string): Promise<number[]> {
  return time(JOINS, async (i) => {
    const c = await connect(url, { name: `q${i}`, room: { direct: 'never' } });
    await c.quickJoin({ metadata: { mode: 'abcd'[i % 4]! } });
    await c.leaveRoom(); // (a closed client would keep its seat for the resume grace period)
    c.close();
  });
}

export default async function clusterDirectory({ quick }: BenchOptions): Promise<BenchTable[]> {
  const rooms = roomsArg > 0 ? Number(process.argv[roomsArg + 1]) : quick ? 1000 : 10_000;
  if (quick) [SAMPLES, JOINS, COLD] = [20, 5, 4];
  const title = `cluster directory: ${rooms} rooms, one node alone vs a node whose rooms all live on another`;
  const missing = redisMissing();
  if (missing !== undefined)
    return [
      { title, baseline: undefined, ratioOf: 'p50 ms', higherIsBetter: false, rows: [], notes: [missing] },
    ];
  const single: Measured = new Map();
  const cluster: Measured = new Map();
  // One node alone, every room local.
  {
    const { lobby, url } = await node(undefined, 'solo');
    const codes = fill(lobby, rooms);
    const client = await connect(url, { name: 'bench', room: { direct: 'never' } });
    await lists(single, client, () => lobby.state.rooms.touch());
    record(single, QUICK_JOIN, await quickJoins(url));
    record(single, JOIN, await joinsByCode(url, codes));
    client.close();
    await lobby.stop(100);
  }
  // A cluster: the rooms on node A; the clients ask node B.
  {
    const redis = await TestRedis.start();
    const a = await node(redis.url, 'a');
    const b = await node(redis.url, 'b');
    try {
      const codes = fill(a.lobby, rooms);
      await new Promise((resolve) => setTimeout(resolve, 2000)); // published, heartbeats seen
      const client = await connect(b.url, { name: 'bench', room: { direct: 'never' } });
      await lists(cluster, client, () => b.lobby.state.rooms.touch());
      record(cluster, QUICK_JOIN, await quickJoins(b.url));
      // Past the copy's 100 ms age (and the heartbeat's 250 ms one): the list syncs first.
      const synced: number[] = [];
      for (let i = 0; i < COLD; i++) {
        await new Promise((resolve) => setTimeout(resolve, 260));
        const started = performance.now();
        await client.listRooms({ metadata: { mode: 'c' } });
        synced.push(performance.now() - started);
      }
      record(cluster, LIST_SYNCED, synced);
      record(cluster, JOIN, await joinsByCode(b.url, codes));
      client.close();
    } finally {
      await b.lobby.stop(100);
      await a.lobby.stop(100);
      await redis.stop();
    }
  }
  const rows: BenchRow[] = [LIST, LIST_CHANGED, LIST_FILTER, LIST_SYNCED, QUICK_JOIN, JOIN].map((name) => {
    const values: Record<string, number> = {};
    const alone = single.get(name);
    const spread = cluster.get(name);
    if (alone !== undefined)
      Object.assign(values, { 'single p50 ms': alone.p50, 'single p99 ms': alone.p99 });
    if (spread !== undefined)
      Object.assign(values, { 'cluster p50 ms': spread.p50, 'cluster p99 ms': spread.p99 });
    if (alone !== undefined && spread !== undefined) values['cluster/single p50'] = spread.p50 / alone.p50;
    return { name, values };
  });
  return [
    {
      title,
      rowHeader: 'operation',
      baseline: undefined,
      ratioOf: 'cluster p50 ms',
      higherIsBetter: false,
      rows,
      notes: [
        `Everything (nodes, clients, Redis) on this machine; ${SAMPLES} samples per list row, ${JOINS} per join row, ${COLD} after a sync. Targets (#13): list over 10k rooms ≤ 20 ms p99; join by code across nodes ≤ 1.5× the single-node join.`,
      ],
    },
  ];
}
