import type { IncomingHttpHeaders, Server } from 'node:http';
import { InvalidOptionError } from '@handoff/protocol';
import {
  DEFAULT_MAX_RELAY_PAYLOAD_BYTES,
  type IceServer,
  MAX_CONTROL_FRAME_BYTES,
  MAX_RELAY_PAYLOAD_BYTES_LIMIT,
  MAX_ROOM_CAPACITY,
  MAX_ROOM_CODE_LENGTH,
  type Metadata,
  MIN_ROOM_CAPACITY,
  MIN_ROOM_CODE_LENGTH,
  type RoomOptions,
} from '@handoff/protocol/lobby';
import type { Logger } from 'pino';
import { TELEMETRY_REPORTS_PER_SECOND } from './admin/telemetry.js';
import {
  DEFAULT_STUN_MAX_REQUESTS_PER_SECOND_PER_IP,
  DEFAULT_STUN_MAX_TRACKED_IPS,
} from './stun/stun-server.js';
import type { TurnOptions } from './turn-credentials.js';

/** What the `authenticate` hook is given. */
export interface AuthenticateRequest {
  /** The opaque `hello.auth` string (e.g. your game backend's token), if the client sent one. */
  auth: string | undefined;
  /** The display name the client asked for, if any. */
  name: string | undefined;
  /** The client's IP address (from `X-Forwarded-For` when `trustProxy` is on). */
  ip: string;
  /** The HTTP headers of the WebSocket upgrade request. */
  headers: IncomingHttpHeaders;
}

/** What the `authenticate` hook returns for an accepted player. */
export interface AuthenticatedPlayer {
  /** Stable player id (e.g. your account id; `[A-Za-z0-9_-]`, ≤ 64 chars). Default: a random id. */
  id?: string;
  /** Display name (overrides the one the client asked for). */
  name?: string;
  /** Metadata shown to other members (e.g. avatar, rating). */
  metadata?: Metadata;
}

/**
 * Decides who may play. Return the player, or `null` (or throw) to refuse:
 * the client gets `error AuthFailed` and close 4002.
 */
export type Authenticate = (
  request: AuthenticateRequest,
) => AuthenticatedPlayer | null | Promise<AuthenticatedPlayer | null>;

