import { connect as tcpConnect } from 'node:net';
import { LobbyErrorCode, type ServerMessage } from '@handoff/protocol/lobby';
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyServer, LobbyServerOptions } from '../src/index.js';
import { startLobby } from './support/lobby-fixture.js';
import { RawClient } from './support/raw-client.js';

const TOKEN = 'an-admin-token-of-32-characters!';

/** The operator's powers through the real admin HTTP endpoint, and the approval hooks (#15). */
describe('moderation: admin HTTP API and hooks', () => {
  let lobby: LobbyServer;
  let url: string;
  let base: string;
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby.stop(200);
  });

  async function start(options: LobbyServerOptions = {}): Promise<void> {
    ({ lobby, url } = await startLobby({ adminToken: TOKEN, ...options }));
    base = url.replace('ws://', 'http://');
  }
  async function client(name: string, localAddress?: string): Promise<RawClient> {
    const raw = await RawClient.open(url, localAddress === undefined ? {} : { localAddress });
    clients.push(raw);
    await raw.hello(name);
    return raw;
  }
  const admin = (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) =>
    fetch(`${base}${path.slice(1)}`, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': 'application/json',
        ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? TOKEN}` }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const code = (message: ServerMessage): number => (message.type === 'error' ? message.code : -1);

  it('refuses absent and wrong tokens with 401, on every route and the monitor page', async () => {
    await start();
    const alice = await client('alice');
    const room = await alice.createRoom({ name: 'Arena', capacity: 4, visibility: 'public' });
    const [roomId, playerId] = [room.room.id, alice.welcome!.playerId];
    const routes: [string, string, unknown?][] = [
      ['GET', '/admin/rooms'],
      ['GET', '/admin/players'],
      ['GET', '/admin/bans'],
      ['POST', `/admin/players/${playerId}/kick`, { reason: 'x' }],
      ['POST', '/admin/bans', { playerId, durationMs: 60_000 }],
      ['POST', '/admin/bans', { ip: '127.0.0.1', durationMs: 60_000 }],
      ['DELETE', '/admin/bans', { ip: '127.0.0.1' }],
      ['POST', `/admin/rooms/${roomId}/close`, {}],
      ['POST', `/admin/rooms/${roomId}/message`, { topic: 'round', data: { n: 1 } }],
      ['POST', `/admin/rooms/${roomId}/metadata`, { metadata: { mode: 'x' } }],
    ];
    for (const [method, path, body] of routes) {
      for (const token of [null, 'wrong-token-of-the-same-length!!', `${TOKEN}x`, TOKEN.slice(1), '']) {
        const response = await admin(path, { method, body, token });
        expect(response.status, `${method} ${path} with ${String(token)}`).toBe(401);
      }
    }
    // Nothing any of them asked for happened.
    expect(lobby.state.rooms.get(roomId)?.members).toHaveLength(1);
    expect(lobby.state.rooms.get(roomId)?.metadata).toEqual({});
    expect(lobby.state.moderation.list()).toEqual([]);
    expect((await alice.request({ type: 'ping', t: 1 })).type).toBe('pong');
    expect(alice.closeCode).toBeUndefined();
    expect((await fetch(`${base}monitor`)).status).toBe(401);
    expect((await fetch(`${base}monitor?token=nope`)).status).toBe(401);
    const page = await fetch(`${base}monitor?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Handoff lobby monitor');
    // Without an admin token configured, nothing is served there at all.
    await lobby.stop(100);
    await start({ adminToken: undefined });
    expect((await admin('/admin/rooms')).status).toBe(426);
  });

  it('lists rooms and players; kicks (4011, peers see kicked, no resume); closes rooms; messages; metadata', async () => {
    await start();
    const events: unknown[] = [];
    lobby.on('player:kick', (event) => events.push({ 'player:kick': event }));
    lobby.on('room:closed', (event) => events.push({ 'room:closed': event }));
    const [alice, bob, carol] = [await client('alice'), await client('bob'), await client('carol')];
    const room = await alice.createRoom({ name: 'Arena', capacity: 4, visibility: 'public' });
    await bob.request({ type: 'room:join', roomId: room.room.id });
    await carol.request({ type: 'room:join', roomId: room.room.id });

    const rooms = (await (await admin('/admin/rooms')).json()) as {
      rooms: { id: string; members: unknown[]; pairs: unknown[] }[];
    };
    expect(rooms.rooms).toHaveLength(1);
    expect(rooms.rooms[0]!.members).toHaveLength(3);
    expect(rooms.rooms[0]!.pairs).toHaveLength(3);
    const players = (await (await admin('/admin/players')).json()) as {
      players: { id: string; roomId: string }[];
    };
    expect(players.players.map((p) => p.roomId)).toEqual([room.room.id, room.room.id, room.room.id]);

    // A message to the room, and new metadata.
    const sent = await admin(`/admin/rooms/${room.room.id}/message`, {
      method: 'POST',
      body: { topic: 'round', data: { number: 2, map: 'dust' } },
    });
    expect(await sent.json()).toEqual({ delivered: 3 });
    expect(await bob.nextOfType('server:message')).toEqual({
      type: 'server:message',
      scope: 'room',
      topic: 'round',
      data: { number: 2, map: 'dust' },
    });
    expect(
      (
        await admin(`/admin/rooms/${room.room.id}/metadata`, {
          method: 'POST',
          body: { metadata: { mode: 'ranked' } },
        })
      ).status,
    ).toBe(200);
    expect(await carol.nextOfType('room:metadata')).toMatchObject({ metadata: { mode: 'ranked' } });
    expect(
      (await admin(`/admin/rooms/${room.room.id}/message`, { method: 'POST', body: { topic: 'bad topic!' } }))
        .status,
    ).toBe(400);

    // Kick bob.
    expect(
      (
        await admin(`/admin/players/${bob.welcome!.playerId}/kick`, {
          method: 'POST',
          body: { reason: 'cheating' },
        })
      ).status,
    ).toBe(200);
    expect(await bob.closed).toBe(4011);
    expect(await alice.nextOfType('presence:leave')).toMatchObject({
      playerId: bob.welcome!.playerId,
      reason: 'kicked',
    });
    const back = await RawClient.open(url);
    clients.push(back);
    const refused = await back.request({
      type: 'hello',
      protocolVersion: 2,
      resumeToken: bob.welcome!.sessionToken,
    });
    expect(code(refused)).toBe(LobbyErrorCode.AuthFailed); // the kicked session does not resume
    expect((await admin('/admin/players/nobody/kick', { method: 'POST' })).status).toBe(404);

    // Close the room: members stay connected, roomless.
    expect((await admin(`/admin/rooms/${room.room.id}/close`, { method: 'POST' })).status).toBe(200);
    expect(await alice.nextOfType('room:left')).toMatchObject({ reason: 'room-closed' });
    expect(await carol.nextOfType('room:left')).toMatchObject({ reason: 'room-closed' });
    expect((await (await admin('/admin/rooms')).json()).rooms).toEqual([]);
    expect((await alice.request({ type: 'ping', t: 1 })).type).toBe('pong');
    // The server-side events, in order, with what the operator gave.
    expect(events).toEqual([
      { 'player:kick': { playerId: bob.welcome!.playerId, reason: 'cheating' } },
      { 'room:closed': { roomId: room.room.id, reason: 'room-closed' } },
    ]);
  });

  it('bans an address through the HTTP API (sockets refused), emits player:ban, then lifts it', async () => {
    await start();
    const bans: unknown[] = [];
    lobby.on('player:ban', (event) => bans.push(event));
    const mallory = await client('mallory', '127.0.0.9');
    const banned = await admin('/admin/bans', {
      method: 'POST',
      body: { ip: '127.0.0.9', durationMs: 60_000 },
    });
    expect(await banned.json()).toEqual({ kicked: [mallory.welcome!.playerId] });
    expect(await mallory.closed).toBe(4011);
    const port = Number(new URL(url).port);
    const socket = tcpConnect({ port, host: '127.0.0.1', localAddress: '127.0.0.9' });
    await new Promise((resolve) => socket.on('close', resolve).on('error', () => {}));
    expect((await (await admin('/admin/bans')).json()).bans).toHaveLength(1);
    expect((await admin('/admin/bans', { method: 'DELETE', body: { ip: '127.0.0.9' } })).status).toBe(200);
    const again = await client('mallory', '127.0.0.9');
    expect(again.welcome?.playerId).toBeDefined();

    expect(bans).toEqual([
      expect.objectContaining({ key: expect.stringMatching(/^ip:127\.0\.0\.9/), reason: 'banned' }),
    ]);
  });

  it('bans a player id through the HTTP API (kicked now, refused at hello), emits player:ban, then lifts it', async () => {
    // An authenticate hook gives stable ids (an account), as a player id ban needs.
    await start({ authenticate: (request) => ({ id: `account-${request.name}` }) });
    const bans: unknown[] = [];
    lobby.on('player:ban', (event) => bans.push(event));
    const mallory = await client('mallory');
    const alice = await client('alice');
    expect(mallory.welcome!.playerId).toBe('account-mallory');
    const banned = await admin('/admin/bans', {
      method: 'POST',
      body: { playerId: 'account-mallory', durationMs: 60_000, reason: 'griefing' },
    });
    expect(banned.status).toBe(200);
    expect(await banned.json()).toEqual({ kicked: ['account-mallory'] });
    expect(await mallory.closed).toBe(4011);
    expect(bans).toEqual([{ key: 'player:account-mallory', until: expect.any(Number), reason: 'griefing' }]);
    expect((await (await admin('/admin/bans')).json()).bans).toEqual([
      { key: 'player:account-mallory', until: expect.any(Number) },
    ]);
    // Refused at hello while banned; others unaffected.
    const again = await RawClient.open(url);
    clients.push(again);
    const reply = await again.request({ type: 'hello', protocolVersion: 2, name: 'mallory' });
    expect(code(reply)).toBe(LobbyErrorCode.Banned);
    expect(await again.closed).toBe(4011);
    expect((await alice.request({ type: 'ping', t: 1 })).type).toBe('pong');
    // Lifted: welcome again. An unknown ban is 404.
    const lifted = await admin('/admin/bans', { method: 'DELETE', body: { playerId: 'account-mallory' } });
    expect(lifted.status).toBe(200);
    expect((await client('mallory')).welcome?.playerId).toBe('account-mallory');
    expect(
      (await admin('/admin/bans', { method: 'DELETE', body: { playerId: 'account-mallory' } })).status,
    ).toBe(404);
  });

  it('canCreateRoom and canJoinRoom (async) refuse with a reason the client receives as error Refused', async () => {
    const asked: string[] = [];
    await start({
      canCreateRoom: (request) => {
        asked.push(`create:${request.room.name}:${request.room.hasPassword}`);
        return request.room.name === 'forbidden' ? 'that name is reserved' : true;
      },
      canJoinRoom: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        asked.push(`join:${request.playerName}:${request.members}`);
        return request.playerName === 'eve' ? 'eve is not invited' : true;
      },
    });
    const alice = await client('alice');
    const refused = await alice.request({
      type: 'room:create',
      name: 'forbidden',
      capacity: 4,
      visibility: 'public',
    });
    expect(refused).toMatchObject({
      type: 'error',
      code: LobbyErrorCode.Refused,
      message: 'that name is reserved',
    });
    const room = await alice.createRoom({ name: 'fine', capacity: 4, visibility: 'public', password: 'pw' });
    const eve = await client('eve');
    expect(await eve.request({ type: 'room:join', roomId: room.room.id, password: 'pw' })).toMatchObject({
      code: LobbyErrorCode.Refused,
      message: 'eve is not invited',
    });
    const bob = await client('bob');
    expect((await bob.request({ type: 'room:join', roomId: room.room.id, password: 'pw' })).type).toBe(
      'room:joined',
    );
    expect(asked).toEqual(['create:forbidden:false', 'create:fine:true', 'join:eve:1', 'join:bob:1']);
  });
});
