import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawClient } from '../../packages/lobby/test/support/raw-client.js';
import {
  joinCodeEnumeration,
  lockedRoom,
  passwordGuessing,
  playerFrom,
  roomListAmplification,
  roomTableExhaustion,
  rounds,
  slowloris,
} from './support/attacks.js';
import { LobbyProcess } from './support/lobby-process.js';

/**
 * The attacks of issue #12 (`support/attacks.ts`) against one lobby with
 * default limits (except a short headers timeout, to keep the suite fast),
 * each from its own loopback address — per-address limits must hold however
 * many connections that address opens. A calm room beside them must keep
 * its latency and lose nothing. Each attack here runs for a fixed number of
 * rounds (well under a second); the hardening bench
 * (`npm run bench -- --filter hardening`) runs each one sustained and
 * measures the calm room against the 2× target.
 */
describe('hardening: attacks from one address, a calm room beside them', () => {
  let lobby: LobbyProcess;
  let url: string;
  let baseline = 0;
  let rssBefore = 0;
  const others: RawClient[] = [];

  const from = async (address: string, name: string): Promise<RawClient> => {
    const client = await playerFrom(url, address, name);
    others.push(client);
    return client;
  };
  /**
   * The calm room's relay p99 during the attack. The target is 2× its
   * baseline, which the hardening bench measures with the attacks sustained
   * on pinned cores; here other test files run in parallel on the same two
   * cores under `npm test` (p99 of 40 ms seen from that alone), so the
   * assertion allows 50 ms over the baseline: it still catches what the
   * attacks did before they were contained (p99 83 ms for the room list,
   * seconds for the slowloris).
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
    const { tally, done } = roomTableExhaustion.start(url, rounds(20));
    await done;
    // 320 attempts: the address's burst (30 a minute) passes, the rest is refused.
    expect(tally.other).toBe(0);
    expect(tally.created + tally.refused).toBe(320);
    expect(tally.created).toBeLessThanOrEqual(30);
    expect(tally.refused).toBeGreaterThan(250);
    expect(tally.created).toBeLessThanOrEqual(lobby.maxRooms / 100);
    // An honest player from another address still creates and quick-joins.
    const honest = await from('127.0.0.1', 'honest');
    expect((await honest.createRoom({ name: 'mine', capacity: 4, visibility: 'public' })).type).toBe(
      'room:joined',
    );
    await expectCalm('room-table exhaustion');
  });

  it('password brute force by reconnecting: at most the address budget of wrong guesses, then RateLimited', async () => {
    const { owner, roomId, password } = await lockedRoom(url);
    others.push(owner);
    const started = performance.now();
    const { tally, done } = passwordGuessing(roomId).start(url, rounds(40)); // a fresh player each round
    await done;
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `password guessing: ${tally.wrong} wrong answers, ${tally.limited} refused in ${seconds.toFixed(1)} s`,
    );
    expect(tally.other).toBe(0);
    // The address's budget: 20 at once, then 20 a minute (one every 3 s).
    expect(tally.wrong).toBeLessThanOrEqual(20 + Math.ceil(seconds / 3));
    expect(tally.limited).toBeGreaterThan(150);
    // The right password from another address still gets in.
    const friend = await from('127.0.0.1', 'friend');
    const joined = await friend.request({ type: 'room:join', roomId, password });
    expect(joined.type).toBe('room:joined');
    await expectCalm('password brute force');
  });

  it('join-code enumeration: unknown codes are limited per address; codes are 8 characters', async () => {
    const owner = await from('127.0.0.1', 'owner2');
    const room = await owner.createRoom({ name: 'secret', capacity: 4, visibility: 'private' });
    expect(room.room.code).toMatch(/^[A-Z0-9]{8}$/);
    const { tally, done } = joinCodeEnumeration.start(url, rounds(20));
    await done;
    expect(tally.other).toBe(0);
    expect(tally.notFound).toBeLessThanOrEqual(31); // the address's 30 at once (+1 refilled)
    expect(tally.limited).toBeGreaterThan(150);
    await expectCalm('join-code enumeration');
  });

  it('room:list amplification: paged, capped, and limited per player and per address', async () => {
    // 2,000 public rooms of ~1 KiB metadata each (see lobby-with-calm-room.ts): a full list was ~2 MB.
    const { tally, done } = roomListAmplification.start(url, rounds(15));
    await done;
    console.log(
      `room:list from one address over 4 players: ${tally.answered} of 60 answered (${tally.rooms} rooms of ${tally.total})`,
    );
    expect(tally.other).toBe(0);
    expect(tally.oversized).toBe(0);
    expect(tally.total).toBeGreaterThanOrEqual(2000);
    // Each player's burst is 5, the address's 20: the address, not its players, caps the answers.
    expect(tally.answered).toBeLessThanOrEqual(21);
    expect(tally.limited).toBeGreaterThanOrEqual(39);
    await expectCalm('room:list amplification');
  });

  it('slowloris before the upgrade: one address holds at most maxConnectionsPerIp sockets, each for headersTimeoutMs', async () => {
    const { tally, done } = slowloris.start(url, rounds(0)); // one wave of 200, none replaced
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tally.opened).toBe(200);
    expect(tally.open).toBeLessThanOrEqual(lobby.maxConnectionsPerIp);
    // Headers never finished: closed within about the timeout (1 s here), not Node's 30 s check.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(tally.closed).toBe(200);
    await done;
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
