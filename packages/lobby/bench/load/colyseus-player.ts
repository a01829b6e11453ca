/**
 * A real Colyseus 0.18 client (`@colyseus/sdk`) playing the same game: it
 * joins through the matchmaker and sends its position (`room.send('pos',
 * { id, x, y, z, yaw })`) and chat lines (`room.send('chat', { text })`);
 * the server broadcasts each to the others (servers/colyseus-relay.ts).
 * Frames are counted on the SDK's socket.
 */
import { Client, type Room } from '@colyseus/sdk';
import type { TimeStamp } from './game-clock.js';
import type { GamePlayer, PlayerListener } from './game-player.js';

/** The SDK's socket in Node: a `ws` WebSocket. */
interface SocketLike {
  send(data: unknown, ...rest: unknown[]): void;
  terminate(): void;
}

interface PositionMessage {
  id: number;
  x: number;
  y: number;
  z: number;
  yaw: number;
}

/** One Colyseus player. */
export class ColyseusPlayer implements GamePlayer {
  private frames = 0;
  private closing = false;

  private constructor(
    readonly index: number,
    private readonly room: Room,
    listener: PlayerListener,
  ) {
    const socket = socketOf(room);
    const send = socket.send.bind(socket);
    socket.send = (data: unknown, ...rest: unknown[]) => {
      this.frames++;
      send(data, ...rest);
    };
    room.onMessage('pos', (message: PositionMessage) => listener.position(message.id, message.x, message.y));
    room.onMessage('chat', (message: { text: string }) => listener.chat(message.text));
    // A drop (the SDK then tries to reconnect) and a leave it did not ask for both count as a close.
    room.onDrop((code: number) => {
      if (!this.closing) listener.closed(code);
    });
    room.onLeave((code: number) => {
      if (!this.closing) listener.closed(code);
    });
    room.onError((code: number, message?: string) =>
      listener.error(`colyseus error ${code}: ${message ?? ''}`),
    );
  }

  /** Connects player `index` to the Colyseus server on `port`: creates a `relay` room (no `roomId`) or joins it. */
  static async open(
    port: number,
    index: number,
    roomId: string | undefined,
    listener: PlayerListener,
  ): Promise<ColyseusPlayer> {
    const client = new Client(`ws://127.0.0.1:${port}`);
    const room = roomId === undefined ? await client.create('relay') : await client.joinById(roomId);
    return new ColyseusPlayer(index, room, listener);
  }

  get roomId(): string {
    return this.room.roomId;
  }

  sendPosition(stamp: TimeStamp): void {
    const message: PositionMessage = { id: this.index, x: stamp.x, y: stamp.y, z: 0, yaw: 0 };
    this.room.send('pos', message);
  }

  sendChat(text: string): void {
    this.room.send('chat', { text });
  }

  framesSent(): number {
    return this.frames;
  }

  seesEveryone(): boolean {
    return true; // No presence to wait for: the server relays to whoever is seated.
  }

  close(): void {
    this.closing = true;
    // A dropped socket is what the SDK reconnects after: not here, the run is over.
    this.room.reconnection.enabled = false;
    socketOf(this.room).terminate();
  }
}

function socketOf(room: Room): SocketLike {
  return (room.connection as unknown as { transport: { ws: SocketLike } }).transport.ws;
}
