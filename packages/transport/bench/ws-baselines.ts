/**
 * The relay-path baselines: a raw `ws` server in this process that echoes
 * (client → server → client, one server hop per round trip) or forwards
 * between two clients (A → server → B → server → A, two hops, like a relay).
 */
import type { AddressInfo } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Cleanup } from './cleanup.js';
import { asBytes, type Duplex } from './duplex.js';
import { within } from './wait.js';

/** How the server treats a message. */
export type WsServerMode = 'echo' | 'forward';

/** Starts a `ws` server on 127.0.0.1 (closed by `cleanup`); returns its URL. */
export async function startWsServer(cleanup: Cleanup, mode: WsServerMode): Promise<string> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  cleanup.add(server, (wss) => {
    for (const client of wss.clients) client.terminate();
    return new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  const sockets: WebSocket[] = [];
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data: RawData) => {
      const target = mode === 'echo' ? socket : sockets.find((other) => other !== socket);
      target?.send(data as Buffer, { binary: true });
    });
  });
  await within(
    new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    }),
    'ws server listening',
  );
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Connects a `ws` client (closed by `cleanup`) and wraps it as a {@link Duplex}. */
export async function connectWs(cleanup: Cleanup, url: string): Promise<Duplex> {
  const socket = cleanup.add(new WebSocket(url, { perMessageDeflate: false }), (ws) => ws.terminate());
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    }),
    'ws client open',
  );
  return {
    send: (bytes) => socket.send(bytes, { binary: true }),
    listen: (handler) => {
      const onMessage = (data: RawData): void => {
        const bytes = asBytes(data);
        if (bytes !== undefined) handler(bytes);
      };
      socket.on('message', onMessage);
      return () => socket.off('message', onMessage);
    },
  };
}
