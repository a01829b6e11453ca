/**
 * A lean WebSocket client for load generation: speaks just enough of the
 * lobby protocol to get welcomed and into a room (requests answered by
 * `requestId`), and hands every relayed datagram (each entry of a relay
 * bundle) to a callback without decoding or keeping it.
 */
import {
  type ClientMessage,
  decodeServerMessage,
  encodeClientMessage,
  FrameKind,
  forEachBundleEntry,
  LOBBY_PROTOCOL_VERSION,
  type ServerMessage,
} from '@handoff/protocol/lobby';
import WebSocket from 'ws';
import type { BenchClient } from './bench-client.js';

type WithoutRequestId<T> = T extends unknown ? Omit<T, 'requestId'> : never;
/** A client control message; the client fills in `requestId`. */
export type ClientRequest = WithoutRequestId<ClientMessage>;

/** One load-generating connection to the Handoff lobby or the raw relay. */
export class LoadClient implements BenchClient {
  onPayload: (payload: Uint8Array, wireBytes: number) => void = () => {};
  private readonly pending = new Map<number, (message: ServerMessage) => void>();
  private nextRequestId = 1;

  private constructor(private readonly ws: WebSocket) {
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer) => {
      if (data[0] === FrameKind.Bundle) {
        // Lobby protocol 2: one bundle per flush window, an entry per datagram
        // (the first entry's wire size includes the bundle's kind byte).
        let first = true;
        forEachBundleEntry(data, 0xffff, (_, start, end) => {
          this.onPayload(data.subarray(start, end), end - start + 4 + (first ? 1 : 0));
          first = false;
        });
        return;
      }
      if (data[0] !== FrameKind.Control) {
        // Protocol 1: `[0x01][u16 sender index][payload]`; the raw relay
        // forwards the sender's `[0x02][payload]` unchanged.
        this.onPayload(data.subarray(data[0] === FrameKind.Relay ? 3 : 1), data.length);
        return;
      }
      const message = decodeServerMessage(data);
      const requestId = 'requestId' in message ? message.requestId : undefined;
      if (requestId === undefined) return; // Presence and other events: not needed here.
      const resolve = this.pending.get(requestId);
      this.pending.delete(requestId);
      resolve?.(message);
    });
    ws.on('error', () => {}); // Surfaces as 'close'; teardown may race with the server's.
  }

  /** Opens a connection to `url`. */
  static connect(url: string): Promise<LoadClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new LoadClient(ws)));
      ws.once('error', reject);
    });
  }

  /** Sends a control request and waits for its answer (rejects after `timeoutMs`). */
  request(message: ClientRequest, timeoutMs = 10_000): Promise<ServerMessage> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`no answer to ${message.type} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.ws.send(encodeClientMessage({ ...message, requestId } as ClientMessage));
    });
  }

  /** Completes the lobby handshake (`hello` → `welcome`). */
  async hello(name: string): Promise<void> {
    const answer = await this.request({ type: 'hello', protocolVersion: LOBBY_PROTOCOL_VERSION, name });
    if (answer.type !== 'welcome') throw new Error(`expected welcome, got ${answer.type}`);
  }

  /** Sends `payload` as a broadcast frame `[0x02][payload]` (the raw relay forwards it as is). */
  broadcast(payload: Uint8Array): void {
    const frame = Buffer.allocUnsafe(1 + payload.length);
    frame[0] = FrameKind.Broadcast;
    frame.set(payload, 1);
    this.ws.send(frame);
  }

  /** Drops the connection at once (no close handshake: teardown of thousands must be quick). */
  terminate(): void {
    this.ws.terminate();
  }
}
