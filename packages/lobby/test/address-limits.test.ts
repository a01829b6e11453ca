import { LobbyErrorCode, type ServerMessage } from '@handoff/protocol/lobby';
import { afterEach, describe, expect, it } from 'vitest';
import { addressKey } from '../src/address-limits.js';
import type { LobbyServer, LobbyServerOptions } from '../src/index.js';
import { startLobby } from './support/lobby-fixture.js';
import { RawClient } from './support/raw-client.js';

describe('addressKey: what one address is', () => {
  it('an IPv4 address is itself, also when IPv4-mapped', () => {
    expect(addressKey('203.0.113.7', 64)).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7', 64)).toBe('203.0.113.7');
    expect(addressKey('::FFFF:203.0.113.7', 64)).toBe('203.0.113.7');
  });

  it('IPv6 addresses of one /64 are one address; another /64 is another', () => {
    const a = addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd', 64);
    expect(a).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::1', 64)).toBe(a);
    expect(addressKey('2001:db8:1:2:ffff::%eth0', 64)).toBe(a);
    expect(addressKey('2001:db8:1:3::1', 64)).not.toBe(a);
  });

  it('the prefix length is an option: a /56 groups 256 /64s, and cuts inside a group', () => {
    expect(addressKey('2001:db8:1:2ff::1', 56)).toBe(addressKey('2001:db8:1:200::9', 56));
    expect(addressKey('2001:db8:1:2ff::1', 56)).toBe('2001:db8:1:200::/56');
    expect(addressKey('2001:db8:1:3ff::1', 56)).not.toBe(addressKey('2001:db8:1:2ff::1', 56));
    expect(addressKey('2001:db8::1', 128)).not.toBe(addressKey('2001:db8::2', 128));
  });
});

/**
 * The per-address, per-room and per-player limits of #12 that the attack
 * suite (test/abuse/hardening.test.ts) does not drive to their edge, each
 * against a real lobby from its own loopback address.
 */
describe('limits at their edge (real lobby, one loopback address per actor)', () => {
  let lobby: LobbyServer;
  let url: string;
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby.stop(200);
  });
  async function start(limits: LobbyServerOptions['limits']): Promise<void> {
    ({ lobby, url } = await startLobby({ limits }));
  }
  async function client(name: string, localAddress: string): Promise<RawClient> {
    const raw = await RawClient.open(url, { localAddress });
    clients.push(raw);
    await raw.hello(name);
    return raw;
  }
  const code = (message: ServerMessage): number => (message.type === 'error' ? message.code : -1);
  const create = (raw: RawClient): Promise<ServerMessage> =>
    raw.request({ type: 'room:create', name: 'r', capacity: 2, visibility: 'public' });

  it('maxLiveRoomsPerIp: one address holds at most that many rooms at once; a closed one frees a place', async () => {
    await start({ maxLiveRoomsPerIp: 3, maxRoomsCreatedPerMinutePerIp: 100, emptyRoomCloseDelayMs: 50 });
    const owners = await Promise.all([0, 1, 2, 3].map((i) => client(`o${i}`, '127.0.0.11')));
    for (const owner of owners.slice(0, 3)) expect((await create(owner)).type).toBe('room:joined');
    expect(code(await create(owners[3]!))).toBe(LobbyErrorCode.TooManyRooms);
    // Another address is not affected.
    expect((await create(await client('other', '127.0.0.12'))).type).toBe('room:joined');
    // One owner leaves: its room closes once empty, and the address may open one more.
    await owners[0]!.request({ type: 'room:leave' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await create(owners[3]!)).type).toBe('room:joined');
  });

  it('maxWrongPasswordsPerMinutePerRoom: guessers from many addresses share the room budget', async () => {
    await start({ maxWrongPasswordsPerMinutePerRoom: 5 });
    const owner = await client('owner', '127.0.0.13');
    const room = await owner.createRoom({ name: 'locked', password: 'hunter2' });
    const answers: number[] = [];
    for (const address of ['127.0.0.14', '127.0.0.15', '127.0.0.16']) {
      for (let i = 0; i < 2; i++) {
        // A fresh player each time, two per address: no player or address budget is reached.
        const guesser = await client(`g${address}-${i}`, address);
        answers.push(
          code(await guesser.request({ type: 'room:join', roomId: room.room.id, password: `x${i}` })),
        );
      }
    }
    expect(answers).toEqual([
      ...Array<number>(5).fill(LobbyErrorCode.WrongPassword),
      LobbyErrorCode.RateLimited,
    ]);
    // Other rooms are not affected.
    const other = await owner
      .request({ type: 'room:leave' })
      .then(() => owner.createRoom({ password: 'pw' }));
    const friend = await client('friend', '127.0.0.17');
    expect((await friend.request({ type: 'room:join', roomId: other.room.id, password: 'pw' })).type).toBe(
      'room:joined',
    );
  });

  it('maxFailedCodeLookupsPerMinute: one connection past its own budget is refused before the address budget', async () => {
    await start({});
    const guesser = await client('guesser', '127.0.0.18');
    const answers: number[] = [];
    for (let i = 0; i < 12; i++)
      answers.push(
        code(await guesser.request({ type: 'room:join', code: `QQQQQQ${String(i).padStart(2, 'Q')}` })),
      );
    // Default: 10 per player (the address allows 30).
    expect(answers).toEqual([
      ...Array<number>(10).fill(LobbyErrorCode.RoomNotFound),
      LobbyErrorCode.RateLimited,
      LobbyErrorCode.RateLimited,
    ]);
    // A second connection from the same address still has its own budget, within the address's.
    const second = await client('guesser2', '127.0.0.18');
    expect(code(await second.request({ type: 'room:join', code: 'QQQQQQQA' }))).toBe(
      LobbyErrorCode.RoomNotFound,
    );
  });

  it('room:list is served from a cache that every change to the rooms invalidates', async () => {
    await start({});
    const lister = await client('lister', '127.0.0.19');
    const names = async (): Promise<string[]> => {
      const reply = await lister.request({ type: 'room:list', limit: 100 });
      if (reply.type !== 'room:list-result') throw new Error(JSON.stringify(reply));
      return reply.rooms
        .map((room) => `${room.name}:${room.members}:${JSON.stringify(room.metadata)}`)
        .sort();
    };
    expect(await names()).toEqual([]);
    const owner = await client('owner', '127.0.0.20');
    const room = await owner.createRoom({ name: 'first', metadata: { mode: 'a' } });
    expect(await names()).toEqual(['first:1:{"mode":"a"}']);
    const guest = await client('guest', '127.0.0.21');
    await guest.request({ type: 'room:join', roomId: room.room.id });
    expect(await names()).toEqual(['first:2:{"mode":"a"}']);
    await owner.request({ type: 'room:set-metadata', metadata: { mode: 'b' } });
    expect(await names()).toEqual(['first:2:{"mode":"b"}']);
  });
});
