import type { LobbyServer } from '@handoff/lobby';
import { LobbyErrorCode } from '@handoff/protocol/lobby';
import { connect, type DefaultChannels, type LobbyClient, type Room } from '@handoff/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { startNode, waitFor } from './support/in-process-node.js';
import { redisMissing, TestRedis } from './support/redis-server.js';

const SECRET = 'cluster-trouble-secret-0123456789';
const missing = redisMissing();
if (missing !== undefined) console.log(`SKIPPED: ${missing}`);

const node = (redisUrl: string | undefined, id: string) => startNode(redisUrl, id, SECRET);

describe('cluster: Redis trouble, and no Redis at all', () => {
  const lobbies: LobbyServer[] = [];
  const clients: LobbyClient[] = [];
  let redis: TestRedis | undefined;
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const lobby of lobbies.splice(0)) await lobby.stop(200);
    await redis?.stop();
    redis = undefined;
  });

  it.skipIf(missing !== undefined)(
    'Redis restarted mid-game: the game goes on, directory operations answer Unavailable, nodes re-register',
    async () => {
      redis = await TestRedis.start();
      const a = await node(redis.url, 'a');
      const b = await node(redis.url, 'b');
      lobbies.push(a.lobby, b.lobby);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const alice = await connect(a.url, { name: 'alice', room: { direct: 'never' } });
      const bob = await connect(b.url, { name: 'bob', room: { direct: 'never' } });
      const carol = await connect(b.url, {
        name: 'carol',
        room: { direct: 'never' },
        requestTimeoutMs: 3000,
      });
      clients.push(alice, bob, carol);
      const drops: string[] = [];
      for (const client of [alice, bob]) client.on('connection:lost', () => drops.push(client.name));
      const aliceRoom = await alice.createRoom({ name: 'Calm', capacity: 4, visibility: 'public' });
      await new Promise((resolve) => setTimeout(resolve, 150));
      const bobRoom = await bob.joinRoom({ code: aliceRoom.code });
      const rooms: Room<DefaultChannels>[] = [aliceRoom, bobRoom];
      await waitFor(() => rooms.every((room) => room.peers.size === 1));
      const heard: number[] = [];
      bobRoom.on('message', ({ message }) => heard.push(Number(message.text)));
      let sent = 0;
      const tick = setInterval(() => aliceRoom.broadcast('chat', { text: String(++sent) }), 10);
      try {
        await waitFor(() => heard.length >= 10);
        await redis.stop();
        const before = heard.length;
        await new Promise((resolve) => setTimeout(resolve, 800));
        expect(heard.length).toBeGreaterThan(before + 30);
        // Directory operations: a typed error, at once.
        await expect(carol.listRooms()).rejects.toMatchObject({ lobbyCode: LobbyErrorCode.Unavailable });
        await expect(carol.joinRoom({ code: aliceRoom.code })).rejects.toMatchObject({
          lobbyCode: LobbyErrorCode.Unavailable,
        });
        await redis.restart(); // empty: every key is gone
        // Node a publishes its room again: node b lists it and redirects to it.
        const deadline = Date.now() + 5000;
        let listed = false;
        while (!listed && Date.now() < deadline) {
          listed = await carol.listRooms().then(
            (list) => list.some((room) => room.id === aliceRoom.id),
            () => false,
          );
          if (!listed) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(listed).toBe(true);
        const carolRoom = await carol.joinRoom({ code: aliceRoom.code });
        expect(carolRoom.id).toBe(aliceRoom.id);
      } finally {
        clearInterval(tick);
      }
      await waitFor(() => heard.length === sent);
      expect(heard).toEqual(Array.from({ length: sent }, (_, n) => n + 1));
      expect(drops).toEqual([]);
    },
    30_000,
  );

  it.skipIf(missing !== undefined)(
    'a node started while Redis is down keeps serving its own rooms',
    async () => {
      redis = await TestRedis.start();
      const url = redis.url;
      await redis.stop();
      const a = await node(url, 'lonely');
      lobbies.push(a.lobby);
      const alice = await connect(a.url, { name: 'alice', room: { direct: 'never' } });
      clients.push(alice);
      const room = await alice.createRoom({ name: 'Solo', capacity: 2, visibility: 'public' });
      expect(room.code).toMatch(/^[A-Z0-9]+$/);
      await expect(alice.listRooms()).rejects.toMatchObject({ lobbyCode: LobbyErrorCode.Unavailable });
    },
  );

  it('without redis: one process as before, no cluster metrics, lists answered locally', async () => {
    const a = await node(undefined, 'solo');
    lobbies.push(a.lobby);
    const alice = await connect(a.url, { name: 'alice', room: { direct: 'never' } });
    clients.push(alice);
    const room = await alice.createRoom({ name: 'Local', capacity: 2, visibility: 'public' });
    expect((await alice.listRooms()).map((entry) => entry.id)).toEqual([room.id]);
    const metrics = await (await fetch(`http://${new URL(a.url).host}/metrics`)).text();
    expect(metrics).not.toContain('handoff_cluster_');
  });
});
