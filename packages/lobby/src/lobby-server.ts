import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  HandoffError,
  InvalidControlMessageError,
  InvalidOptionError,
  MessageTooLargeError,
} from '@handoff/protocol';
import {
  decodeClientMessage,
  encodeServerMessage,
  FrameKind,
  LobbyCloseCode,
  LobbyErrorCode,
  type LobbyErrorCodeValue,
  type Metadata,
} from '@handoff/protocol/lobby';
import { EventEmitter } from 'eventemitter3';
import pino, { type Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { MIN_ADMIN_TOKEN_LENGTH, serveAdmin } from './admin/admin-routes.js';
import type { BanTarget } from './admin/moderation.js';
import { ClientConnection } from './client-connection.js';
import type { ClusterNode } from './cluster/cluster-node.js';
import { startCluster } from './cluster/start-cluster.js';
import { handleControl } from './control-handler.js';
import type { LobbyEvents } from './events.js';
import { handleHello, iceServersFor } from './hello-handler.js';
import { serveHttp } from './http-routes.js';
import { LobbyState } from './lobby-state.js';
import { LobbyMetrics } from './metrics.js';
import {
  DEFAULT_RELAY_FLUSH_WINDOW_MS,
  type LobbyLimitOptions,
  type LobbyServerOptions,
  MIN_RESUME_SECRET_LENGTH,
  resolveLimits,
} from './options.js';
import { handleRelay } from './relay.js';
import { RoomTicketSealer } from './room-ticket.js';
import { createStunServer, type StunServer } from './stun/stun-server.js';
import { DEFAULT_TURN_TTL_SECONDS, type TurnOptions } from './turn-credentials.js';
import { WriteCoalescer } from './write-coalescer.js';
import { overrideOversizeCloseCode } from './ws-oversize.js';

/** Where a started lobby listens. */
export interface LobbyAddress {
  /** TCP port of the WebSocket/HTTP server. */
  port: number;
  /** Host it is bound to. */
  host: string;
  /** UDP port of the built-in STUN responder, when it runs. */
  stunPort?: number;
}

/**
 * The lobby server: one process that gives a game rooms, presence,
 * WebRTC signaling and a relay (and, with the STUN responder, public
 * addresses). Create it with {@link createLobbyServer}, then `start()`.
 */
export class LobbyServer extends EventEmitter<LobbyEvents> {
  /** Limits in force. */
  readonly limits: LobbyLimitOptions;
  /** Prometheus metrics (also served at `GET /metrics`). */
  readonly metrics = new LobbyMetrics();
  /** The structured logger. */
  readonly log: Logger;
  /** @internal Lobby state; exposed for tests and embedding. */
  readonly state: LobbyState;
  private options: LobbyServerOptions;
  private readonly http: Server;
  private readonly ownsHttp: boolean;
  private readonly wss: WebSocketServer;
  private readonly coalescer: WriteCoalescer;
  private readonly connections = new Set<ClientConnection>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private turnTimer: NodeJS.Timeout | undefined;
  private sweepEvery = 1000;
  private lastSweepAt = 0;
  private stun: StunServer | undefined;
  private stopping = false;
  /** This lobby's membership of a cluster (with `redis`). */
  private cluster: ClusterNode | undefined;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void =>
    this.upgrade(request, socket, head);
  /** Sockets whose request headers have not arrived yet, and the timer that will close them. */
  private readonly awaitingHeaders = new WeakMap<object, NodeJS.Timeout>();
  /** Counts TCP sockets per address before any byte of HTTP: a slowloris cannot hold more than the limit. */
  private readonly onSocket = (socket: Socket): void => {
    if (
      this.options.trustProxy !== true &&
      this.state.moderation.isAddressBanned(socket.remoteAddress ?? '')
    ) {
      socket.destroy();
      return;
    }
    // On your own server, your HTTP handler owns the sockets' requests: only upgrades are ours.
    if (this.ownsHttp) this.armHeadersTimer(socket);
    if (this.options.trustProxy === true) return; // the address is the proxy's; counted per forwarded address at upgrade
    const record = this.state.addresses.of(socket.remoteAddress ?? 'unknown', performance.now());
    if (record.sockets >= this.limits.maxConnectionsPerIp) {
      this.metrics.closes.inc({ code: String(LobbyCloseCode.TooManyConnections) });
      socket.destroy();
      return;
    }
    record.sockets++;
    socket.once('close', () => {
      record.sockets--;
    });
  };

  constructor(options: LobbyServerOptions = {}) {
    super();
    this.options = options;
    this.coalescer = new WriteCoalescer(options.relayFlushWindowMs ?? DEFAULT_RELAY_FLUSH_WINDOW_MS);
    this.limits = resolveLimits(options.limits);
    this.log =
      options.logger ?? pino({ level: options.logLevel ?? 'info', base: { service: 'handoff-lobby' } });
    if (options.resumeSecret !== undefined && options.resumeSecret.length < MIN_RESUME_SECRET_LENGTH) {
      throw new InvalidOptionError(`resumeSecret: at least ${MIN_RESUME_SECRET_LENGTH} characters`);
    }
    this.state = new LobbyState(
      this.limits,
      this.metrics,
      this.log,
      this,
      new RoomTicketSealer(options.resumeSecret),
    );
    this.state.hooks = { canCreateRoom: options.canCreateRoom, canJoinRoom: options.canJoinRoom };
    if (options.turn !== undefined) validateTurn(options.turn);
    const commandTimeout = options.redisCommandTimeoutMs;
    if (commandTimeout !== undefined && !(Number.isFinite(commandTimeout) && commandTimeout > 0)) {
      throw new InvalidOptionError('redisCommandTimeoutMs: a positive number of milliseconds');
    }
    if (options.adminToken !== undefined && options.adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
      throw new InvalidOptionError(`adminToken: at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
    }
    this.ownsHttp = options.server === undefined;
    this.http =
      options.server ??
      createServer(
        // Node enforces headersTimeout only when it checks, every 30 s by default: check often.
        { connectionsCheckingInterval: Math.max(100, Math.min(1000, this.limits.headersTimeoutMs / 4)) },
        (request, response) => {
          this.headersArrived(request.socket);
          if (!this.handleHttpRequest(request, response)) {
            response
              .writeHead(426, { 'content-type': 'text/plain' })
              .end('Handoff lobby: connect with a WebSocket\n');
          }
        },
      );
    if (this.ownsHttp) {
      this.http.headersTimeout = this.limits.headersTimeoutMs;
      this.http.requestTimeout = this.limits.headersTimeoutMs * 2;
    }
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxPayloadBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
  }

  /**
   * Serves `GET /healthz` and `GET /metrics`. Returns false for any other
   * request — call it from your own handler when you attach the lobby to
   * your HTTP server.
   */
  handleHttpRequest(request: IncomingMessage, response: ServerResponse): boolean {
    const token = this.options.adminToken;
    if (token !== undefined && serveAdmin(request, response, { token, state: this.state })) return true;
    return serveHttp(request, response, {
      metrics: this.options.metrics === false ? undefined : this.metrics.registry,
      healthy: () => !this.stopping,
    });
  }

  /** Sends every connected player fresh ICE servers (new TURN credentials). */
  private renewIceServers(): void {
    for (const player of this.state.players.values()) {
      const connection = player.connection;
      if (connection === undefined) continue;
      this.state.send(player, {
        type: 'ice:servers',
        iceServers: iceServersFor(this.options, connection, player.id),
      });
    }
  }

  /**
   * Removes a player for good: peers see it leave (`kicked`), it gets
   * `room:left` and close 4011, and its session cannot be resumed. Returns
   * false for an unknown player.
   */
  kick(playerId: string, reason?: string): boolean {
    return this.state.moderation.kick(playerId, reason);
  }

  /**
   * Bans a player id or an address (IPv4, or an IPv6 prefix of
   * `ipv6PrefixBits`) for `durationMs`, kicking whoever it covers now.
   * Returns the ids of the players kicked.
   */
  ban(target: BanTarget, durationMs: number, reason?: string): string[] {
    return this.state.moderation.ban(target, durationMs, reason);
  }

  /** Lifts a ban; returns whether there was one. */
  unban(target: BanTarget): boolean {
    return this.state.moderation.unban(target);
  }

  /** Closes a room: its members get `room:left` (`room-closed`) and stay connected. False for an unknown room. */
  closeRoom(roomId: string, reason?: string): boolean {
    return this.state.moderation.closeRoom(roomId, reason);
  }

  /**
   * Sends a `server:message` (`topic`, flat `data` ≤ 1 KiB) to every member of
   * a room: `Room`'s `server:message` event. Returns how many members got it.
   */
  sendToRoom(roomId: string, topic: string, data: Metadata): number {
    return this.state.moderation.sendToRoom(roomId, topic, data);
  }

  /** Sends a `server:message` to one player: `LobbyClient`'s `server:message` event. False when not connected. */
  sendToPlayer(playerId: string, topic: string, data: Metadata): boolean {
    return this.state.moderation.sendToPlayer(playerId, topic, data);
  }

  /** Replaces a room's metadata and tells its members. False for an unknown room. */
  setRoomMetadata(roomId: string, metadata: Metadata): boolean {
    return this.state.moderation.setRoomMetadata(roomId, metadata);
  }

  /** Starts listening (unless attached to your server) and the timers. */
  async start(): Promise<LobbyAddress> {
    this.http.on('upgrade', this.onUpgrade);
    this.http.on('connection', this.onSocket);
    this.sweepEvery = Math.max(
      50,
      Math.min(1000, this.limits.handshakeTimeoutMs / 4, this.limits.idleTimeoutMs / 4),
    );
    this.lastSweepAt = performance.now();
    this.sweepTimer = setInterval(() => this.sweep(performance.now()), this.sweepEvery);
    const turn = this.options.turn;
    if (turn !== undefined) {
      // Credentials renewed at half their life: players in long games never hold an expired one.
      this.turnTimer = setInterval(
        () => this.renewIceServers(),
        ((turn.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS) * 1000) / 2,
      );
      this.turnTimer.unref();
    }
    this.sweepTimer.unref();
    if (this.ownsHttp) {
      const host = this.options.host ?? '0.0.0.0';
      await new Promise<void>((resolve, reject) => {
        this.http.once('error', reject);
        this.http.listen(this.options.port ?? 8080, host, () => {
          this.http.off('error', reject);
          resolve();
        });
      });
    }
    if (this.options.stunPort !== false) {
      this.stun = createStunServer({
        port: this.options.stunPort ?? 3478,
        host: this.options.host ?? '0.0.0.0',
        software: this.options.stunSoftware ?? false,
        maxRequestsPerSecondPerIp: this.limits.maxStunRequestsPerSecondPerIp,
        maxTrackedIps: this.limits.maxStunTrackedIps,
        onRequest: (event) =>
          this.metrics.stunRequests.inc({
            outcome: event.accepted ? 'answered' : (event.reason ?? 'ignored'),
          }),
        onError: (error) => this.log.warn({ err: error.message }, 'STUN socket error'),
      });
      try {
        const { port } = await this.stun.start();
        // Advertise the port actually bound (stunPort 0 picks a free one).
        this.options = { ...this.options, stunPort: port };
      } catch (error) {
        this.stun = undefined;
        await this.stop(0);
        throw error;
      }
    }
    const address = this.address();
    if (this.options.redis !== undefined)
      this.cluster = await startCluster(
        this.state,
        { ...this.options, redis: this.options.redis },
        this.metrics.registry,
        this,
        address,
      );
    this.log.info(address, 'lobby listening');
    this.emit('server:listening', address);
    return address;
  }

  /** Where the HTTP server (and the STUN responder) listen; port 0 before they do. */
  address(): LobbyAddress {
    const address = this.http.address();
    const stunPort = this.stun?.address()?.port;
    const stun = stunPort === undefined ? {} : { stunPort };
    const host = this.options.host ?? '0.0.0.0';
    if (address === null || typeof address === 'string') return { port: 0, host, ...stun };
    return { port: address.port, host: address.address, ...stun };
  }

  /**
   * Graceful shutdown: stop accepting, tell every client (close 4008, which
   * clients treat as "reconnect later"), wait for them to close (at most
   * `timeoutMs`, default 5000), then release everything.
   */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    // Out of the cluster directory first: this node's players come back elsewhere.
    await this.cluster?.stop();
    this.http.off('upgrade', this.onUpgrade);
    clearInterval(this.sweepTimer);
    clearInterval(this.turnTimer);
    const closed = [...this.connections].map(
      (connection) => new Promise<void>((resolve) => connection.ws.once('close', () => resolve())),
    );
    for (const connection of this.connections)
      this.reject(connection, LobbyCloseCode.ServerShutdown, 'server shutting down');
    await Promise.race([
      Promise.all(closed),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
    for (const connection of this.connections) connection.ws.terminate();
    for (const player of [...this.state.players.values()]) this.state.forget(player);
    for (const room of [...this.state.rooms.values()]) this.state.rooms.delete(room);
    this.wss.close();
    this.coalescer.stop();
    await this.stun?.stop();
    if (this.ownsHttp) {
      await new Promise<void>((resolve) => {
        this.http.close(() => resolve());
        this.http.closeAllConnections();
      });
    }
    this.log.info('lobby stopped');
  }

  /**
   * Closes a socket whose request headers do not arrive within
   * `headersTimeoutMs`. Node has its own check (`headersTimeout`, with
   * `connectionsCheckingInterval`), but measured on Node 20 it stops closing
   * anything once one WebSocket upgrade has happened on the server — so the
   * lobby keeps its own timer per socket, cleared by the request or upgrade.
   */
  private armHeadersTimer(socket: Socket): void {
    const timer = setTimeout(() => {
      this.metrics.closes.inc({ code: 'headers-timeout' });
      socket.destroy();
    }, this.limits.headersTimeoutMs);
    timer.unref();
    this.awaitingHeaders.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  }

  /** The socket's request headers arrived. */
  private headersArrived(socket: object): void {
    clearTimeout(this.awaitingHeaders.get(socket));
    this.awaitingHeaders.delete(socket);
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.headersArrived(socket);
    const path = this.options.path;
    if (path !== undefined && new URL(request.url ?? '/', 'http://x').pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    const now = performance.now();
    const ip = clientIp(request, this.options.trustProxy === true);
    const connection = new ClientConnection(
      ws,
      ip,
      requestHost(request),
      request.headers,
      this.limits,
      this.coalescer,
      now,
    );
    this.connections.add(connection);
    this.metrics.connections.set(this.connections.size);
    // Behind a trusted proxy the TCP peer is the proxy: count the forwarded address here instead.
    const record = this.options.trustProxy === true ? this.state.addresses.of(ip, now) : undefined;
    if (record !== undefined) record.sockets++;
    overrideOversizeCloseCode(ws, LobbyCloseCode.MessageTooLarge);
    connection.onViolation = (code, reason) => this.record(connection, code, reason);
    ws.on('message', (data, isBinary) => this.receive(connection, data as Buffer, isBinary));
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        this.record(connection, LobbyCloseCode.MessageTooLarge, 'message too large');
      else this.log.debug({ ip, err: error.message }, 'socket error');
    });
    ws.on('close', () => this.closed(connection));
    ws.once('close', () => {
      if (record !== undefined) record.sockets--;
    });
    if (record !== undefined && record.sockets > this.limits.maxConnectionsPerIp) {
      this.reject(connection, LobbyCloseCode.TooManyConnections, 'too many connections from your address');
    }
  }

  private receive(connection: ClientConnection, data: Buffer, isBinary: boolean): void {
    if (connection.closing) return;
    const now = performance.now();
    if (!isBinary || data.length === 0) {
      this.reject(connection, LobbyCloseCode.ProtocolError, 'binary frames only');
      return;
    }
    const admission = connection.admit(data.length, now);
    if (admission !== 'accept') {
      if (admission === 'close') this.reject(connection, LobbyCloseCode.RateLimited, 'rate limit exceeded');
      else if (connection.shouldNotifyThrottle(now))
        this.tell(connection, LobbyErrorCode.RateLimited, 'slow down');
      return;
    }
    const kind = data[0];
    if (kind === FrameKind.Relay || kind === FrameKind.Broadcast || kind === FrameKind.Bundle) {
      if (connection.player === undefined)
        this.tell(connection, LobbyErrorCode.NotWelcomed, 'send hello first');
      else handleRelay(this.state, connection.player, data);
      return;
    }
    if (kind !== FrameKind.Control) {
      this.reject(connection, LobbyCloseCode.ProtocolError, `unknown frame kind ${kind}`);
      return;
    }
    this.control(connection, data, now);
  }

  private control(connection: ClientConnection, data: Buffer, now: number): void {
    let message: ReturnType<typeof decodeClientMessage>;
    try {
      message = decodeClientMessage(data);
    } catch (error) {
      const requestId = error instanceof InvalidControlMessageError ? error.requestId : undefined;
      if (error instanceof InvalidControlMessageError && error.messageType === 'telemetry')
        this.state.telemetry.refused();
      const code =
        error instanceof MessageTooLargeError ? LobbyErrorCode.MessageTooLarge : LobbyErrorCode.BadRequest;
      const text = error instanceof HandoffError ? error.message : 'malformed control frame';
      this.tell(connection, code, text, requestId);
      return;
    }
    const player = connection.player;
    if (player !== undefined) {
      handleControl(this.state, player, message, now);
      return;
    }
    if (message.type !== 'hello') {
      this.tell(connection, LobbyErrorCode.NotWelcomed, 'send hello first', message.requestId);
      return;
    }
    if (connection.helloPending) {
      this.tell(connection, LobbyErrorCode.BadRequest, 'hello already in progress', message.requestId);
      return;
    }
    connection.helloPending = true;
    handleHello(this.state, this.options, connection, message, now)
      .catch((error: unknown) => {
        this.log.error({ err: error }, 'hello failed');
        this.tell(connection, LobbyErrorCode.Internal, 'internal error', message.requestId);
      })
      .finally(() => {
        connection.helloPending = false;
      });
  }

  /** Sends an `error` to a connection that may not have a player yet. */
  private tell(
    connection: ClientConnection,
    code: LobbyErrorCodeValue,
    text: string,
    requestId?: number,
  ): void {
    if (connection.player !== undefined) {
      this.state.fail(connection.player, code, text, requestId);
      return;
    }
    connection.send(
      encodeServerMessage({
        type: 'error',
        ...(requestId === undefined ? {} : { requestId }),
        code,
        message: text,
      }),
    );
  }

  /** Closes a connection with a schema close code, and records it. */
  private reject(connection: ClientConnection, code: number, reason: string): void {
    if (connection.closing) return;
    this.record(connection, code, reason);
    connection.close(code, reason);
  }

  private record(connection: ClientConnection, code: number, reason: string): void {
    this.metrics.closes.inc({ code: String(code) });
    this.emit('connection:reject', { ip: connection.ip, code, reason });
    this.log.info({ ip: connection.ip, playerId: connection.player?.id, code, reason }, 'closing connection');
  }

  private closed(connection: ClientConnection): void {
    if (!this.connections.delete(connection)) return;
    this.metrics.connections.set(this.connections.size);
    connection.closing = true;
    const player = connection.player;
    if (player !== undefined && player.connection === connection && !this.stopping)
      this.state.disconnected(player);
  }

  /**
   * Closes connections that never said hello, or went silent. A sweep that
   * runs late (the process was stalled: a GC pause, a debugger, SIGSTOP)
   * closes nothing: the timers run before the sockets' waiting data is read,
   * so every client would look silent. The next sweep judges them.
   */
  private sweep(now: number): void {
    const late = now - this.lastSweepAt > 3 * this.sweepEvery;
    this.lastSweepAt = now;
    if (late) return;
    this.state.addresses.sweep(now);
    for (const connection of this.connections) {
      if (connection.closing) continue;
      if (connection.player === undefined && now - connection.openedAt > this.limits.handshakeTimeoutMs) {
        this.reject(connection, LobbyCloseCode.HandshakeTimeout, 'no hello in time');
      } else if (now - connection.lastSeen > this.limits.idleTimeoutMs) {
        this.reject(connection, LobbyCloseCode.IdleTimeout, 'idle');
      }
    }
  }
}

/** Creates a lobby server; call `start()` on it. */
export function createLobbyServer(options: LobbyServerOptions = {}): LobbyServer {
  return new LobbyServer(options);
}

function clientIp(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first !== undefined && first !== '') return first;
  }
  return request.socket.remoteAddress ?? 'unknown';
}

function requestHost(request: IncomingMessage): string {
  const host = request.headers.host ?? 'localhost';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0] ?? host;
}

/** Checks the TURN options (throws `InvalidOptionError`). */
function validateTurn(turn: TurnOptions): void {
  if (turn.secret.length < 16) throw new InvalidOptionError('turn.secret: at least 16 characters');
  if (turn.urls.length === 0 || !turn.urls.every((url) => /^turns?:\S+$/.test(url)))
    throw new InvalidOptionError('turn.urls: one or more turn: or turns: URLs');
  const ttl = turn.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 86_400)
    throw new InvalidOptionError('turn.ttlSeconds: an integer in 60..86400');
}
