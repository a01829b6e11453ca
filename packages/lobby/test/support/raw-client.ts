import {
  type ClientMessage,
  decodeServerMessage,
  encodeClientMessage,
  FrameKind,
  forEachBundleEntry,
  LOBBY_PROTOCOL_VERSION,
  type RoomJoinedMessage,
  type RoomOptions,
  type ServerMessage,
  type WelcomeMessage,
} from '@handoff/protocol/lobby';
import { encode } from '@msgpack/msgpack';
import WebSocket from 'ws';

type Distribute<T> = T extends unknown ? Omit<T, 'requestId'> & { requestId?: number } : never;
/** A client message; `requestId` is filled in when omitted. */
export type Outgoing = Distribute<ClientMessage>;

/** A relay frame as received: source index and payload. */
export interface ReceivedRelay {
  from: number;
  payload: Uint8Array;
}

/**
 * Speaks the raw lobby wire protocol over a real WebSocket, for
 * conformance and abuse tests: no SDK logic, only the framing from
 * docs/protocol.md.
 */
export class RawClient {
  readonly messages: ServerMessage[] = [];
  readonly relays: ReceivedRelay[] = [];
  /** Types of every control message received, in arrival order (never consumed). */
  readonly arrivals: ServerMessage['type'][] = [];
  closeCode: number | undefined;
  /** Relay bundle frames received (protocol ≥ 2); their entries are in {@link relays}. */
  bundlesReceived = 0;
  private nextRequestId = 1;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer) => {
      if (data[0] === FrameKind.Control) {
        const message = decodeServerMessage(data);
        this.messages.push(message);
        this.arrivals.push(message.type);
      } else if (data[0] === FrameKind.Bundle) {
        this.bundlesReceived++;
        forEachBundleEntry(data, 0xffff, (from, start, end) =>
          this.relays.push({ from, payload: new Uint8Array(data.subarray(start, end)) }),
        );
      } else this.relays.push({ from: data.readUInt16BE(1), payload: new Uint8Array(data.subarray(3)) });
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        this.wake();
        resolve(code);
      }),
    );
  }

  static async open(url: string, options: WebSocket.ClientOptions = {}): Promise<RawClient> {
    const ws = new WebSocket(url, options);
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Opens a connection and completes the handshake. */
  static async welcomed(url: string, name = 'player', extra: Partial<Outgoing> = {}): Promise<RawClient> {
    const client = await RawClient.open(url);
    await client.hello(name, extra);
    return client;
  }

  welcome: WelcomeMessage | undefined;

  async hello(name: string, extra: Partial<Outgoing> = {}): Promise<WelcomeMessage> {
    const id = this.send({
      type: 'hello',
      protocolVersion: LOBBY_PROTOCOL_VERSION,
      name,
      ...extra,
    } as Outgoing);
    const welcome = await this.reply(id);
    if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
    this.welcome = welcome;
    return welcome;
  }

  /** Sends a control message; returns its request id. */
  send(message: Outgoing): number {
    const requestId = message.requestId ?? this.nextRequestId++;
    this.ws.send(encodeClientMessage({ ...message, requestId } as ClientMessage));
    return requestId;
  }

  /** Sends any value as a control frame, bypassing validation (for hostile input). */
  sendUnchecked(body: unknown): void {
    const packed = encode(body);
    const frame = new Uint8Array(1 + packed.length);
    frame.set(packed, 1);
    this.ws.send(frame);
  }

  /** Sends raw bytes as one binary message. */
  sendRaw(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }

  /** Sends one relay bundle (protocol ≥ 2) with an entry per `[peerIndex, payload]`. */
  bundle(entries: readonly (readonly [number, Uint8Array])[]): void {
    const size = entries.reduce((sum, [, payload]) => sum + 4 + payload.length, 1);
    const frame = new Uint8Array(size);
    frame[0] = FrameKind.Bundle;
    let offset = 1;
    for (const [peerIndex, payload] of entries) {
      frame[offset] = peerIndex >> 8;
      frame[offset + 1] = peerIndex & 0xff;
      frame[offset + 2] = payload.length >> 8;
      frame[offset + 3] = payload.length & 0xff;
      frame.set(payload, offset + 4);
      offset += 4 + payload.length;
    }
    this.ws.send(frame);
  }

  relayTo(peerIndex: number, payload: Uint8Array): void {
    const frame = new Uint8Array(3 + payload.length);
    frame[0] = FrameKind.Relay;
    frame[1] = peerIndex >> 8;
    frame[2] = peerIndex & 0xff;
    frame.set(payload, 3);
    this.ws.send(frame);
  }

  broadcast(payload: Uint8Array): void {
    const frame = new Uint8Array(1 + payload.length);
    frame[0] = FrameKind.Broadcast;
    frame.set(payload, 1);
    this.ws.send(frame);
  }

  /** Creates a room (defaults: public, capacity 4) and returns its `room:joined`; throws on an error. */
  async createRoom(options: Partial<RoomOptions> = {}): Promise<RoomJoinedMessage> {
    const reply = await this.request({
      type: 'room:create',
      name: 'R',
      capacity: 4,
      visibility: 'public',
      ...options,
    });
    if (reply.type !== 'room:joined') throw new Error(`room:create failed: ${JSON.stringify(reply)}`);
    return reply;
  }

  /** Sends a request and waits for the message answering it. */
  async request(message: Outgoing): Promise<ServerMessage> {
    return this.reply(this.send(message));
  }

  /** Waits for a message with this request id. */
  reply(requestId: number, timeoutMs = 3000): Promise<ServerMessage> {
    return this.next((m) => 'requestId' in m && m.requestId === requestId, timeoutMs);
  }

  /** Waits for (and removes) the first message matching `predicate`. */
  async next(predicate: (message: ServerMessage) => boolean, timeoutMs = 3000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex(predicate);
      if (index >= 0) return this.messages.splice(index, 1)[0]!;
      if (this.closeCode !== undefined)
        throw new Error(`connection closed (${this.closeCode}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; have ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for a message of a given type. */
  nextOfType<T extends ServerMessage['type']>(
    type: T,
    timeoutMs = 3000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    return this.next((m) => m.type === type, timeoutMs) as Promise<Extract<ServerMessage, { type: T }>>;
  }

  /** Waits until `count` relay frames arrived. */
  async relaysReceived(count: number, timeoutMs = 3000): Promise<ReceivedRelay[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.relays.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.relays.length}/${count} relay frames`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.relays;
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
