import { chatCodec } from '@handoff/protocol';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLobbyServer, type LobbyServer } from '../../lobby/src/index.js';
import { connect, defineChannels, type LobbyClient, type Room } from '../src/index.js';
import { counterCodec, waitFor } from './support/helpers.js';

type Channels = { chat: { text: string }; pos: number };
const channels = defineChannels<Channels>({
  chat: { kind: 'reliable-ordered', codec: chatCodec },
  pos: { kind: 'unreliable-sequenced', codec: counterCodec },
});

describe('path switches under a position stream', () => {
  let lobby: LobbyServer;
  const clients: LobbyClient<Channels>[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby.stop(200);
  });

  it('positions never go backwards and chat stays exactly-once across relay → direct → relay → direct', async () => {
    lobby = createLobbyServer({
      port: 0,
      host: '127.0.0.1',
      stunPort: false,
      logger: pino({ level: 'silent' }),
    });
    const { port } = await lobby.start();
    const url = `ws://127.0.0.1:${port}/`;
    const rooms: Room<Channels>[] = [];
    for (let i = 0; i < 2; i++) {
      const client = await connect(url, {
        channels,
        room: { directRetry: { initialDelayMs: 100, maxDelayMs: 200 } },
      });
      clients.push(client);
      rooms.push(
        i === 0
          ? await client.createRoom({ name: 'R', capacity: 2, visibility: 'public' })
          : await client.joinRoom({ roomId: rooms[0]!.id }),
      );
    }
    const [alice, bob] = rooms as [Room<Channels>, Room<Channels>];
    await waitFor(() => alice.peers.size === 1);
    const positions: number[] = [];
    const chat: string[] = [];
    bob.on('message', (event) => {
      if (event.channel === 'pos') positions.push(event.message);
      else chat.push(event.message.text);
    });
    const paths: string[] = [];
    alice.on('path:change', (event) => paths.push(event.to));
    let tick = 0;
    const game = setInterval(() => {
      tick++;
      alice.send(bob.me.id, 'pos', tick);
      alice.send(bob.me.id, 'chat', { text: `c${tick}` });
    }, 4);
    await waitFor(() => paths.includes('direct'), 5000);
    alice.conditioner = { direct: { loss: 1 } };
    bob.conditioner = { direct: { loss: 1 } };
    await waitFor(() => paths.at(-1) === 'relay', 5000);
    alice.conditioner = undefined;
    bob.conditioner = undefined;
    await waitFor(() => paths.length >= 3, 5000);
    clearInterval(game);
    const last = tick;
    await waitFor(() => chat.length === last, 5000);
    expect(paths).toEqual(['direct', 'relay', 'direct']);
    for (let i = 1; i < positions.length; i++) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
    // Positions sent into the blackhole are gone (unreliable); the stream resumes with the newest.
    await waitFor(() => positions.at(-1) === last, 2000);
    expect(chat).toEqual(Array.from({ length: last }, (_, i) => `c${i + 1}`));
  }, 20_000);
});
