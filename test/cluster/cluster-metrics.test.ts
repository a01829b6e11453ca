import type { LobbyServer } from '@handoff/lobby';
import { afterEach, describe, expect, it } from 'vitest';
import { RawClient } from '../../packages/lobby/test/support/raw-client.js';
import { startNode } from './support/in-process-node.js';
import { redisMissing, TestRedis } from './support/redis-server.js';

const SECRET = 'cluster-metrics-secret-0123456789';
const missing = redisMissing();
if (missing !== undefined) console.log(`SKIPPED: ${missing}`);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const node = (redisUrl: string | undefined, id: string) => startNode(redisUrl, id, SECRET);

/** One sample of a Prometheus text exposition (undefined when absent). */
function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((text) => text.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(url: string): Promise<string> {
  return (await fetch(`http://${new URL(url).host}/metrics`)).text();
}

describe.skipIf(missing !== undefined)('cluster metrics', () => {
  const lobbies: LobbyServer[] = [];
  const clients: RawClient[] = [];
  let redis: TestRedis | undefined;
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const lobby of lobbies.splice(0)) await lobby.stop(200);
    await redis?.stop();
    redis = undefined;
  });

  it('rooms and players per node (from the directory), failovers and Redis latency', async () => {
    redis = await TestRedis.start();
    const a = await node(redis.url, 'm-a');
    const b = await node(redis.url, 'm-b');
    const c = await node(redis.url, 'm-c');
    lobbies.push(a.lobby, b.lobby, c.lobby);
    await sleep(600);
    // Node a: one room of two; node b: one room of one; node c: nothing.
    const alice = await RawClient.welcomed(a.url, 'alice');
    const joined = await alice.createRoom({ name: 'Two', capacity: 4, visibility: 'public' });
    const bob = await RawClient.welcomed(a.url, 'bob');
    await bob.request({ type: 'room:join', code: joined.room.code });
    const carol = await RawClient.welcomed(b.url, 'carol');
    await carol.createRoom({ name: 'One', capacity: 4, visibility: 'public' });
    clients.push(alice, bob, carol);
    await sleep(700); // published (50 ms) and seen by every node's heartbeat (500 ms)
    for (const at of [a, b, c]) {
      const metrics = await scrape(at.url);
      expect(sample(metrics, 'handoff_cluster_node_rooms{node="m-a"}')).toBe(1);
      expect(sample(metrics, 'handoff_cluster_node_members{node="m-a"}')).toBe(2);
      expect(sample(metrics, 'handoff_cluster_node_rooms{node="m-b"}')).toBe(1);
      expect(sample(metrics, 'handoff_cluster_node_members{node="m-b"}')).toBe(1);
      expect(sample(metrics, 'handoff_cluster_node_rooms{node="m-c"}')).toBe(0);
      expect(sample(metrics, 'handoff_cluster_node_members{node="m-c"}')).toBe(0);
      // Two heartbeats a second, each timed.
      expect(sample(metrics, 'handoff_cluster_redis_latency_seconds_count')).toBeGreaterThanOrEqual(2);
      expect(
        sample(metrics, 'handoff_cluster_redis_latency_seconds_bucket{le="+Inf"}'),
      ).toBeGreaterThanOrEqual(2);
      expect(sample(metrics, 'handoff_cluster_failovers_total')).toBe(0);
    }

    // Node a goes; alice's ticket restores the room on node c: one failover there.
    await a.lobby.stop(200);
    const fakeToken = alice.welcome!.sessionToken.replace(/./g, (ch) => (ch === 'A' ? 'B' : 'A'));
    const back = await RawClient.open(c.url);
    clients.push(back);
    expect(
      await back.request({
        type: 'hello',
        protocolVersion: 2,
        resumeToken: fakeToken,
        restore: { ticket: joined.ticket! },
      }),
    ).toMatchObject({ type: 'welcome', playerId: alice.welcome!.playerId });
    await sleep(700);
    const metrics = await scrape(b.url);
    // Node a left the gauges; node c holds the restored room with alice back in it.
    expect(sample(metrics, 'handoff_cluster_node_rooms{node="m-a"}')).toBeUndefined();
    expect(sample(metrics, 'handoff_cluster_node_rooms{node="m-c"}')).toBe(1);
    expect(sample(metrics, 'handoff_cluster_node_members{node="m-c"}')).toBe(1);
    expect(sample(metrics, 'handoff_cluster_node_rooms{node="m-b"}')).toBe(1);
    expect(sample(await scrape(c.url), 'handoff_cluster_failovers_total')).toBe(1);
    expect(sample(metrics, 'handoff_cluster_failovers_total')).toBe(0);
  });
});
