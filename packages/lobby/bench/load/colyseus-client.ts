/**
 * A load-generating Colyseus client: the official SDK (`@colyseus/sdk`)
 * joins through the matchmaker (HTTP seat reservation, then WebSocket), then
 * payloads go out as `room.send('p', bytes)` and come back through
 * `room.onMessage('p')`. Wire bytes are counted on the SDK's socket.
 */
import { Client, type Room } from '@colyseus/sdk';
import type { BenchClient } from './bench-client.js';

/** The SDK's socket in Node: a `ws` WebSocket (an EventEmitter). */
interface SocketLike {
  prependListener(event: 'message', listener: (data: ArrayBuffer | Buffer) => void): void;
  terminate(): void;
}

/** One Colyseus connection in a `relay` room. */
export class ColyseusLoadClient implements BenchClient {
  onPayload: (payload: Uint8Array, wireBytes: number) => void = () => {};
  private wireBytes = 0;

  private constructor(private readonly room: Room) {
    // The SDK decodes and calls onMessage from its own 'message' listener:
    // note the size in a listener that runs before it.
    socketOf(room).prependListener('message', (data) => {
      this.wireBytes = data.byteLength;
    });
    room.onMessage('p', (payload: Uint8Array) => this.onPayload(payload, this.wireBytes));
  }

  /** Creates a new `relay` room; the client is its first member. */
  static async create(port: number): Promise<ColyseusLoadClient> {
    return new ColyseusLoadClient(await new Client(`ws://127.0.0.1:${port}`).create('relay'));
  }

  /** Joins the room `roomId`. */
  static async join(port: number, roomId: string): Promise<ColyseusLoadClient> {
    return new ColyseusLoadClient(await new Client(`ws://127.0.0.1:${port}`).joinById(roomId));
  }

  /** The room's id, for others to join. */
  get roomId(): string {
    return this.room.roomId;
  }

  broadcast(payload: Uint8Array): void {
    this.room.send('p', payload);
  }

  terminate(): void {
    // A dropped socket is what the SDK reconnects after: not here, the bench is done.
    this.room.reconnection.enabled = false;
    socketOf(this.room).terminate();
  }
}

function socketOf(room: Room): SocketLike {
  return (room.connection as unknown as { transport: { ws: SocketLike } }).transport.ws;
}
