import { chatCodec } from '@handoff/protocol';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLobbyServer, type LobbyServer } from '../../lobby/src/index.js';
import { connect, defineChannels, type LobbyClient, type Room, type RoomEvents } from '../src/index.js';
import { counterCodec, waitFor } from './support/helpers.js';

const channels = defineChannels({
  chat: { kind: 'reliable-ordered', codec: chatCodec },
  pos: { kind: 'unreliable-sequenced', codec: counterCodec },
});
type Channels = typeof channels extends import('../src/index.js').ChannelSpecs<infer M> ? M : never;

function next<E extends keyof RoomEvents<Channels>>(
  room: Room<Channels>,
  event: E,
): Promise<Parameters<RoomEvents<Channels>[E]>> {
  return new Promise((resolve) =>
    room.once(event, ((...args: Parameters<RoomEvents<Channels>[E]>) => resolve(args)) as never),
  );
}

describe('rooms over the relay', () => {
  let lobby: LobbyServer;
  const clients: LobbyClient<Channels>[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby.stop(200);
  });

  async function players(count: number): Promise<Room<Channels>[]> {
    lobby = createLobbyServer({
      port: 0,
      host: '127.0.0.1',
      stunPort: false,
      logger: pino({ level: 'silent' }),
    });
    const { port } = await lobby.start();
    const url = `ws://127.0.0.1:${port}/`;
    const rooms: Room<Channels>[] = [];
    for (let i = 0; i < count; i++) {
      const client = await connect(url, {
        name: `p${i}`,
        channels,
        reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
        room: { direct: 'never' },
      });
      clients.push(client);
      const room =
        i === 0
          ? await client.createRoom({ name: 'R', capacity: 8, visibility: 'public' })
          : await client.joinRoom({ roomId: rooms[0]!.id });
      rooms.push(room);
    }
    // Everyone has seen everyone.
    await Promise.all(rooms.map((room) => waitFor(() => room.peers.size === count - 1)));
    return rooms;
  }

  it('delivers typed messages over the relay the moment a peer is known', async () => {
    const [alice, bob, carol] = await players(3);
    const heard = next(bob!, 'message');
    const started = performance.now();
    alice!.send(bob!.me.id, 'chat', { text: 'hello bob' });
    const [event] = await heard;
    expect(performance.now() - started).toBeLessThan(100);
    expect(event.from.id).toBe(alice!.me.id);
    expect(event.channel).toBe('chat');
    expect(event.message).toEqual({ text: 'hello bob' });
    expect(bob!.peers.get(alice!.me.id)?.path).toBe('relay');
    const toBob = next(bob!, 'message');
    const toCarol = next(carol!, 'message');
    alice!.broadcast('pos', 7);
    expect((await toBob)[0]).toMatchObject({ channel: 'pos', message: 7 });
    expect((await toCarol)[0]).toMatchObject({ channel: 'pos', message: 7 });
    expect(alice!.stats(bob!.me.id).traffic.relay.datagramsOut).toBeGreaterThan(0);
  });

  it('keeps a chat stream exactly-once and in order across a dropped and resumed lobby connection', async () => {
    const [alice, bob] = await players(2);
    const received: string[] = [];
    const positions: number[] = [];
    bob!.on('message', (event) => {
      if (event.channel === 'chat') received.push(event.message.text);
      else positions.push(event.message);
    });
    let sent = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 20 && sent < 1000; i++) {
        alice!.send(bob!.me.id, 'chat', { text: `m${sent}` });
        alice!.send(bob!.me.id, 'pos', sent++);
      }
    }, 5);
    await waitFor(() => sent >= 300);
    lobby.state.players.get(alice!.me.id)?.connection?.ws.terminate(); // alice's network drops mid-stream
    await waitFor(() => received.length === 1000, 10_000);
    clearInterval(timer);
    expect(received).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
    for (let i = 1; i < positions.length; i++) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
    expect(alice!.stats(bob!.me.id).session.retransmissions).toBeGreaterThanOrEqual(0);
  });

  it('tells the game about undecodable messages, leaves and host changes', async () => {
    const [alice, bob] = await players(2);
    // A 1-byte payload on the 4-byte counter channel, sent below the typed API.
    const remotes = (
      alice as unknown as {
        remotes: { get(id: string): { link: { session: { send(c: number, p: Uint8Array): void } } } };
      }
    ).remotes;
    const refused = next(bob!, 'message:error');
    remotes.get(bob!.me.id).link.session.send(1, Uint8Array.of(9));
    const [failure] = await refused;
    expect(failure.channel).toBe('pos');
    expect(failure.error.name).toBe('MalformedInputError');
    const left = next(bob!, 'peer:leave');
    const host = next(bob!, 'host:change');
    await alice!.leave();
    expect((await left)[1]).toBe('left');
    expect((await host)[0]).toBe(bob!.me.id);
    expect(bob!.me.isHost).toBe(true);
    expect(bob!.peers.size).toBe(0);
  });
});
