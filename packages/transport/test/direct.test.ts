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

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
