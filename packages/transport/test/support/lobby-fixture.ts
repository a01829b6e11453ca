import pino from 'pino';
import { createLobbyServer, type LobbyServer } from '../../../lobby/src/index.js';
import { type ConnectOptions, connect, type LobbyClient, type Room } from '../../src/index.js';
import { waitFor } from './helpers.js';

/** A real lobby on a free loopback port (no STUN), and the clients tests open against it; `stop` closes all. */
export class LobbyFixture {
  private readonly clients: LobbyClient<never>[] = [];

  private constructor(
    readonly lobby: LobbyServer,
    readonly url: string,
  ) {}

  static async start(): Promise<LobbyFixture> {
    const lobby = createLobbyServer({
      port: 0,
      host: '127.0.0.1',
      stunPort: false,
      logger: pino({ level: 'silent' }),
    });
    const { port } = await lobby.start();
    return new LobbyFixture(lobby, `ws://127.0.0.1:${port}/`);
  }

  /** `count` real clients in one room (the first creates it); resolves once everyone sees everyone. */
  async room<M>(count: number, options: (index: number) => ConnectOptions<M>): Promise<Room<M>[]> {
    const rooms: Room<M>[] = [];
    for (let i = 0; i < count; i++) {
      const client = await connect<M>(this.url, { name: `p${i}`, ...options(i) });
      this.clients.push(client as unknown as LobbyClient<never>);
      rooms.push(
        i === 0
          ? await client.createRoom({ name: 'R', capacity: 8, visibility: 'public' })
          : await client.joinRoom({ roomId: rooms[0]!.id }),
      );
    }
    await Promise.all(rooms.map((room) => waitFor(() => room.peers.size === count - 1)));
    return rooms;
  }

  async stop(): Promise<void> {
    for (const client of this.clients.splice(0)) client.close();
    await this.lobby.stop(200);
  }
}
