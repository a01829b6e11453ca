import type { LobbyServer } from '@handoff/lobby';
import { LobbyErrorCode } from '@handoff/protocol/lobby';
import {
  connect,
  type DefaultChannels,
  type LobbyClient,
  LobbyRequestError,
  type Room,
} from '@handoff/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { startNode, waitFor } from './support/in-process-node.js';
import { redisMissing, TestRedis } from './support/redis-server.js';

const SECRET = 'cluster-stall-secret-0123456789';
const missing = redisMissing();
if (missing !== undefined) console.log(`SKIPPED: ${missing}`);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const node = (redisUrl: string | undefined, id: string) => startNode(redisUrl, id, SECRET);

/** How a request ended (the lobby error's name, or 'ok') and how long it took, ms. */
async function timed(request: Promise<unknown>): Promise<{ outcome: string; ms: number }> {
  const started = performance.now();
  const outcome = await request.then(
    () => 'ok',
    (error: unknown) => (error instanceof LobbyRequestError ? error.lobbyCodeName : String(error)),
  );
  return { outcome, ms: Math.round(performance.now() - started) };
}

describe.skipIf(missing !== undefined)('cluster: a frozen Redis (SIGSTOP: no answer, no reset)', () => {
  const lobbies: LobbyServer[] = [];
  const clients: LobbyClient[] = [];
  let redis: TestRedis | undefined;
  afterEach(async () => {
    redis?.thaw();
    for (const client of clients.splice(0)) client.close();
    for (const lobby of lobbies.splice(0)) await lobby.stop(200);
    await redis?.stop();
    redis = undefined;
  });

  it('games keep playing, list / join / quick-join answer Unavailable within 1 s, the cluster works again after SIGCONT', async () => {
    redis = await TestRedis.start();
    const a = await node(redis.url, 'stall-a');
    const b = await node(redis.url, 'stall-b');
    lobbies.push(a.lobby, b.lobby);
    await sleep(600);
    const alice = await connect(a.url, { name: 'alice', room: { direct: 'never' } });
    const bob = await connect(b.url, { name: 'bob', room: { direct: 'never' } });
    // The client's own request timeout is 8 s: anything near it means the lobby hung.
    const carol = await connect(b.url, { name: 'carol', room: { direct: 'never' } });
    clients.push(alice, bob, carol);
    const drops: string[] = [];
    for (const client of [alice, bob]) client.on('connection:lost', () => drops.push(client.name));
    const aliceRoom = await alice.createRoom({ name: 'Frozen', capacity: 4, visibility: 'public' });
    await sleep(150);
    const bobRoom = await bob.joinRoom({ code: aliceRoom.code });
    const rooms: Room<DefaultChannels>[] = [aliceRoom, bobRoom];
    await waitFor(() => rooms.every((room) => room.peers.size === 1));
    const heard: number[] = [];
    bobRoom.on('message', ({ message }) => heard.push(Number(message.text)));
    let sent = 0;
    const tick = setInterval(() => aliceRoom.broadcast('chat', { text: String(++sent) }), 10);
    const answers: { when: string; operation: string; outcome: string; ms: number }[] = [];
    const ask = async (when: string): Promise<void> => {
      answers.push({ when, operation: 'list', ...(await timed(carol.listRooms())) });
      answers.push({ when, operation: 'join', ...(await timed(carol.joinRoom({ code: aliceRoom.code }))) });
      answers.push({ when, operation: 'quick-join', ...(await timed(carol.quickJoin({}))) });
    };
    let recoveredMs = Number.NaN;
    try {
      await waitFor(() => heard.length >= 10);
      redis.freeze();
      const frozenAt = performance.now();
      const before = heard.length;
      // Past the age a list may answer from the node's copy (100 ms): every operation needs Redis.
      await sleep(250);
      await ask('frozen 0.25 s (commands time out)');
      // Past the node TTL (1.5 s) without an answer: the nodes drop their connection and reconnect.
      await sleep(Math.max(0, 3000 - (performance.now() - frozenAt)));
      await ask('frozen 3 s (reconnecting)');
      expect(heard.length).toBeGreaterThan(before + 100);
      redis.thaw();
      const thawedAt = performance.now();
      // Node a publishes its room again (its key expired meanwhile): node b lists it and redirects to it.
      let listed = false;
      while (!listed) {
        if (performance.now() - thawedAt > 5000) throw new Error('the directory did not come back');
        listed = await carol.listRooms().then(
          (list) => list.some((room) => room.id === aliceRoom.id),
          () => false,
        );
        if (!listed) await sleep(50);
      }
      recoveredMs = Math.round(performance.now() - thawedAt);
      const carolRoom = await carol.joinRoom({ code: aliceRoom.code });
      expect(carolRoom.id).toBe(aliceRoom.id);
    } finally {
      clearInterval(tick);
    }
    console.log(
      `redis frozen: ${answers.map((x) => `${x.when} ${x.operation} ${x.outcome} ${x.ms} ms`).join('; ')}; listed again ${recoveredMs} ms after SIGCONT`,
    );
    for (const answer of answers) {
      expect(answer.outcome).toBe('Unavailable');
      expect(answer.ms).toBeLessThan(1000);
    }
    await waitFor(() => heard.length === sent);
    expect(heard).toEqual(Array.from({ length: sent }, (_, n) => n + 1));
    expect(drops).toEqual([]);
    // Heartbeats recovered: Redis counts as up again, and the refusals were counted.
    const metrics = await (await fetch(`http://${new URL(b.url).host}/metrics`)).text();
    expect(metrics).toMatch(/^handoff_cluster_redis_up 1$/m);
    expect(Number(/^handoff_cluster_unavailable_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(6);
    expect(LobbyErrorCode.Unavailable).toBe(16);
  }, 30_000);
});
