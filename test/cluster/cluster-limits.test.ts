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

  it('wrong room passwords count per address across nodes: 2 nodes do not give a guesser 2 budgets', async () => {
    redis = await TestRedis.start();
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const lobby = createLobbyServer({
        port: 0,
        host: '127.0.0.1',
        stunPort: false,
        logger: pino({ level: 'silent' }),
        redis: redis.url,
        nodeId: `password${i}`,
        // 3 wrong passwords a minute per address; the per-player and per-room budgets are not what is tested.
        limits: {
          maxWrongPasswordsPerMinutePerIp: 3,
          maxWrongPasswordsPerMinute: 100,
          maxWrongPasswordsPerMinutePerRoom: 100,
        },
      });
      lobbies.push(lobby);
      urls.push(`ws://127.0.0.1:${(await lobby.start()).port}/`);
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    // A room with a password on each node, and a guesser on each node trying the local room.
    const codes: string[] = [];
    for (const [i, url] of urls.entries()) {
      const owner = await connect(url, { name: `owner${i}` });
      clients.push(owner);
      const room = await owner.createRoom({
        name: `locked${i}`,
        capacity: 4,
        visibility: 'private',
        password: 'right',
      });
      codes.push(room.code);
    }
    const guessers = await Promise.all(urls.map((url, i) => connect(url, { name: `g${i}` })));
    clients.push(...guessers);
    const attempt = (i: number, password: string): Promise<string> =>
      guessers[i]!.joinRoom({ code: codes[i]! }, password).then(
        () => 'joined',
        (error: unknown) => (error instanceof LobbyRequestError ? error.lobbyCodeName : String(error)),
      );
    // The right password gets in (and costs nothing).
    const friend = await connect(urls[1]!, { name: 'friend' });
    clients.push(friend);
    expect((await friend.joinRoom({ code: codes[1]! }, 'right')).code).toBe(codes[1]);
    const outcomes: string[] = [];
    // 4 wrong passwords from one address, alternating nodes (2 per node: each node alone allows 3).
    for (let n = 0; n < 4; n++) outcomes.push(await attempt(n % 2, `wrong${n}`));
    // The budget is spent for the whole cluster: even the right password waits now.
    outcomes.push(await attempt(0, 'right'));
    expect(outcomes).toEqual([
      'WrongPassword',
      'WrongPassword',
      'WrongPassword',
      'RateLimited',
      'RateLimited',
    ]);
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