/** Every limit of the lobby. Each one has a default; see {@link LOBBY_LIMIT_DEFAULTS}. */
export interface LobbyLimitOptions {
  /** Largest relay payload after the 3-byte header, bytes. Default 1200. */
  maxRelayPayloadBytes: number;
  /** Largest WebSocket message a client may send, bytes; larger ones close the connection with 4004. Default 32768. */
  maxPayloadBytes: number;
  /**
   * Frames per second a client may send, sustained (bursts up to twice that).
   * A frame over the limit is dropped and the client told `error RateLimited`
   * ("slow down", at most once a second; `@handoff/transport` then spaces its
   * relay frames). Dropped frames draw on an excess budget of one second's
   * worth that refills at a tenth of this rate; a client that empties it
   * (keeps sending at about twice the limit) is closed with 4003. The real
   * SDK sends one frame per flush, whatever the room size. Default 300.
   */
  maxMessagesPerSecond: number;
  /** Bytes per second a client may send, sustained (bursts up to twice that). Same treatment as frames. Default 262144. */
  maxBytesPerSecond: number;
  /**
   * Open TCP connections from one address (an IPv4 address or an IPv6
   * `/ipv6PrefixBits` prefix), counted when the socket opens — before the
   * HTTP headers and the WebSocket upgrade, so a slowloris cannot hold more.
   * A socket over the limit is closed at once (4006 once upgraded). With
   * `redis` it stays per node (docs/scaling.md says why). Default 32.
   */
  maxConnectionsPerIp: number;
  /** Rooms one player may create per minute (`error TooManyRooms` beyond). Default 10. */
  maxRoomsCreatedPerMinute: number;
  /** Rooms one address may create per minute, however many players it opens (`error TooManyRooms`; with `redis`, on every node together). Default 30. */
  maxRoomsCreatedPerMinutePerIp: number;
  /** Rooms created by one address that may exist at once (`error TooManyRooms`): 1% of `maxRooms` by default. Default 100. */
  maxLiveRoomsPerIp: number;
  /** Rooms that may exist at once (`error Unavailable` beyond). Default 10000. */
  maxRooms: number;
  /**
   * Largest room capacity a client may ask for (2..64). Default 32: a client
   * of the SDK sends one relay frame per flush whatever the room size (about
   * 65 a second at 60 Hz), far under the default rate limits; no client was
   * closed in any room of `bench/RESULTS.md`, up to 32 players.
   */
  maxMembersPerRoom: number;
  /** Bytes waiting to be written to one socket before it is closed as a slow consumer (4005). Default 1 MiB. */
  maxSendQueueBytes: number;
  /** Signaling messages per second per player (`error RateLimited` beyond). Default 100. */
  maxSignalsPerSecond: number;
  /** Wrong room passwords per player per minute before joins are refused with `error RateLimited`. Default 10. */
  maxWrongPasswordsPerMinute: number;
  /** Wrong room passwords per address per minute (all its players together; with `redis`, on every node together). Default 20. */
  maxWrongPasswordsPerMinutePerIp: number;
  /**
   * Wrong passwords per room per minute, from everyone: past it, joins to that
   * room with a password are refused (`error RateLimited`) until it refills —
   * a distributed guesser is slowed down too, at the price of latecomers
   * waiting. Default 60.
   */
  maxWrongPasswordsPerMinutePerRoom: number;
  /** Joins by a code that names no room, per player per minute (`error RateLimited` beyond). Default 10. */
  maxFailedCodeLookupsPerMinute: number;
  /** Joins by a code that names no room, per address per minute (with `redis`, on every node together). Default 30. */
  maxFailedCodeLookupsPerMinutePerIp: number;
  /** `room:list` requests per player per minute (bursts of 5; `error RateLimited` beyond). Default 30. */
  maxRoomListsPerMinute: number;
  /** `room:list` requests per address per minute (bursts of 20). Default 120. */
  maxRoomListsPerMinutePerIp: number;
  /** IPv6 addresses are counted per prefix of this many bits (a /64 is one customer). Default 64. */
  ipv6PrefixBits: number;
  /** Characters of a join code (31-letter alphabet; see docs/security.md for the guessing arithmetic). Default 8. */
  roomCodeLength: number;
  /** How often clients should send a frame when idle, ms (advertised in `welcome`). Default 5000. */
  heartbeatIntervalMs: number;
  /** A connection silent this long is closed with 4007, ms. Default 15000. */
  idleTimeoutMs: number;
  /** A connection that sends no `hello` this long is closed with 4012, ms. Default 5000. */
  handshakeTimeoutMs: number;
  /** HTTP request headers must arrive within this, ms (slowloris). Default 10000. */
  headersTimeoutMs: number;
  /** A dropped player may resume within this, ms. Default 20000. */
  resumeGraceMs: number;
  /** Oldest room ticket a restarted lobby accepts to restore a player in its room, ms. Default 86400000 (a day). */
  maxRoomTicketAgeMs: number;
  /** An empty room is closed after this, ms. Default 10000. */
  emptyRoomCloseDelayMs: number;
  /** STUN Binding requests per second from one source IP (a token bucket, burst the same); excess is dropped silently. Default 100. */
  maxStunRequestsPerSecondPerIp: number;
  /** Source IPs whose STUN rate is tracked at once (the least recently seen is forgotten beyond it). Default 10000. */
  maxStunTrackedIps: number;
  /**
   * Connectivity telemetry reports per player per second (bursts of 3);
   * more are dropped and counted, never answered with a close. The SDK
   * reports once a second. Default 1.
   */
  maxTelemetryReportsPerSecond: number;
}

/** Shortest accepted {@link LobbyServerOptions.resumeSecret}. */
export const MIN_RESUME_SECRET_LENGTH = 16;

