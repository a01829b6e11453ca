import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { expectMetadata } from '@handoff/protocol/lobby';
import type { LobbyState } from '../lobby-state.js';
import type { Room } from '../room.js';
import { MONITOR_PAGE } from './monitor-page.js';

/** Shortest accepted admin token. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;
/** Largest admin request body, bytes. */
const MAX_BODY_BYTES = 16 * 1024;

/** What the admin routes need. */
export interface AdminContext {
  token: string;
  state: LobbyState;
}

/**
 * The admin HTTP API (JSON) and the monitor page, behind a bearer token:
 *
 * | method, path | does |
 * |---|---|
 * | `GET /admin/rooms` | every room: id, code, name, members, capacity, visibility, metadata, relay bytes, pairs (paths, RTTs, time to direct) |
 * | `GET /admin/players` | every player: id, name, address, room, connected |
 * | `GET /admin/bans` | bans in force |
 * | `POST /admin/players/:id/kick` `{ reason? }` | kick |
 * | `POST /admin/bans` `{ playerId \| ip, durationMs, reason? }` | ban (and kick whoever it covers) |
 * | `DELETE /admin/bans` `{ playerId \| ip }` | lift a ban |
 * | `POST /admin/rooms/:id/close` `{ reason? }` | close a room |
 * | `POST /admin/rooms/:id/message` `{ topic, data }` | `server:message` to the room |
 * | `POST /admin/rooms/:id/metadata` `{ metadata }` | replace its metadata |
 * | `GET /monitor` | the live monitor page (the token comes as `?token=` once; the page sends it as a header) |
 *
 * A missing or wrong token is 401 (compared in constant time). Returns false
 * for paths that are not the admin's.
 */
export function serveAdmin(
  request: IncomingMessage,
  response: ServerResponse,
  context: AdminContext,
): boolean {
  const url = new URL(request.url ?? '/', 'http://lobby');
  const path = url.pathname;
  if (path !== '/monitor' && !path.startsWith('/admin/')) return false;
  const presented =
    path === '/monitor' ? (url.searchParams.get('token') ?? '') : bearer(request.headers.authorization);
  if (!sameToken(presented, context.token)) {
    json(response, 401, { error: 'unauthorized' });
    return true;
  }
  if (path === '/monitor') {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
    });
    response.end(MONITOR_PAGE);
    return true;
  }
  void route(request, response, context.state, path).catch((error: Error) =>
    json(response, 400, { error: error.message.slice(0, 200) }),
  );
  return true;
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  state: LobbyState,
  path: string,
): Promise<void> {
  const method = request.method ?? 'GET';
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent); // ['admin', ...]
  const moderation = state.moderation;
  if (method === 'GET' && path === '/admin/rooms') {
    json(response, 200, { rooms: [...state.rooms.values()].map((room) => roomView(state, room)) });
    return;
  }
  if (method === 'GET' && path === '/admin/players') {
    json(response, 200, {
      players: [...state.players.values()].map((player) => ({
        id: player.id,
        name: player.name,
        ip: player.connection?.ip,
        roomId: player.room?.id,
        connected: player.connection !== undefined,
      })),
    });
    return;
  }
  if (method === 'GET' && path === '/admin/bans') {
    json(response, 200, { bans: moderation.list() });
    return;
  }
  const body = method === 'POST' || method === 'DELETE' ? await readJson(request) : {};
  const reason = typeof body.reason === 'string' ? body.reason.slice(0, 120) : undefined;
  if (method === 'POST' && parts[1] === 'players' && parts[3] === 'kick' && parts.length === 4) {
    found(response, moderation.kick(parts[2]!, reason));
    return;
  }
  if (path === '/admin/bans' && (method === 'POST' || method === 'DELETE')) {
    const target =
      typeof body.playerId === 'string'
        ? { playerId: body.playerId }
        : typeof body.ip === 'string'
          ? { ip: body.ip }
          : undefined;
    if (target === undefined) throw new Error('playerId or ip required');
    if (method === 'DELETE') {
      found(response, moderation.unban(target));
      return;
    }
    const duration = body.durationMs;
    if (typeof duration !== 'number' || !(duration > 0))
      throw new Error('durationMs must be a positive number');
    json(response, 200, { kicked: moderation.ban(target, duration, reason) });
    return;
  }
  if (method === 'POST' && parts[1] === 'rooms' && parts.length === 4) {
    const roomId = parts[2]!;
    if (parts[3] === 'close') {
      found(response, moderation.closeRoom(roomId, reason));
      return;
    }
    if (parts[3] === 'message') {
      if (typeof body.topic !== 'string' || !/^[A-Za-z0-9_.:-]{1,32}$/.test(body.topic))
        throw new Error('topic: 1..32 characters of [A-Za-z0-9_.:-]');
      const data = expectMetadata(body.data ?? {}, 'data');
      json(response, 200, { delivered: moderation.sendToRoom(roomId, body.topic, data) });
      return;
    }
    if (parts[3] === 'metadata') {
      found(response, moderation.setRoomMetadata(roomId, expectMetadata(body.metadata ?? {}, 'metadata')));
      return;
    }
  }
  json(response, 404, { error: 'no such admin route' });
}

function roomView(state: LobbyState, room: Room): Record<string, unknown> {
  return {
    id: room.id,
    code: room.code,
    name: room.name,
    capacity: room.capacity,
    visibility: room.visibility,
    metadata: room.metadata,
    hostId: room.hostId,
    relayBytes: room.relayBytes,
    members: room.members.map((member) => ({
      id: member.id,
      name: member.name,
      connected: member.connection !== undefined,
    })),
    pairs: state.telemetry.pairs(room),
  };
}

function bearer(header: string | undefined): string {
  return header?.startsWith('Bearer ') === true ? header.slice(7).trim() : '';
}

/** Constant-time comparison (of equal-length digests, so the length leaks nothing either). */
function sameToken(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  const length = Math.max(a.length, b.length, 1);
  const left = Buffer.alloc(length);
  const right = Buffer.alloc(length);
  a.copy(left);
  b.copy(right);
  return timingSafeEqual(left, right) && a.length === b.length && presented !== '';
}

function found(response: ServerResponse, ok: boolean): void {
  json(response, ok ? 200 : 404, ok ? { ok: true } : { error: 'not found' });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('expected a JSON object');
  return value as Record<string, unknown>;
}
