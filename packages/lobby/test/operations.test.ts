import { createServer } from 'node:http';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLobbyServer, type LobbyServer } from '../src/index.js';
import { startLobby } from './support/lobby-fixture.js';
import { RawClient } from './support/raw-client.js';

describe('lobby operations', () => {
  let lobby: LobbyServer | undefined;
  afterEach(async () => {
    await lobby?.stop(200);
    lobby = undefined;
  });

  it('serves /healthz and Prometheus /metrics with connections, rooms, relay and errors', async () => {
    const started = await startLobby();
    lobby = started.lobby;
    const base = started.url.replace('ws:', 'http:');
    const health = await fetch(`${base}healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const [alice, bob] = [
      await RawClient.welcomed(started.url, 'a'),
      await RawClient.welcomed(started.url, 'b'),
    ];
    const room = await alice.createRoom({ name: 'R', capacity: 4, visibility: 'public' });
    await bob.request({ type: 'room:join', roomId: room.room.id });
    alice.relayTo(1, new Uint8Array(10));
    await bob.relaysReceived(1);
    await bob.request({ type: 'room:set-metadata', metadata: {} }); // NotHost error

    const text = await (await fetch(`${base}metrics`)).text();
    expect(text).toMatch(/^handoff_connections 2$/m);
    expect(text).toMatch(/^handoff_rooms 1$/m);
    expect(text).toMatch(/^handoff_room_members 2$/m);
    expect(text).toMatch(/^handoff_relay_messages_total 1$/m);
    expect(text).toMatch(/^handoff_relay_bytes_total 10$/m);
    expect(text).toMatch(/^handoff_errors_total\{code="NotHost"\} 1$/m);
    expect(text).toContain('# TYPE handoff_stun_requests_total counter');
    alice.close();
    bob.close();
  });

  it('shuts down gracefully: 503 on /healthz, close 4008 to every client, then exits its port', async () => {
    const started = await startLobby();
    lobby = started.lobby;
    const clients = await Promise.all([1, 2, 3].map((i) => RawClient.welcomed(started.url, `p${i}`)));
    const stopping = lobby.stop(2000);
    const during = await fetch(`${started.url.replace('ws:', 'http:')}healthz`);
    expect(during.status).toBe(503);
    const codes = await Promise.all(clients.map((client) => client.closed));
    await stopping;
    expect(codes).toEqual([4008, 4008, 4008]);
    await expect(fetch(started.url.replace('ws:', 'http:'))).rejects.toThrow();
    lobby = undefined;
  });

  it('attaches to an existing HTTP server and leaves its other routes alone', async () => {
    const server = createServer((request, response) => {
      if (lobby?.handleHttpRequest(request, response)) return;
      response.end('game site');
    });
    lobby = createLobbyServer({ server, stunPort: false, logger: pino({ level: 'silent' }) });
    await lobby.start();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('game site');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const client = await RawClient.welcomed(`ws://127.0.0.1:${port}/play`, 'p');
    expect(client.welcome?.playerId).toBeDefined();
    client.close();
    await lobby.stop(200);
    lobby = undefined;
    server.close();
  });

  it('uses the authenticate hook: accepted players get its id and name, refused ones close 4002', async () => {
    const started = await startLobby({
      authenticate: ({ auth }) =>
        auth === 'good-token' ? { id: 'account-42', name: 'Ada', metadata: { rank: 3 } } : null,
    });
    lobby = started.lobby;
    const rejected: number[] = [];
    lobby.on('connection:reject', (event) => rejected.push(event.code));
    const good = await RawClient.open(started.url);
    const welcome = await good.hello('ignored', { auth: 'good-token' });
    expect(welcome.playerId).toBe('account-42');
    const bad = await RawClient.open(started.url);
    await expect(bad.hello('x', { auth: 'forged' })).rejects.toThrow();
    expect(await bad.closed).toBe(4002);
    expect(rejected).toEqual([4002]); // recorded like every other violation
    expect(await lobby.metrics.registry.metrics()).toMatch(/handoff_closes_total\{code="4002"\} 1/);
    good.close();
  });
});

describe('lobby lifecycle details', () => {
  it('closes an empty room after emptyRoomCloseDelayMs (and not before)', async () => {
    const { lobby, url } = await startLobby({ limits: { emptyRoomCloseDelayMs: 150 } });
    const closed: string[] = [];
    lobby.on('room:close', (event) => closed.push(event.roomId));
    const alice = await RawClient.welcomed(url, 'a');
    const room = await alice.createRoom();
    await alice.request({ type: 'room:leave' });
    const bob = await RawClient.welcomed(url, 'b');
    expect(await bob.request({ type: 'room:join', roomId: room.room.id })).toMatchObject({
      type: 'room:joined',
    });
    await bob.request({ type: 'room:leave' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toEqual([room.room.id]);
    expect(await bob.request({ type: 'room:join', roomId: room.room.id })).toMatchObject({
      type: 'error',
      code: 6, // RoomNotFound
    });
    alice.close();
    bob.close();
    await lobby.stop(200);
  });

  it('runs the STUN responder by default, advertises its bound port, and counts requests', async () => {
    const { lobby, url } = await startLobby({ stunPort: 0 });
    const { stunPort } = lobby.address();
    expect(stunPort).toBeGreaterThan(0);
    const client = await RawClient.welcomed(url, 'a');
    expect(client.welcome?.iceServers).toEqual([{ urls: `stun:127.0.0.1:${stunPort}` }]);
    const { createSocket } = await import('node:dgram');
    const { buildBindingRequest, createTransactionId, parseStunMessage, getMappedAddress } = await import(
      '@handoff/protocol/stun'
    );
    const socket = createSocket('udp4');
    const answer = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    const request = buildBindingRequest(createTransactionId((n) => new Uint8Array(n).fill(7)));
    socket.send(request, stunPort!, '127.0.0.1');
    const mapped = getMappedAddress(parseStunMessage(new Uint8Array(await answer)));
    expect(mapped?.address).toBe('127.0.0.1');
    expect(mapped?.port).toBe(socket.address().port);
    socket.send(Uint8Array.of(1, 2, 3), stunPort!, '127.0.0.1'); // garbage: ignored, counted
    await new Promise((resolve) => setTimeout(resolve, 50));
    const metrics = await lobby.metrics.registry.metrics();
    expect(metrics).toMatch(/handoff_stun_requests_total\{outcome="answered"\} 1/);
    expect(metrics).toMatch(/handoff_stun_requests_total\{outcome="malformed"\} 1/);
    socket.close();
    client.close();
    await lobby.stop(200);
  });
});
