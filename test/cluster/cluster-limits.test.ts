import { createLobbyServer, type LobbyLimitOptions, type LobbyServer } from '@handoff/lobby';
import { LobbyErrorCode } from '@handoff/protocol/lobby';
import { connect, type LobbyClient, LobbyRequestError } from '@handoff/transport';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { redisMissing, TestRedis } from './support/redis-server.js';

const missing = redisMissing();
if (missing !== undefined) console.log(`SKIPPED: ${missing}`);

/** How a request ended: 'ok', or the lobby error's name. */
const outcome = (request: Promise<unknown>): Promise<string> =>
  request.then(
    () => 'ok',
    (error: unknown) => (error instanceof LobbyRequestError ? error.lobbyCodeName : String(error)),
  );

describe.skipIf(missing !== undefined)('cluster-wide limits', () => {
  const lobbies: LobbyServer[] = [];
  const clients: LobbyClient[] = [];
  let redis: TestRedis | undefined;
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const lobby of lobbies.splice(0)) await lobby.stop(200);
    await redis?.stop();
  });

  /** `count` nodes on `redis` with these limits (ids `<prefix>0`…), settled into one cluster; their URLs. */
  async function nodes(count: number, prefix: string, limits: Partial<LobbyLimitOptions>): Promise<string[]> {
    const urls: string[] = [];
    for (let i = 0; i < count; i++) {
      const lobby = createLobbyServer({
        port: 0,
        host: '127.0.0.1',
        stunPort: false,
        logger: pino({ level: 'silent' }),
        redis: redis!.url,
        nodeId: `${prefix}${i}`,
        limits,
      });
      lobbies.push(lobby);
      urls.push(`ws://127.0.0.1:${(await lobby.start()).port}/`);
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    return urls;
  }

  it('unknown join codes count per address across nodes: 3 nodes do not give a guesser 3 budgets', async () => {
    redis = await TestRedis.start();
    // 4 unknown codes a minute per address; the per-player budget is not what is tested.
    const urls = await nodes(3, 'limits', {
      maxFailedCodeLookupsPerMinutePerIp: 4,
      maxFailedCodeLookupsPerMinute: 100,
    });
    const guessers = await Promise.all(urls.map((url, i) => connect(url, { name: `g${i}` })));
    clients.push(...guessers);
    const outcomes: string[] = [];
    // 2 guesses on each node: 6 from one address, 2 per node (each node alone would allow all).
    for (let round = 0; round < 2; round++)
      for (const [i, guesser] of guessers.entries())
        outcomes.push(await outcome(guesser.joinRoom({ code: `QQQQQQ${round}${i}` })));
    expect(outcomes.slice(0, 4)).toEqual(Array(4).fill('RoomNotFound'));
    expect(outcomes.slice(4)).toEqual(['RateLimited', 'RateLimited']);
    expect(LobbyErrorCode.RateLimited).toBe(5);
  });

  it('wrong room passwords count per address across nodes: 2 nodes do not give a guesser 2 budgets', async () => {
    redis = await TestRedis.start();
    // 3 wrong passwords a minute per address; the per-player and per-room budgets are not what is tested.
    const urls = await nodes(2, 'password', {
      maxWrongPasswordsPerMinutePerIp: 3,
      maxWrongPasswordsPerMinute: 100,
      maxWrongPasswordsPerMinutePerRoom: 100,
    });
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
      outcome(guessers[i]!.joinRoom({ code: codes[i]! }, password));
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
    const urls = await nodes(2, 'create', {
      maxRoomsCreatedPerMinutePerIp: 3,
      maxRoomsCreatedPerMinute: 100,
    });
    const outcomes: string[] = [];
    // 4 creations from one address, alternating nodes (2 per node: each node alone allows 3).
    for (let i = 0; i < 4; i++) {
      const client = await connect(urls[i % 2]!, { name: `c${i}` });
      clients.push(client);
      outcomes.push(await outcome(client.createRoom({ name: `r${i}`, capacity: 2, visibility: 'public' })));
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'TooManyRooms']);
  });

  /** 12 guessers from one address, 4 on each of 3 fresh nodes with these limits; all guess at once. */
  async function parallelGuessers(prefix: string, limits: Partial<LobbyLimitOptions>) {
    redis = await TestRedis.start();
    const urls = await nodes(3, prefix, limits);
    const guessers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => connect(urls[i % 3]!, { name: `${prefix}${i}` })),
    );
    clients.push(...guessers);
    return { urls, guessers };
  }

  // Each node alone would allow 4, so 3 nodes that read the count and add to it later allowed 12.
  it('a parallel batch of unknown codes over every node cannot overrun the budget: taking is atomic', async () => {
    const { guessers } = await parallelGuessers('codes', {
      maxFailedCodeLookupsPerMinutePerIp: 4,
      maxFailedCodeLookupsPerMinute: 100,
    });
    const codes = await Promise.all(
      guessers.map((guesser, i) =>
        outcome(guesser.joinRoom({ code: `RRRRRR${String(i).padStart(2, 'R')}` })),
      ),
    );
    expect([...codes].sort()).toEqual([...Array(8).fill('RateLimited'), ...Array(4).fill('RoomNotFound')]);
  });

  it('a parallel batch of wrong passwords over every node cannot overrun the budget: taking is atomic', async () => {
    const { urls, guessers } = await parallelGuessers('passwords', {
      maxWrongPasswordsPerMinutePerIp: 4,
      maxWrongPasswordsPerMinute: 100,
      maxWrongPasswordsPerMinutePerRoom: 100,
    });
    // A room with a password on each node; each guesser tries the room of its own node.
    const rooms: string[] = [];
    for (const [i, url] of urls.entries()) {
      const owner = await connect(url, { name: `o${i}` });
      clients.push(owner);
      rooms.push(
        (await owner.createRoom({ name: `l${i}`, capacity: 8, visibility: 'private', password: 'pw' })).code,
      );
    }
    const passwords = await Promise.all(
      guessers.map((guesser, i) => outcome(guesser.joinRoom({ code: rooms[i % 3]! }, `bad${i}`))),
    );
    expect([...passwords].sort()).toEqual([
      ...Array(8).fill('RateLimited'),
      ...Array(4).fill('WrongPassword'),
    ]);
  });
});