/** Default values of {@link LobbyLimitOptions}. */
export const LOBBY_LIMIT_DEFAULTS: Readonly<LobbyLimitOptions> = Object.freeze({
  maxRelayPayloadBytes: DEFAULT_MAX_RELAY_PAYLOAD_BYTES,
  maxPayloadBytes: MAX_CONTROL_FRAME_BYTES,
  maxMessagesPerSecond: 300,
  maxBytesPerSecond: 256 * 1024,
  maxConnectionsPerIp: 32,
  maxRoomsCreatedPerMinute: 10,
  maxRoomsCreatedPerMinutePerIp: 30,
  maxLiveRoomsPerIp: 100,
  maxRooms: 10_000,
  maxMembersPerRoom: 32,
  maxSendQueueBytes: 1024 * 1024,
  maxSignalsPerSecond: 100,
  maxWrongPasswordsPerMinute: 10,
  maxWrongPasswordsPerMinutePerIp: 20,
  maxWrongPasswordsPerMinutePerRoom: 60,
  maxFailedCodeLookupsPerMinute: 10,
  maxFailedCodeLookupsPerMinutePerIp: 30,
  maxRoomListsPerMinute: 30,
  maxRoomListsPerMinutePerIp: 120,
  ipv6PrefixBits: 64,
  roomCodeLength: 8,
  heartbeatIntervalMs: 5000,
  idleTimeoutMs: 15_000,
  handshakeTimeoutMs: 5000,
  headersTimeoutMs: 10_000,
  resumeGraceMs: 20_000,
  maxRoomTicketAgeMs: 24 * 60 * 60 * 1000,
  emptyRoomCloseDelayMs: 10_000,
  maxStunRequestsPerSecondPerIp: DEFAULT_STUN_MAX_REQUESTS_PER_SECOND_PER_IP,
  maxStunTrackedIps: DEFAULT_STUN_MAX_TRACKED_IPS,
  maxTelemetryReportsPerSecond: TELEMETRY_REPORTS_PER_SECOND,
});

/** Options of {@link createLobbyServer}. */
export interface LobbyServerOptions {
  /** TCP port to listen on when no `server` is given. Default 8080; 0 picks a free port. */
  port?: number;
  /** Address to listen on. Default `0.0.0.0`. */
  host?: string;
  /** Attach to this existing HTTP server instead of listening on a port (you call `listen`). */
  server?: Server;
  /** WebSocket path. Default `/` (any path but `/healthz` and `/metrics`). */
  path?: string;
  /** Built-in STUN responder: UDP port (default 3478) or `false` to turn it off. */
  stunPort?: number | false;
  /** Host name clients use to reach the built-in STUN responder. Default: the host of the WebSocket request. */
  stunHost?: string;
  /**
   * SOFTWARE attribute of the built-in STUN responder's replies: a string,
   * or `true` for `'handoff-lobby'`. Default none: every byte a reply adds
   * over its request is reflection an attacker could aim elsewhere.
   */
  stunSoftware?: string | boolean;
  /** Extra STUN/TURN servers sent to clients in `welcome` (e.g. your coturn). */
  iceServers?: IceServer[];
  /**
   * TURN servers sharing a secret with the lobby (coturn `use-auth-secret`):
   * each player gets its own short-lived credential in `welcome`, renewed by
   * an `ice:servers` message at half its lifetime. See docs/deploying-a-lobby.md.
   */
  turn?: TurnOptions;
  /**
   * Secret (≥ 16 characters) that seals room tickets. Give every run of the
   * lobby the same one and a restart loses no game: clients come back with
   * their tickets and are put back into the same rooms with the same ids.
   * Default: a random secret per process (a restart ends every room).
   */
  resumeSecret?: string;
  /**
   * Redis URL (e.g. `redis://10.0.0.5:6379`): run as one node of a cluster
   * that shares a room directory (lists, codes and quick-join see every
   * node's rooms; a join for another node's room is redirected there), node
   * liveness and single use of room tickets. Give every node the same
   * `resumeSecret`, and its own `publicUrl`. See docs/scaling.md.
   * Default: none (one process, nothing shared).
   */
  redis?: string;
  /**
   * The WebSocket URL clients reach this node at, e.g. `wss://lobby-2.example.com`
   * (redirects point there). Only with `redis`. Default: `ws://<host>:<port><path>`
   * (the machine's host name when bound to every address).
   */
  publicUrl?: string;
  /** This node's id in the cluster (only with `redis`). Default: random per run. */
  nodeId?: string;
  /**
   * A Redis command unanswered this long fails, ms (only with `redis`): a
   * stalled Redis (frozen, or unreachable without a reset) turns directory
   * operations into `error Unavailable` this fast instead of hanging, and a
   * node that heard nothing from Redis for longer than its liveness TTL
   * reconnects (dropping the commands it queued). Default
   * {@link DEFAULT_REDIS_COMMAND_TIMEOUT_MS}.
   */
  redisCommandTimeoutMs?: number;
  /** Identity hook. Default: anonymous players with the name they ask for. */
  authenticate?: Authenticate;
  /** Limits, see {@link LobbyLimitOptions}. */
  limits?: Partial<LobbyLimitOptions>;
  /** Take the client IP from `X-Forwarded-For` (only behind your own reverse proxy). Default false. */
  trustProxy?: boolean;
  /** A pino logger; default: JSON logs to stdout at `logLevel`. */
  logger?: Logger;
  /** Log level of the default logger. Default `info`. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Expose `GET /metrics` (Prometheus). Default true. */
  metrics?: boolean;
  /**
   * How long relayed datagrams may wait so that datagrams from several
   * senders to one recipient leave in one frame and one system call, ms.
   * 0 = at the end of the event-loop turn. A few ms cut the relay's CPU in
   * busy rooms at the price of that much added latency (see
   * `bench/RESULTS.md`). Default {@link DEFAULT_RELAY_FLUSH_WINDOW_MS}.
   */
  relayFlushWindowMs?: number;
  /**
   * Approves room creation (async allowed): return `true`, or a reason the
   * client receives as `error Refused` (`LobbyRequestError`, code 18). A hook
   * that throws refuses with "refused".
   */
  canCreateRoom?: (request: RoomCreateRequest) => true | string | Promise<true | string>;
  /** Approves a join (by id, code or quick-join), like {@link canCreateRoom}. */
  canJoinRoom?: (request: RoomJoinRequest) => true | string | Promise<true | string>;
  /**
   * Turns on the admin HTTP API (`/admin/...`) and the monitor page
   * (`/monitor`), behind this bearer token (≥ 16 characters; compared in
   * constant time). Default: off.
   */
  adminToken?: string;
}

