/**
 * One player of the time-to-direct bench, the same code in Node and in a
 * browser page (bundled by `page.ts`): connects to the lobby, creates or
 * joins a room of two, and reports how long its side took to go direct.
 */
import { type ChatMessage, chatCodec } from '@handoff/protocol';
import { connect, defineChannels, type LobbyClient, type Room } from '@handoff/transport';

interface Channels {
  chat: ChatMessage;
}
const CHANNELS = defineChannels<Channels>({ chat: { kind: 'reliable-ordered', codec: chatCodec } });

/** What one side saw in one try. */
export interface SideResult {
  /** `room.stats(peer).timeToDirectMs`: the peer known → the direct link validated, ms. */
  timeToDirectMs: number;
  /** This side offered (the lower player id offers). */
  offerer: boolean;
}

/** One player: a lobby connection and at most one room. */
export class TtdPlayer {
  private room: Room<Channels> | undefined;

  private constructor(private readonly lobby: LobbyClient<Channels>) {}

  static async open(url: string, name: string): Promise<TtdPlayer> {
    return new TtdPlayer(await connect(url, { name, channels: CHANNELS, reconnect: false }));
  }

  /** Creates a private room of two; returns its id. */
  async create(): Promise<string> {
    this.room = await this.lobby.createRoom({ name: 'ttd', capacity: 2, visibility: 'private' });
    return this.room.id;
  }

  async join(roomId: string): Promise<void> {
    this.room = await this.lobby.joinRoom({ roomId });
  }

  /** Waits until the room's other player is on the direct path. */
  async direct(timeoutMs: number): Promise<SideResult> {
    const room = this.room;
    if (room === undefined) throw new Error('not in a room');
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const peer = [...room.peers.values()][0];
      if (peer !== undefined && peer.path === 'direct') {
        const ms = room.stats(peer.id).timeToDirectMs;
        if (ms === undefined) throw new Error('direct without timeToDirectMs');
        return { timeToDirectMs: ms, offerer: room.me.id < peer.id };
      }
      if (performance.now() > deadline)
        throw new Error(
          `not direct after ${timeoutMs} ms (peer ${peer === undefined ? 'unknown' : peer.path})`,
        );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    await this.room?.leave().catch(() => undefined);
    this.lobby.close();
  }
}
