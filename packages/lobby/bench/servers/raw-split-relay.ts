/**
 * Bench child: the floor of a naive relay for the real Handoff SDK. A plain
 * `ws` server (its defaults) that speaks just enough of the lobby protocol
 * for `@handoff/transport` to play on it — `hello` → `welcome`,
 * `room:create` / `room:join` → `room:joined`, `presence:join` / `leave`,
 * `ping` → `pong` — and relays the frames the SDK sends: a relay bundle
 * (kind 0x03) is split per destination and every datagram leaves as its own
 * relay frame (`[0x01][u16 source index][payload]`) with one `ws.send`; a
 * relay frame (0x01) is forwarded, a broadcast (0x02) sent once per member.
 * No coalescing, no validation beyond the bundle's structure, no rate
 * limits, no resume.
 */
import { randomBytes } from 'node:crypto';
import {
  type ClientMessage,
  decodeClientMessage,
  encodeServerMessage,
  FrameKind,
  forEachBundleEntry,
  LOBBY_PROTOCOL_VERSION,
  MAX_CONTROL_FRAME_BYTES,
  type Member,
  type RoomInfo,
  type ServerMessage,
} from '@handoff/protocol/lobby';
import { type WebSocket, WebSocketServer } from 'ws';
import { runControlLoop } from './child-control.js';

const MAX_PAYLOAD = 65_535;

interface Client {
  ws: WebSocket;
  id: string;
  name: string;
  room: Room | undefined;
  index: number;
}

interface Room {
  info: RoomInfo;
  byIndex: (Client | undefined)[];
}

const rooms = new Map<string, Room>();
const secret = (): string => randomBytes(18).toString('base64url');
const send = (client: Client, message: ServerMessage): void => client.ws.send(encodeServerMessage(message));

function member(client: Client, room: Room): Member {
  return {
    id: client.id,
    name: client.name,
    peerIndex: client.index,
    isHost: room.info.hostId === client.id,
    pairNonce: secret(),
  };
}

function enter(client: Client, room: Room, requestId: number): void {
  let index = 0;
  while (room.byIndex[index] !== undefined) index++;
  client.room = room;
  client.index = index;
  room.byIndex[index] = client;
  const others = room.byIndex.filter((other): other is Client => other !== undefined && other !== client);
  send(client, {
    type: 'room:joined',
    requestId,
    room: room.info,
    you: { peerIndex: index },
    members: others.map((other) => member(other, room)),
  });
  for (const other of others) send(other, { type: 'presence:join', member: member(client, room) });
}

function leave(client: Client): void {
  const room = client.room;
  if (room === undefined) return;
  room.byIndex[client.index] = undefined;
  client.room = undefined;
  let empty = true;
  for (const other of room.byIndex) {
    if (other === undefined) continue;
    empty = false;
    send(other, { type: 'presence:leave', playerId: client.id, reason: 'disconnected' });
  }
  if (empty) rooms.delete(room.info.id);
}

function control(client: Client, message: ClientMessage): void {
  switch (message.type) {
    case 'hello':
      client.name = message.name ?? 'Player';
      send(client, {
        type: 'welcome',
        requestId: message.requestId,
        protocolVersion: Math.min(message.protocolVersion, LOBBY_PROTOCOL_VERSION),
        playerId: client.id,
        sessionToken: secret(),
        resumed: false,
        iceServers: [],
        limits: {
          maxRelayPayloadBytes: 1200,
          maxControlFrameBytes: MAX_CONTROL_FRAME_BYTES,
          maxMessagesPerSecond: 1e6,
          maxBytesPerSecond: 1e9,
          heartbeatIntervalMs: 5000,
          idleTimeoutMs: 15_000,
          resumeGraceMs: 20_000,
        },
      });
      return;
    case 'ping':
      send(client, { type: 'pong', requestId: message.requestId, t: message.t });
      return;
    case 'room:create': {
      const id = secret();
      const room: Room = {
        info: {
          id,
          code: 'BENCH',
          name: message.name,
          capacity: message.capacity,
          visibility: message.visibility,
          metadata: {},
          hostId: client.id,
        },
        byIndex: [],
      };
      rooms.set(id, room);
      enter(client, room, message.requestId);
      return;
    }
    case 'room:join': {
      const room = message.roomId === undefined ? undefined : rooms.get(message.roomId);
      if (room === undefined) {
        send(client, { type: 'error', requestId: message.requestId, code: 1, message: 'no such room' });
        return;
      }
      enter(client, room, message.requestId);
      return;
    }
    case 'signal':
      return; // Fire and forget; no direct links here (the clients run with direct: 'never').
    default:
      // Fire-and-forget reports (e.g. telemetry) are dropped silently; requests are refused.
      if ((message.type as string) === 'telemetry') return;
      send(client, {
        type: 'error',
        requestId: message.requestId,
        code: 1,
        message: `${message.type}: not supported here`,
      });
  }
}

function relay(client: Client, frame: Buffer): void {
  const room = client.room;
  if (room === undefined) return;
  const forward = (index: number, payload: Uint8Array): void => {
    const target = room.byIndex[index];
    if (target === undefined || target === client) return;
    const out = Buffer.allocUnsafe(3 + payload.length);
    out[0] = FrameKind.Relay;
    out[1] = client.index >>> 8;
    out[2] = client.index & 0xff;
    out.set(payload, 3);
    target.ws.send(out);
  };
  if (frame[0] === FrameKind.Bundle) {
    try {
      forEachBundleEntry(frame, MAX_PAYLOAD, (index, start, end) =>
        forward(index, frame.subarray(start, end)),
      );
    } catch {
      // A malformed bundle is dropped whole.
    }
  } else if (frame[0] === FrameKind.Relay) {
    forward((frame[1]! << 8) | frame[2]!, frame.subarray(3));
  } else {
    const payload = frame.subarray(1);
    for (const target of room.byIndex) if (target !== undefined) forward(target.index, payload);
  }
}

const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
server.on('connection', (ws) => {
  const client: Client = { ws, id: secret(), name: 'Player', room: undefined, index: -1 };
  ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary || data.length === 0) return;
    if (data[0] !== FrameKind.Control) {
      relay(client, data);
      return;
    }
    let message: ClientMessage;
    try {
      message = decodeClientMessage(data);
    } catch {
      return;
    }
    control(client, message);
  });
  ws.on('close', () => leave(client));
  ws.on('error', () => ws.terminate());
});

await new Promise<void>((resolve) => server.once('listening', resolve));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('raw split relay: no TCP address');
runControlLoop({
  port: address.port,
  stop: () =>
    new Promise<void>((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => resolve());
    }),
});
