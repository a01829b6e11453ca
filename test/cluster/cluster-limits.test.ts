import { createLobbyServer, type LobbyServer } from '@handoff/lobby';
import { LobbyErrorCode } from '@handoff/protocol/lobby';
import { connect, type LobbyClient, LobbyRequestError } from '@handoff/transport';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { redisMissing, TestRedis } from './support/redis-server.js';

const missing = redisMissing();
if (missing !== undefined) console.log(`SKIPPED: ${missing}`);

describe.skipIf(missing !== undefined)('cluster-wide limits', () => {
  const lobbies: LobbyServer[] = [];
  const clients: LobbyClient[] = [];
  let redis: TestRedis | undefined;
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const lobby of lobbies.splice(0)) await lobby.stop(200);
    await redis?.stop();
  });

  it('unknown join codes count per address across nodes: 3 nodes do not give a guesser 3 budgets', async () => {
    redis = await TestRedis.start();
    const urls: string[] = [];
    for (let i = 0; i < 3; i++) {
      const lobby = createLobbyServer({
        port: 0,
        host: '127.0.0.1',
        stunPort: false,
        logger: pino({ level: 'silent' }),
        redis: redis.url,
        nodeId: `limits${i}`,
        // 4 unknown codes a minute per address; the per-player budget is not what is tested.
        limits: { maxFailedCodeLookupsPerMinutePerIp: 4, maxFailedCodeLookupsPerMinute: 100 },
      });
      lobbies.push(lobby);
      urls.push(`ws://127.0.0.1:${(await lobby.start()).port}/`);
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    const guessers = await Promise.all(urls.map((url, i) => connect(url, { name: `g${i}` })));
    clients.push(...guessers);
    const outcomes: string[] = [];
    // 2 guesses on each node: 6 from one address, 2 per node (each node alone would allow all).
    for (let round = 0; round < 2; round++)
      for (const [i, guesser] of guessers.entries()) {
        const outcome = await guesser.joinRoom({ code: `QQQQQQ${round}${i}` }).then(
          () => 'joined',
          (error: unknown) => (error instanceof LobbyRequestError ? error.lobbyCodeName : String(error)),
        );
        outcomes.push(outcome);
      }
    expect(outcomes.slice(0, 4)).toEqual(Array(4).fill('RoomNotFound'));
    expect(outcomes.slice(4)).toEqual(['RateLimited', 'RateLimited']);
    expect(LobbyErrorCode.RateLimited).toBe(5);
  });

  it('room creations count per address across nodes', async () => {
    redis = await TestRedis.start();
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const lobby = createLobbyServer({
        port: 0,
        host: '127.0.0.1',
        stunPort: false,
        logger: pino({ level: 'silent' }),
        redis: redis.url,
        nodeId: `create${i}`,
        limits: { maxRoomsCreatedPerMinutePerIp: 3, maxRoomsCreatedPerMinute: 100 },
      });
      lobbies.push(lobby);
      urls.push(`ws://127.0.0.1:${(await lobby.start()).port}/`);
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    const outcomes: string[] = [];
    // 4 creations from one address, alternating nodes (2 per node: each node alone allows 3).
    for (let i = 0; i < 4; i++) {
      const client = await connect(urls[i % 2]!, { name: `c${i}` });
      clients.push(client);
      outcomes.push(
        await client.createRoom({ name: `r${i}`, capacity: 2, visibility: 'public' }).then(
          () => 'created',
          (error: unknown) => (error instanceof LobbyRequestError ? error.lobbyCodeName : String(error)),
        ),
      );
    }
    expect(outcomes).toEqual(['created', 'created', 'created', 'TooManyRooms']);
  });
});
