/**
 * Bench child: the floor of a hand-rolled relay. A plain `ws` server (its
 * defaults); clients of one room share the URL path; every binary message is
 * sent on as-is with one `ws.send` per other member of the room — no
 * coalescing, no validation, no rate limits, no protocol.
 */
import { type WebSocket, WebSocketServer } from 'ws';
import { runControlLoop } from './child-control.js';

const rooms = new Map<string, Set<WebSocket>>();
const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });

server.on('connection', (ws, request) => {
  const key = request.url ?? '/';
  let room = rooms.get(key);
  if (room === undefined) {
    room = new Set();
    rooms.set(key, room);
  }
  const members = room;
  members.add(ws);
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    for (const other of members) if (other !== ws) other.send(data);
  });
  ws.on('close', () => {
    members.delete(ws);
    if (members.size === 0) rooms.delete(key);
  });
  ws.on('error', () => ws.terminate());
});

await new Promise<void>((resolve) => server.once('listening', resolve));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('raw ws relay: no TCP address');
runControlLoop({
  port: address.port,
  stop: () =>
    new Promise<void>((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => resolve());
    }),
});
