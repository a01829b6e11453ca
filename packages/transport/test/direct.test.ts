import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLobbyServer, type LobbyServer } from '../../lobby/src/index.js';
import {
  connect,
  type DefaultChannels,
  type LobbyClient,
  type Room,
  type RoomBehaviour,
} from '../src/index.js';
import { waitFor } from './support/helpers.js';

describe('direct WebRTC links on loopback (real node-datachannel)', () => {
  let lobby: LobbyServer | undefined;
  const clients: LobbyClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby?.stop(200);
    lobby = undefined;
  });

  async function startLobby(): Promise<string> {
    lobby = createLobbyServer({
      port: 0,
      host: '127.0.0.1',
      stunPort: false,
      logger: pino({ level: 'silent' }),
    });
    const { port } = await lobby.start();
    return `ws://127.0.0.1:${port}/`;
  }

  async function roomOf(
    url: string,
    count: number,
    behaviour: RoomBehaviour = {},
  ): Promise<Room<DefaultChannels>[]> {
    const rooms: Room<DefaultChannels>[] = [];
    for (let i = 0; i < count; i++) {
      const client = await connect(url, { name: `p${i}`, room: behaviour });
      clients.push(client);
      rooms.push(
        i === 0
          ? await client.createRoom({ name: 'R', capacity: 8, visibility: 'public' })
          : await client.joinRoom({ roomId: rooms[0]!.id }),
      );
    }
    return rooms;
  }

  const allDirect = (rooms: Room<DefaultChannels>[], peers: number): boolean =>
    rooms.every(
      (room) => room.peers.size === peers && [...room.peers.values()].every((p) => p.path === 'direct'),
    );

  it('every pair of four players reaches direct, and messages then flow over it', async () => {
    const url = await startLobby();
    const rooms = await roomOf(url, 4);
    await waitFor(() => allDirect(rooms, 3), 5000);
    const [alice, bob] = rooms;
    const heard = new Promise<string>((resolve) =>
      bob!.once('message', (event) => resolve(event.message.text)),
    );
    alice!.send(bob!.me.id, 'chat', { text: 'over the direct link' });
    expect(await heard).toBe('over the direct link');
    await waitFor(() => alice!.stats(bob!.me.id).traffic.direct.datagramsIn > 0);
    const stats = alice!.stats(bob!.me.id);
    expect(stats.path).toBe('direct');
    expect(stats.traffic.direct.datagramsOut).toBeGreaterThan(0);
    expect(stats.timeToDirectMs).toBeGreaterThan(0);
    expect(stats.switches).toBe(1);
    const summary = alice!.roomStats();
    expect(summary.peers).toBe(3);
    expect(summary.onPath).toEqual({ relay: 0, turn: 0, direct: 3 });
    expect(summary.traffic.direct.datagramsOut).toBeGreaterThan(0);
  });

  it('the first message arrives over the relay, before any direct link exists', async () => {
    const url = await startLobby();
    const alice = await connect(url, { name: 'alice' });
    clients.push(alice);
    const room = await alice.createRoom({ name: 'R', capacity: 2, visibility: 'public' });
    const peerKnown = new Promise<void>((resolve) => room.once('peer:join', () => resolve()));
    const bob = await connect(url, { name: 'bob' });
    clients.push(bob);
    const bobRoom = await bob.joinRoom({ roomId: room.id });
    await peerKnown;
    const heard = new Promise<string>((resolve) =>
      bobRoom.once('message', (event) => resolve(event.message.text)),
    );
    room.send(bob.playerId, 'chat', { text: 'first' });
    expect(await heard).toBe('first');
    const stats = bobRoom.stats(alice.playerId);
    expect(stats.traffic.relay.datagramsIn).toBeGreaterThan(0);
    expect(stats.traffic.direct.datagramsIn).toBe(0);
    expect(stats.timeToDirectMs).toBeUndefined();
    await waitFor(() => bobRoom.peers.get(alice.playerId)?.path === 'direct', 5000); // and then it goes direct
  });

  it('blackholing the direct path moves traffic to the relay within 1.5 s; lifting it goes direct again', async () => {
    const url = await startLobby();
    const [alice, bob] = await roomOf(url, 2, { directRetry: { initialDelayMs: 200, maxDelayMs: 400 } });
    await waitFor(() => allDirect([alice!, bob!], 1), 5000);
    const fellBack = new Promise<number>((resolve) =>
      alice!.on('path:change', (event) => {
        if (event.to === 'relay') resolve(performance.now());
      }),
    );
    const blackholedAt = performance.now();
    alice!.conditioner = { direct: { loss: 1 } };
    bob!.conditioner = { direct: { loss: 1 } };
    const fallbackMs = (await fellBack) - blackholedAt;
    expect(fallbackMs).toBeLessThanOrEqual(1500);
    // Alice misses heartbeats, or hears first that bob gave up and closed the connection.
    expect(['heartbeats missed', 'connection closed', 'data channel closed']).toContain(
      alice!.stats(bob!.me.id).fallbacks.at(-1)?.reason,
    );
    alice!.conditioner = undefined;
    bob!.conditioner = undefined;
    await waitFor(() => allDirect([alice!, bob!], 1), 5000);
    expect(alice!.stats(bob!.me.id).switches).toBe(3);
  });

  it('a 10,000-message chat stream arrives exactly once and in order across relay → direct → relay → direct', async () => {
    const url = await startLobby();
    const [alice, bob] = await roomOf(url, 2, { directRetry: { initialDelayMs: 100, maxDelayMs: 200 } });
    const received: string[] = [];
    bob!.on('message', (event) => received.push(event.message.text));
    await waitFor(() => alice!.peers.size === 1);
    const paths: string[] = [];
    alice!.on('path:change', (event) => paths.push(event.to));
    let sent = 0;
    const pump = setInterval(() => {
      for (let i = 0; i < 100 && sent < 10_000; i++) alice!.send(bob!.me.id, 'chat', { text: `m${sent++}` });
    }, 5);
    await waitFor(() => paths.includes('direct'), 5000); // relay → direct
    alice!.conditioner = { direct: { loss: 1 } };
    bob!.conditioner = { direct: { loss: 1 } };
    await waitFor(() => paths.at(-1) === 'relay', 5000); // direct → relay
    alice!.conditioner = undefined;
    bob!.conditioner = undefined;
    await waitFor(() => paths.at(-1) === 'direct' && paths.length >= 3, 5000); // relay → direct
    await waitFor(() => received.length >= 10_000, 15_000);
    clearInterval(pump);
    expect(paths).toEqual(['direct', 'relay', 'direct']);
    expect(received).toEqual(Array.from({ length: 10_000 }, (_, i) => `m${i}`));
  }, 30_000);

  it('a peer that cannot prove the pair nonce stays on the relay', async () => {
    const url = await startLobby();
    // The lobby hands bob a different nonce for the pair than alice: one of them is not who the lobby introduced.
    const { Room: LobbyRoom } = await import('../../lobby/src/room.js');
    const original = LobbyRoom.prototype.memberFor;
    LobbyRoom.prototype.memberFor = function (this: InstanceType<typeof LobbyRoom>, member, viewer) {
      const seen = original.call(this, member, viewer);
      return viewer.name === 'p1' ? { ...seen, pairNonce: `${seen.pairNonce}x` } : seen;
    };
    try {
      const [alice, bob] = await roomOf(url, 2, { directRetry: { initialDelayMs: 5000, maxDelayMs: 5000 } });
      await waitFor(
        () => alice!.stats(bob!.me.id).fallbacks.length > 0 || bob!.stats(alice!.me.id).fallbacks.length > 0,
        5000,
      ).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(alice!.peers.get(bob!.me.id)?.path).toBe('relay');
      expect(bob!.peers.get(alice!.me.id)?.path).toBe('relay');
      const heard = new Promise<string>((resolve) =>
        bob!.once('message', (event) => resolve(event.message.text)),
      );
      alice!.send(bob!.me.id, 'chat', { text: 'still playing' });
      expect(await heard).toBe('still playing');
    } finally {
      LobbyRoom.prototype.memberFor = original;
    }
  });

  it('time to direct on loopback: p90 ≤ 100 ms over 20 tries', async () => {
    const url = await startLobby();
    const times: number[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const [alice, bob] = await roomOf(url, 2);
      await waitFor(() => alice!.peers.get(bob!.me.id)?.path === 'direct', 5000);
      times.push(alice!.stats(bob!.me.id).timeToDirectMs!);
      for (const client of clients.splice(0)) client.close();
    }
    times.sort((a, b) => a - b);
    const p90 = times[Math.ceil(0.9 * times.length) - 1]!;
    console.log(`time to direct on loopback: p50 ${times[9]!.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms`);
    expect(p90).toBeLessThanOrEqual(100);
  }, 60_000);

  it('direct links keep carrying game traffic while the lobby is down', async () => {
    const url = await startLobby();
    const [alice, bob] = await roomOf(url, 2);
    await waitFor(() => allDirect([alice!, bob!], 1), 5000);
    const received: string[] = [];
    bob!.on('message', (event) => received.push(event.message.text));
    await lobby!.stop(200); // every client: close 4008, reconnecting
    lobby = undefined;
    expect(clients.every((client) => client.state === 'reconnecting')).toBe(true);
    for (let i = 0; i < 50; i++) alice!.send(bob!.me.id, 'chat', { text: `while away ${i}` });
    await waitFor(() => received.length === 50);
    expect(received[49]).toBe('while away 49');
    expect(alice!.peers.get(bob!.me.id)?.path).toBe('direct');
  });

  it('privacy mode sends no signal at all, stays on the relay and plays normally', async () => {
    const url = await startLobby();
    const [alice, bob] = await roomOf(url, 2, { direct: 'never' });
    const signals: unknown[] = [];
    for (const client of clients) client.on('signal', (message) => signals.push(message));
    await waitFor(() => alice!.peers.size === 1);
    const heard = new Promise<string>((resolve) =>
      bob!.once('message', (event) => resolve(event.message.text)),
    );
    alice!.send(bob!.me.id, 'chat', { text: 'relay only' });
    expect(await heard).toBe('relay only');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(signals).toEqual([]);
    expect(alice!.stats(bob!.me.id).path).toBe('relay');
    expect(alice!.stats(bob!.me.id).traffic.direct.datagramsOut).toBe(0);
  });
});
