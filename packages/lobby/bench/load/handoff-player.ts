/**
 * A real `@handoff/transport` client as a game embeds it: relay only
 * (`room: { direct: 'never' }`), a position channel (one entity, the
 * position codec with yaw) and a reliable-ordered chat channel, broadcast
 * with `room.broadcast`. Default options otherwise (reconnect on).
 */
import { type ChatMessage, chatCodec, createPositionCodec, type EntityState } from '@handoff/protocol';
import { LobbyErrorCode } from '@handoff/protocol/lobby';
import { connect, defineChannels, type LobbyClient, positionChannel, type Room } from '@handoff/transport';
import type { TimeStamp } from './game-clock.js';
import type { GamePlayer, PlayerListener } from './game-player.js';

/** The game's channels. */
interface GameChannels {
  pos: EntityState[];
  chat: ChatMessage;
}

const CHANNELS = defineChannels<GameChannels>({
  pos: positionChannel(createPositionCodec({ yaw: true })),
  chat: { kind: 'reliable-ordered', codec: chatCodec },
});

/** One Handoff player. */
export class HandoffPlayer implements GamePlayer {
  private closing = false;

  private constructor(
    readonly index: number,
    private readonly client: LobbyClient<GameChannels>,
    private readonly room: Room<GameChannels>,
    listener: PlayerListener,
  ) {
    room.on('message', (event) => {
      if (event.channel === 'pos') {
        const entity = event.message[0];
        if (entity !== undefined) listener.position(entity.id, entity.x, entity.y);
      } else listener.chat(event.message.text);
    });
    room.on('broadcast:skipped', () => listener.pushedBack());
    // A drop it reconnects after, or a close for good (a kick that forbids reconnecting): both count.
    client.on('connection:lost', (event) => listener.closed(event.code));
    client.on('connection:closed', (event) => {
      if (!this.closing) listener.closed(event.code);
    });
    client.on('lobby:error', (error) => {
      if (error.code === LobbyErrorCode.RateLimited) listener.pushedBack();
      else listener.error(`lobby error ${error.code}: ${error.message}`);
    });
  }

  /** Connects player `index` to the lobby at `url` and creates (index 0) or joins `roomId`. */
  static async open(
    url: string,
    index: number,
    roomSize: number,
    roomId: string | undefined,
    listener: PlayerListener,
  ): Promise<HandoffPlayer> {
    const client = await connect<GameChannels>(url, {
      name: `p${index}`,
      channels: CHANNELS,
      room: { direct: 'never' },
    });
    const room =
      roomId === undefined
        ? await client.createRoom({ name: 'bench', capacity: roomSize, visibility: 'private' })
        : await client.joinRoom({ roomId });
    return new HandoffPlayer(index, client, room, listener);
  }

  get roomId(): string {
    return this.room.id;
  }

  sendPosition(stamp: TimeStamp): void {
    this.room.broadcast('pos', [{ id: this.index, x: stamp.x, y: stamp.y, z: 0, yaw: 0 }]);
  }

  sendChat(text: string): void {
    this.room.broadcast('chat', { text });
  }

  framesSent(): number {
    return this.client.relayFramesSent;
  }

  seesEveryone(roomSize: number): boolean {
    return this.room.peers.size >= roomSize - 1;
  }

  close(): void {
    this.closing = true;
    this.client.close();
  }
}