/** What {@link LobbyServerOptions.canCreateRoom} is asked about. */
export interface RoomCreateRequest {
  playerId: string;
  playerName: string;
  ip: string;
  /** The room asked for; the password itself is never shown to hooks. */
  room: Omit<RoomOptions, 'password'> & { hasPassword: boolean };
}

/** What {@link LobbyServerOptions.canJoinRoom} is asked about. */
export interface RoomJoinRequest {
  playerId: string;
  playerName: string;
  ip: string;
  roomId: string;
  roomName: string;
  members: number;
  metadata: Metadata;
}

/** Default {@link LobbyServerOptions.redisCommandTimeoutMs}: a directory operation answers within about this, even with Redis frozen. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 500;

/** Default {@link LobbyServerOptions.relayFlushWindowMs}. */
export const DEFAULT_RELAY_FLUSH_WINDOW_MS = 0;

/** Merges limit defaults and checks ranges (throws `InvalidOptionError`). */
export function resolveLimits(limits: Partial<LobbyLimitOptions> = {}): LobbyLimitOptions {
  const resolved = { ...LOBBY_LIMIT_DEFAULTS };
  for (const [key, value] of Object.entries(limits)) {
    if (value === undefined) continue;
    if (!(key in LOBBY_LIMIT_DEFAULTS)) throw new InvalidOptionError(`limits.${key}: unknown limit`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new InvalidOptionError(`limits.${key}: expected a positive number, got ${String(value)}`);
    }
    resolved[key as keyof LobbyLimitOptions] = value;
  }
  if (resolved.maxRelayPayloadBytes > MAX_RELAY_PAYLOAD_BYTES_LIMIT) {
    throw new InvalidOptionError(`limits.maxRelayPayloadBytes: at most ${MAX_RELAY_PAYLOAD_BYTES_LIMIT}`);
  }
  if (resolved.ipv6PrefixBits < 16 || resolved.ipv6PrefixBits > 128) {
    throw new InvalidOptionError('limits.ipv6PrefixBits: between 16 and 128');
  }
  if (resolved.roomCodeLength < MIN_ROOM_CODE_LENGTH || resolved.roomCodeLength > MAX_ROOM_CODE_LENGTH) {
    throw new InvalidOptionError(
      `limits.roomCodeLength: between ${MIN_ROOM_CODE_LENGTH} and ${MAX_ROOM_CODE_LENGTH}`,
    );
  }
  if (resolved.maxMembersPerRoom < MIN_ROOM_CAPACITY || resolved.maxMembersPerRoom > MAX_ROOM_CAPACITY) {
    throw new InvalidOptionError(
      `limits.maxMembersPerRoom: between ${MIN_ROOM_CAPACITY} and ${MAX_ROOM_CAPACITY}`,
    );
  }
  // A client must always be able to send a full relay frame and a full control frame.
  // One relay frame or one bundle entry (5 bytes of framing) must always fit.
  resolved.maxPayloadBytes = Math.max(resolved.maxPayloadBytes, 5 + resolved.maxRelayPayloadBytes);
  return resolved;
}
