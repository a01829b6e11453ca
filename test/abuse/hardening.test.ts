import { type ChildProcess, spawn } from 'node:child_process';
import { type Socket, connect as tcpConnect } from 'node:net';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LobbyErrorCode, type ServerMessage } from '@handoff/protocol/lobby';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../packages/lobby/test/support/raw-client.js';

const server = fileURLToPath(new URL('./support/lobby-with-calm-room.ts', import.meta.url));

/** The lobby and its calm room, in a child process (see `lobby-with-calm-room.ts`). */
class LobbyProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
    readonly url: string,
    readonly maxConnectionsPerIp: number,
    readonly maxRooms: number,
  ) {}

  static async start(): Promise<LobbyProcess> {
    const child = spawn(process.execPath, ['--conditions=handoff-source', '--import', 'tsx', server], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const reader: Interface = createInterface({ input: child.stdout! });
    const lines = reader[Symbol.asyncIterator]();
    const first = JSON.parse((await lines.next()).value as string) as {
      url: string;
      maxConnectionsPerIp: number;
      maxRooms: number;
    };
    return new LobbyProcess(child, lines, first.url, first.maxConnectionsPerIp, first.maxRooms);
  }

  async stats(): Promise<{ p99: number; missing: number; rssMb: number }> {
    this.child.stdin!.write('stats\n');
    return JSON.parse((await this.lines.next()).value as string);
  }

  async stop(): Promise<void> {
    this.child.stdin!.end();
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}

/**
 * The attacks of issue #12 against one lobby with default limits (except a
 * short headers timeout, to keep the suite fast), each from its own loopback
 * address — per-address limits must hold however many connections that
 * address opens. A calm room beside them must keep its latency and lose
 * nothing.
 */
describe('hardening: attacks from one address, a calm room beside them', () => {
  let lobby: LobbyProcess;
  let url: string;
  let baseline = 0;
  let rssBefore = 0;
  const others: RawClient[] = [];

  const from = async (address: string, name = 'mallory'): Promise<RawClient> => {
    const client = await RawClient.open(url, { localAddress: address });
    others.push(client);
    await client.hello(name);
    return client;
  };
  const code = (message: ServerMessage): number => (message.type === 'error' ? message.code : -1);
  /**
   * The calm room's relay p99 during the attack. The target is 2× its
   * baseline, which quiet runs of this file meet (the figures are printed);
   * under `npm test` other test files run in parallel on the same two cores
   * (p99 of 40 ms seen from that alone), so the assertion allows 50 ms over
   * the baseline: it still catches what the attacks did before they were
   * contained (p99 83 ms for the room list, seconds for the slowloris).
   */
  const expectCalm = async (label: string): Promise<void> => {
    const { p99 } = await lobby.stats();
    console.log(`${label}: calm room relay p99 ${p99.toFixed(2)} ms (baseline ${baseline.toFixed(2)} ms)`);
    expect(p99).toBeLessThanOrEqual(Math.max(2 * baseline, baseline + 50));
  };

  beforeAll(async () => {
    lobby = await LobbyProcess.start();
    url = lobby.url;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stats = await lobby.stats();
    baseline = stats.p99;
    rssBefore = stats.rssMb;
  });

  afterAll(async () => {
    for (const client of others) client.close();
    await lobby.stop();
  });

  it('room-table exhaustion: one address holds at most 1% of maxRooms, however many players it opens', async () => {
    const attackers = await Promise.all(Array.from({ length: 16 }, (_, i) => from('127.0.0.2', `a${i}`)));
    let created = 0;
    let refused = 0;
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        attackers.map(async (attacker) => {
          const reply = await attacker.request({
            type: 'room:create',
            name: 'x',
            capacity: 2,
            visibility: 'public',
          });
          if (reply.type === 'room:joined') {
            created++;
            await attacker.request({ type: 'room:leave' });
          } else {
            expect(code(reply)).toBe(LobbyErrorCode.TooManyRooms);
            refused++;
          }
        }),
      );
    }
    // 320 attempts: the address's burst (30 a minute) passes, the rest is refused.
    expect(created).toBeLessThanOrEqual(30);
    expect(refused).toBeGreaterThan(250);
    expect(created).toBeLessThanOrEqual(lobby.maxRooms / 100);
    // An honest player from another address still creates and quick-joins.
    const honest = await from('127.0.0.1', 'honest');
    expect((await honest.createRoom({ name: 'mine', capacity: 4, visibility: 'public' })).type).toBe(
      'room:joined',
    );
    await expectCalm('room-table exhaustion');
  });

  it('password brute force by reconnecting: at most the address budget of wrong guesses, then RateLimited', async () => {
    const owner = await from('127.0.0.1', 'owner');
    const room = await owner.createRoom({
      name: 'locked',
      capacity: 4,
      visibility: 'public',
      password: 'hunter2',
    });
    let wrong = 0;
    let limited = 0;
    const started = performance.now();
    for (let i = 0; i < 40; i++) {
      const guesser = await from('127.0.0.3', `g${i}`); // a fresh player each time
      for (let j = 0; j < 5; j++) {
        const reply = await guesser.request({
          type: 'room:join',
          roomId: room.room.id,
          password: `guess${i}-${j}`,
        });
        if (code(reply) === LobbyErrorCode.WrongPassword) wrong++;
        else if (code(reply) === LobbyErrorCode.RateLimited) limited++;
      }
      guesser.close();
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`password guessing: ${wrong} wrong answers, ${limited} refused in ${seconds.toFixed(1)} s`);
    // The address's budget: 20 at once, then 20 a minute (one every 3 s).
    expect(wrong).toBeLessThanOrEqual(20 + Math.ceil(seconds / 3));
    expect(limited).toBeGreaterThan(150);
    // The right password from another address still gets in.
    const friend = await from('127.0.0.1', 'friend');
    const joined = await friend.request({ type: 'room:join', roomId: room.room.id, password: 'hunter2' });
    expect(joined.type).toBe('room:joined');
    await expectCalm('password brute force');
  });

  it('join-code enumeration: unknown codes are limited per address; codes are 8 characters', async () => {
    const owner = await from('127.0.0.1', 'owner2');
    const room = await owner.createRoom({ name: 'secret', capacity: 4, visibility: 'private' });
    expect(room.room.code).toMatch(/^[A-Z0-9]{8}$/);
    let notFound = 0;
    let limited = 0;
    for (let i = 0; i < 20; i++) {
      const guesser = await from('127.0.0.4', `c${i}`);
      for (let j = 0; j < 10; j++) {
        const reply = await guesser.request({ type: 'room:join', code: `ZZZZ${i}${j}AB`.slice(0, 8) });
        if (code(reply) === LobbyErrorCode.RoomNotFound) notFound++;
        else if (code(reply) === LobbyErrorCode.RateLimited) limited++;
      }
      guesser.close();
    }
    expect(notFound).toBeLessThanOrEqual(31); // the address's 30 at once (+1 refilled)
    expect(limited).toBeGreaterThan(150);
    await expectCalm('join-code enumeration');
  });

  it('room:list amplification: paged, capped, and limited per player and per address', async () => {
    // 2,000 public rooms of ~1 KiB metadata each (see lobby-with-calm-room.ts): a full list was ~2 MB.
    const listers = await Promise.all([0, 1, 2, 3].map((i) => from('127.0.0.5', `lister${i}`)));
    let answered = 0;
    let limited = 0;
    let rooms = 0;
    let total = 0;
    for (let i = 0; i < 15; i++) {
      for (const lister of listers) {
        const reply = await lister.request({ type: 'room:list', limit: 100 });
        if (reply.type === 'room:list-result') {
          answered++;
          rooms += reply.rooms.length;
          total = reply.total ?? 0;
          expect(reply.rooms.length).toBeLessThanOrEqual(100);
        } else if (code(reply) === LobbyErrorCode.RateLimited) limited++;
      }
    }
    console.log(
      `room:list from one address over 4 players: ${answered} of 60 answered (${rooms} rooms of ${total})`,
    );
    expect(total).toBeGreaterThanOrEqual(2000);
    // Each player's burst is 5, the address's 20: the address, not its players, caps the answers.
    expect(answered).toBeLessThanOrEqual(21);
    expect(limited).toBeGreaterThanOrEqual(39);
    await expectCalm('room:list amplification');
  });

  it('slowloris before the upgrade: one address holds at most maxConnectionsPerIp sockets, each for headersTimeoutMs', async () => {
    const port = Number(new URL(url).port);
    const sockets: Socket[] = [];
    let closedEarly = 0;
    for (let i = 0; i < 200; i++) {
      const socket = tcpConnect({ port, host: '127.0.0.1', localAddress: '127.0.0.6' });
      socket.on('error', () => {});
      socket.on('close', () => closedEarly++);
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n'); // never finishes its headers
      sockets.push(socket);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(200 - closedEarly).toBeLessThanOrEqual(lobby.maxConnectionsPerIp);
    // Headers never finished: closed within about the timeout (1 s here), not Node's 30 s check.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(closedEarly).toBe(200);
    // An honest client from another address was never locked out.
    const honest = await from('127.0.0.1', 'honest2');
    expect(honest.welcome?.playerId).toBeDefined();
    await expectCalm('slowloris');
  });

  it('the calm room lost nothing and lobby memory stayed bounded', async () => {
    const { missing, rssMb } = await lobby.stats();
    expect(missing).toBeLessThanOrEqual(2); // at most the datagrams in flight right now
    const grownMb = rssMb - rssBefore;
    console.log(`RSS grew ${grownMb.toFixed(0)} MB over the attacks`);
    expect(grownMb).toBeLessThan(150);
  });
});
