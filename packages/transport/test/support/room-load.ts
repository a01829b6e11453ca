import { type ChatMessage, chatCodec, createPositionCodec, type EntityState } from '@handoff/protocol';
import {
  type ConnectOptions,
  connect,
  defineChannels,
  type LobbyClient,
  positionChannel,
  type Room,
} from '../../src/index.js';

/** The channels of a load game: positions (one entity per player) and chat. */
export interface LoadChannels {
  pos: EntityState[];
  chat: ChatMessage;
}

const positions = createPositionCodec({ yaw: true });
/** Channel declaration of {@link LoadChannels}. */
export const LOAD_CHANNELS = defineChannels<LoadChannels>({
  pos: positionChannel(positions),
  chat: { kind: 'reliable-ordered', codec: chatCodec },
});

/** What one player saw during a load run. */
export interface PlayerTally {
  /** Lobby closes (any code) and resumes seen. */
  closes: number[];
  /** Positions received from each peer (by peer id). */
  positionsFrom: Map<string, number>;
  /** Chat lines received from each peer, in arrival order. */
  chatFrom: Map<string, number[]>;
  /** Chat one-way latencies, ms (same process, so same clock). */
  chatLatencies: number[];
  /** Position one-way latencies, ms. */
  positionLatencies: number[];
}

/** A room of real `@handoff/transport` clients playing a game: positions to everyone at `hz`, chat once a second. */
export class LoadRoom {
  readonly tallies: PlayerTally[] = [];
  private timers: ReturnType<typeof setInterval>[] = [];
  sentPositions = 0;
  sentChats: number[] = [];
  private sentAt = new Map<string, number>();

  private constructor(
    readonly clients: LobbyClient<LoadChannels>[],
    readonly rooms: Room<LoadChannels>[],
  ) {}

  /** Connects `players` clients to `url` and puts them in one room. */
  static async open(
    url: string,
    players: number,
    options: ConnectOptions<LoadChannels> = {},
  ): Promise<LoadRoom> {
    const clients: LobbyClient<LoadChannels>[] = [];
    const rooms: Room<LoadChannels>[] = [];
    for (let i = 0; i < players; i++) {
      const client = await connect<LoadChannels>(url, {
        name: `p${i}`,
        channels: LOAD_CHANNELS,
        ...options,
        room: { direct: 'never', ...options.room },
      });
      clients.push(client);
      rooms.push(
        i === 0
          ? await client.createRoom({ name: 'load', capacity: players, visibility: 'public' })
          : await client.joinRoom({ roomId: rooms[0]!.id }),
      );
    }
    const deadline = Date.now() + 10_000;
    while (rooms.some((room) => room.peers.size < players - 1)) {
      if (Date.now() > deadline) throw new Error('not every player sees every other');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return new LoadRoom(clients, rooms);
  }

  /** Starts playing: every player sends its position at `hz` and a chat line every `chatEveryMs`. */
  play(hz: number, chatEveryMs = 1000): void {
    const started = performance.now();
    this.rooms.forEach((room, i) => {
      const tally: PlayerTally = {
        closes: [],
        positionsFrom: new Map(),
        chatFrom: new Map(),
        chatLatencies: [],
        positionLatencies: [],
      };
      this.tallies.push(tally);
      this.clients[i]!.on('connection:lost', (event) => tally.closes.push(event.code));
      room.on('message', (event) => {
        if (event.channel === 'pos') {
          tally.positionsFrom.set(event.from.id, (tally.positionsFrom.get(event.from.id) ?? 0) + 1);
          const entity = event.message[0];
          if (entity !== undefined)
            tally.positionLatencies.push(performance.now() - started - entity.x * 1000);
        } else {
          const [sender, n] = event.message.text.split(':') as [string, string];
          const list = tally.chatFrom.get(sender) ?? [];
          list.push(Number(n));
          tally.chatFrom.set(sender, list);
          const at = this.sentAt.get(event.message.text);
          if (at !== undefined) tally.chatLatencies.push(performance.now() - at);
        }
      });
      this.sentChats.push(0);
      // Stagger players so they do not all tick at once, as on real machines.
      const offset = (i * (1000 / hz)) / this.rooms.length;
      const start = setTimeout(() => {
        this.timers.push(
          setInterval(() => {
            // x carries the send time (s since start) so receivers can measure latency; within the codec's bounds.
            const t = (performance.now() - started) / 1000;
            room.broadcast('pos', [{ id: i, x: t % 1000, y: i, z: 0, yaw: 0 }]);
            this.sentPositions++;
          }, 1000 / hz),
        );
        this.timers.push(
          setInterval(() => {
            const text = `${room.me.id}:${this.sentChats[i]!++}`;
            this.sentAt.set(text, performance.now());
            room.broadcast('chat', { text });
          }, chatEveryMs),
        );
      }, offset);
      this.timers.push(start);
    });
  }

  /** Stops sending. */
  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** Closes every client. */
  close(): void {
    this.stop();
    for (const client of this.clients) client.close();
  }

  /** Relay frames every client sent so far. */
  framesSent(): number[] {
    return this.clients.map((client) => client.relayFramesSent);
  }
}
