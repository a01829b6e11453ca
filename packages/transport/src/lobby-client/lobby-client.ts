import { type ChatMessage, chatCodec } from '@handoff/protocol';
import {
  type ClientMessage,
  decodeServerMessage,
  encodeClientMessage,
  FrameKind,
  forEachBundleEntry,
  type IceServer,
  LOBBY_PROTOCOL_VERSION,
  LobbyCloseCode,
  LobbyErrorCode,
  type LobbyLimits,
  type Metadata,
  type RoomFilter,
  type RoomJoinedMessage,
  type RoomOptions,
  type RoomSummary,
  type ServerMessage,
  type Signal,
  shouldReconnectAfterClose,
  type TelemetryPair,
  type WelcomeMessage,
} from '@handoff/protocol/lobby';
import { EventEmitter } from 'eventemitter3';
import type { ChannelSpecs } from '../room/channels.js';
import { Room, type RoomBehaviour } from '../room/room.js';
import { backoffDelay, type ReconnectOptions } from './backoff.js';
import { LobbyConnectionError, LobbyRequestError, OperationAbortedError } from './errors.js';
import type { LobbyClientEvents } from './events.js';
import { PendingRequests, type RequestOptions } from './pending-requests.js';
import { type RelayPacing, RelaySender } from './relay-sender.js';
import { type LobbySocket, type LobbySocketConstructor, SOCKET_OPEN } from './websocket.js';

/** The channels a client has when the game declares none: `chat`. */
export interface DefaultChannels {
  chat: ChatMessage;
}

/** The default channel declaration: `chat`, reliable-ordered, with `chatCodec`. */
export const DEFAULT_CHANNELS: ChannelSpecs<DefaultChannels> = {
  chat: { kind: 'reliable-ordered', codec: chatCodec },
};

/** Options of {@link connect}. */
export interface ConnectOptions<M = DefaultChannels> {
  /** The game's channels (every player must declare the same). Default: {@link DEFAULT_CHANNELS}. */
  channels?: ChannelSpecs<M>;
  /** Room behaviour: tick, session limits. */
  room?: RoomBehaviour;
  /** Display name to ask for. */
  name?: string;
  /** Credentials for the lobby's `authenticate` hook (e.g. your backend's token). */
  auth?: string;
  /** Default timeout of every request, ms. Default 10000. */
  requestTimeoutMs?: number;
  /** Reconnect with backoff and resume after an unexpected drop; `false` turns it off. Default on. */
  reconnect?: ReconnectOptions | false;
  /** Aborts the initial connection attempt. */
  signal?: AbortSignal;
  /** WebSocket implementation. Default: the platform's (`ws` in Node 20). */
  WebSocket?: LobbySocketConstructor;
  /** Spacing of relay frames (each carries every peer's datagrams of one flush). */
  relayPacing?: RelayPacing;
  /** STUN/TURN servers of your own for direct attempts: added to the lobby's (default), or instead of them. */
  iceServers?: IceServer[];
  /** `add` (default): your `iceServers` after the lobby's; `replace`: yours only. */
  iceServersMode?: 'add' | 'replace';
  /**
   * Other nodes of the same lobby cluster: when the current one cannot be
   * reached, reconnection attempts go round these (and the first URL), and
   * the room is restored on whichever node answers (docs/scaling.md). Not
   * needed behind one load-balanced URL. Default: none.
   */
  fallbackUrls?: string[];
  /**
   * Report each pair's path, RTT, time to direct and fallback reasons to the
   * lobby every second (what it sends: `docs/deploying-a-lobby.md`, telemetry),
   * so the operator sees the direct ratio. Default true; `false` sends nothing.
   */
  telemetry?: boolean;
}

/** Largest relay bundle the client sends before the lobby says what it accepts, bytes. */
const INITIAL_MAX_BUNDLE_BYTES = 16 * 1024;

/** How a lobby client is doing. */
export type ConnectionState = 'connected' | 'reconnecting' | 'closed';

type Request = ClientMessage extends infer M ? (M extends unknown ? Omit<M, 'requestId'> : never) : never;

/**
 * A connection to a Handoff lobby: rooms, presence, signaling and the relay.
 * It reconnects by itself after a drop and resumes the same player (same id,
 * same room, same peer index) within the lobby's grace period; watch
 * `connection:lost` / `connection:restored`. Create it with {@link connect}.
 */
export class LobbyClient<M = DefaultChannels> extends EventEmitter<LobbyClientEvents> {
  private socket: LobbySocket | undefined;
  private welcomeMessage: WelcomeMessage | undefined;
  private connectionState: ConnectionState = 'connected';
  private readonly pending = new PendingRequests();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private lastSentAt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  /** Relay frames wait for `welcome` on each new socket (the lobby refuses them before). */
  private relayOpen = false;
  /** Whether the current socket brought a `room:joined` yet (after a resume it precedes `welcome`). */
  private roomStateSeen = false;
  /** The latest room ticket and metadata: what a restarted lobby needs to restore the room. */
  private roomTicket: string | undefined;
  private lastRoomMetadata: Metadata | undefined;
  /** ICE servers from the lobby's latest `ice:servers` (renewed TURN credentials), newer than `welcome`'s. */
  private freshIceServers: IceServer[] | undefined;
  /** Bundles every peer's relay datagrams of one flush into one frame. */
  private readonly relay: RelaySender;
  /** The node this client talks to now (a cluster's redirect or failover changes it). */
  private url: string;
  /** The first URL and `fallbackUrls`: where reconnection attempts go round. */
  private readonly urls: string[];
  /** The next reconnection attempt goes at once (a redirect, not a failure). */
  private reconnectAtOnce = false;

  /** @internal Use {@link connect}. */
  constructor(
    url: string,
    private readonly options: ConnectOptions<M>,
    private readonly WebSocketImpl: LobbySocketConstructor,
  ) {
    super();
    this.url = url;
    this.urls = [url, ...(options.fallbackUrls ?? [])];
    this.relay = new RelaySender(
      (frame) => this.sendFrame(frame),
      INITIAL_MAX_BUNDLE_BYTES,
      options.relayPacing,
    );
  }

  /** Whether rooms report connectivity telemetry (`ConnectOptions.telemetry`). */
  get telemetryEnabled(): boolean {
    return this.options.telemetry !== false;
  }

  /** Relay frames sent so far (each carries the datagrams of one flush, for every peer). */
  get relayFramesSent(): number {
    return this.relay.framesSent;
  }

  /** The gap this client keeps between relay frames now, ms (grows while the lobby pushes back). */
  get relayIntervalMs(): number {
    return this.relay.intervalMs;
  }

  /** This player's id. */
  get playerId(): string {
    return this.welcome.playerId;
  }

  /** The display name this client asked for (the lobby's `authenticate` hook may have chosen another). */
  get name(): string {
    return this.options.name ?? '';
  }

  /**
   * Whether the lobby is on this machine's loopback (a lab or a test): only
   * then are a peer's loopback ICE candidates plausible.
   */
  get onLoopback(): boolean {
    const host = new URL(this.url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  }

  /** STUN/TURN servers the lobby recommends. */
  get iceServers(): IceServer[] {
    const own = this.options.iceServers ?? [];
    if (this.options.iceServersMode === 'replace') return own;
    return [...(this.freshIceServers ?? this.welcome.iceServers), ...own];
  }

  /** Whether the lobby relays `signal.lane`: a pair may then run its direct and TURN attempts side by side. */
  get relaysSignalLanes(): boolean {
    return this.welcome.signalLanes === true;
  }

  /** The lobby's limits for this client. */
  get limits(): LobbyLimits {
    return this.welcome.limits;
  }

  /** Connected, reconnecting after a drop, or closed for good. */
  get state(): ConnectionState {
    return this.connectionState;
  }

  private get welcome(): WelcomeMessage {
    if (this.welcomeMessage === undefined) throw new LobbyConnectionError('not connected yet');
    return this.welcomeMessage;
  }

  /** Public rooms, fullest first: at most `limit` (≤ 100), from `offset` on (paging). */
  async listRooms(
    filter?: RoomFilter,
    options: RequestOptions & { limit?: number; offset?: number } = {},
  ): Promise<RoomSummary[]> {
    const reply = await this.request(
      {
        type: 'room:list',
        ...(filter === undefined ? {} : { filter }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.offset === undefined ? {} : { offset: options.offset }),
      },
      options,
    );
    return reply.type === 'room:list-result' ? reply.rooms : [];
  }

  /** Creates a room and joins it as host. */
  createRoom(room: RoomOptions, options?: RequestOptions): Promise<Room<M>> {
    return this.joined({ type: 'room:create', ...room }, options);
  }

  /** Joins a room by id or by join code. */
  joinRoom(
    target: { roomId: string } | { code: string },
    password?: string,
    options?: RequestOptions,
  ): Promise<Room<M>> {
    return this.joined(
      { type: 'room:join', ...target, ...(password === undefined ? {} : { password }) } as Request,
      options,
    );
  }

  /** Joins the fullest matching public room, or creates `create` if none matches (else `NoMatchingRoom`). */
  quickJoin(filter?: RoomFilter, create?: RoomOptions, options?: RequestOptions): Promise<Room<M>> {
    return this.joined(
      {
        type: 'room:quick-join',
        ...(filter === undefined ? {} : { filter }),
        ...(create === undefined ? {} : { create }),
      },
      options,
    );
  }

  /** Leaves the current room. */
  async leaveRoom(options?: RequestOptions): Promise<void> {
    await this.request({ type: 'room:leave' }, options);
    this.forgetRoom();
  }

  /** Replaces the room's metadata (host only). */
  async setRoomMetadata(metadata: Metadata, options?: RequestOptions): Promise<void> {
    await this.request({ type: 'room:set-metadata', metadata }, options);
  }

  /** Sends a WebRTC signal to a member of the room (fire and forget; errors arrive as `lobby:error`). */
  signal(to: string, signal: Signal): void {
    this.sendControl({ type: 'signal', requestId: this.pending.allocate(), to, signal });
  }

  /** Measures the round trip to the lobby, ms. */
  async ping(options?: RequestOptions): Promise<number> {
    const started = performance.now();
    await this.request({ type: 'ping', t: started }, options);
    return performance.now() - started;
  }

  /**
   * Queues a datagram for the member with `peerIndex`: everything queued in
   * one go (a room's flush) leaves as one relay frame. Returns false while
   * disconnected (nothing is queued). `payload` is held until the flush.
   */
  sendRelay(peerIndex: number, payload: Uint8Array): boolean {
    if (!this.relayOpen || this.socket?.readyState !== SOCKET_OPEN) return false;
    this.relay.add(peerIndex, payload);
    return true;
  }

  /**
   * @internal Sends a connectivity report (rooms do, every
   * `TELEMETRY_INTERVAL_MS`, unless `telemetry: false`). Not answered;
   * dropped while disconnected.
   */
  sendTelemetry(pairs: TelemetryPair[]): void {
    if (!this.relayOpen || pairs.length === 0) return;
    this.sendControl({ type: 'telemetry', requestId: this.pending.allocate(), pairs });
  }

  /** Closes the connection for good (no reconnect). */
  close(): void {
    if (this.connectionState === 'closed') return;
    this.shutdown(1000, 'client closed');
  }

  /** @internal Opens the first connection; resolves after `welcome`. */
  async open(): Promise<void> {
    const signal = this.options.signal;
    const aborted = new Promise<never>((_, reject) => {
      if (signal?.aborted) reject(new OperationAbortedError('connect: aborted'));
      signal?.addEventListener('abort', () => reject(new OperationAbortedError('connect: aborted')), {
        once: true,
      });
    });
    try {
      await Promise.race([this.attach(undefined), aborted]);
    } catch (error) {
      this.shutdown(1000, 'connect failed');
      throw error;
    }
  }

  /** Opens a socket and says hello (resuming with `token` when given). */
  private async attach(token: string | undefined): Promise<WelcomeMessage> {
    const socket = new this.WebSocketImpl(this.url);
    preferViews(socket);
    this.socket = socket;
    this.relayOpen = false;
    this.relay.clear();
    this.roomStateSeen = false;
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new LobbyConnectionError(`cannot reach ${this.url}`));
      socket.onclose = (event) =>
        reject(
          new LobbyConnectionError(`closed while connecting (${event.code} ${event.reason})`, event.code),
        );
    });
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => this.dropped(socket, event.code, event.reason);
    socket.onerror = () => undefined;
    // With a room ticket, a lobby that restarted (and lost the token) can
    // still put this player back into its room; it then re-runs its
    // authenticate hook, hence `auth` again.
    const restore =
      token === undefined || this.roomTicket === undefined
        ? undefined
        : {
            ticket: this.roomTicket,
            ...(this.lastRoomMetadata === undefined ? {} : { metadata: this.lastRoomMetadata }),
          };
    const hello: Request = {
      type: 'hello',
      protocolVersion: LOBBY_PROTOCOL_VERSION,
      ...(this.options.name === undefined ? {} : { name: this.options.name }),
      ...(this.options.auth === undefined || (token !== undefined && restore === undefined)
        ? {}
        : { auth: this.options.auth }),
      ...(token === undefined ? {} : { resumeToken: token }),
      ...(restore === undefined ? {} : { restore }),
    };
    const welcome = await this.request(hello);
    if (welcome.type !== 'welcome')
      throw new LobbyConnectionError(`unexpected answer to hello: ${welcome.type}`);
    this.welcomeMessage = welcome;
    this.startHeartbeat(welcome.limits.heartbeatIntervalMs);
    return welcome;
  }

  /**
   * Joins (or creates) a room. The `Room` is built the moment `room:joined`
   * is routed, so it hears the presence events the lobby sent right after
   * it (a player that joins at the same time as us).
   */
  private async joined(message: Request, options?: RequestOptions): Promise<Room<M>> {
    try {
      return await this.joinRequest(message, options);
    } catch (error) {
      const to = error instanceof LobbyRequestError ? error.redirect : undefined;
      if (to?.roomId === undefined) throw error;
      // A cluster: the room lives on another node. Go there as this player's new session and join it.
      await this.moveTo(to.url);
      const password = message.type === 'room:join' ? message.password : undefined;
      try {
        return await this.joinRequest(
          { type: 'room:join', roomId: to.roomId, ...(password === undefined ? {} : { password }) },
          options,
        );
      } catch (second) {
        // The room filled up or closed on the way: a quick-join asks again, here.
        if (message.type !== 'room:quick-join' || !(second instanceof LobbyRequestError)) throw second;
        return this.joinRequest(message, options);
      }
    }
  }

  /**
   * Leaves this node for another of the cluster (a redirect): a new socket
   * there, where the session token takes over the identity the old node
   * handed over (same player id); the old socket closes quietly. A node
   * that has no hand-over for it (Redis was away) starts a new session.
   */
  private async moveTo(url: string): Promise<void> {
    const previous = this.socket;
    const from = this.url;
    const token = this.welcomeMessage?.sessionToken;
    this.socket = undefined;
    clearInterval(this.heartbeat);
    previous?.close(1000);
    this.forgetRoom();
    this.url = url;
    try {
      await this.attach(token).catch((error: unknown) => {
        if (token === undefined || !(error instanceof LobbyRequestError)) throw error;
        return this.attach(undefined);
      });
    } catch (error) {
      this.url = from;
      await this.attach(undefined);
      throw error;
    }
  }

  private joinRequest(message: Request, options?: RequestOptions): Promise<Room<M>> {
    return this.request(message, options, (reply) => {
      if (reply.type !== 'room:joined') throw new LobbyConnectionError(`unexpected answer: ${reply.type}`);
      const channels = (this.options.channels ?? DEFAULT_CHANNELS) as ChannelSpecs<M>;
      return new Room<M>(this, reply as RoomJoinedMessage, channels, this.options.room);
    });
  }

  private request<T = ServerMessage>(
    message: Request,
    options: RequestOptions = {},
    adopt?: (reply: ServerMessage) => T,
  ): Promise<T> {
    const requestId = this.pending.allocate();
    // Encode first: invalid options (the caller's mistake) reject this call
    // alone, and no request is left waiting for an answer that cannot come.
    let frame: Uint8Array;
    try {
      frame = encodeClientMessage({ ...message, requestId } as ClientMessage);
    } catch (error) {
      return Promise.reject(error);
    }
    const answer = this.pending.wait(
      requestId,
      message.type,
      options.timeoutMs ?? this.options.requestTimeoutMs ?? 10_000,
      options.signal,
      adopt,
    );
    if (!this.sendFrame(frame)) this.pending.failAll('not connected');
    return answer;
  }

  private sendControl(message: ClientMessage): boolean {
    return this.sendFrame(encodeClientMessage(message));
  }

  private sendFrame(frame: Uint8Array): boolean {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== SOCKET_OPEN) return false;
    socket.send(frame);
    this.lastSentAt = performance.now();
    return true;
  }

  private receive(data: unknown): void {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : plainView(data as Uint8Array);
    if (bytes[0] === FrameKind.Bundle) {
      this.receiveBundle(bytes);
      return;
    }
    if (bytes[0] === FrameKind.Relay && bytes.length >= 3) {
      this.emit('relay', (bytes[1]! << 8) | bytes[2]!, bytes.subarray(3));
      return;
    }
    let message: ServerMessage;
    try {
      message = decodeServerMessage(bytes);
    } catch (error) {
      this.emit('lobby:error', {
        code: -1,
        message: `undecodable frame from the lobby: ${(error as Error).message}`,
      });
      return;
    }
    this.track(message);
    if (this.pending.answer(message)) {
      // A resumed session's `room:joined` arrives unsolicited and is routed below.
      if (message.type !== 'room:metadata') return;
    }
    switch (message.type) {
      case 'room:joined':
      case 'presence:join':
      case 'presence:leave':
      case 'presence:reconnecting':
      case 'presence:back':
      case 'host:change':
      case 'room:metadata':
      case 'room:left':
      case 'signal':
        this.emit(message.type, message as never);
        return;
      case 'server:message':
        this.emit('server:message', message);
        return;
      case 'ice:servers':
        this.freshIceServers = message.iceServers;
        return;
      case 'error':
        // The lobby dropped a frame over our rate limit: space relay frames out.
        if (message.code === LobbyErrorCode.RateLimited) this.relay.slowDown();
        this.emit('lobby:error', { code: message.code, message: message.message });
        return;
      default:
        return;
    }
  }

  /** Keeps what a resume needs: relay gating, the room ticket, the room metadata. */
  private track(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        this.freshIceServers = undefined;
        this.relayOpen = true;
        this.relay.maxFrameBytes = message.limits.maxControlFrameBytes;
        return;
      case 'room:joined':
        this.roomStateSeen = true;
        if (message.ticket !== undefined) this.roomTicket = message.ticket;
        this.lastRoomMetadata = message.room.metadata;
        return;
      case 'room:metadata':
        this.lastRoomMetadata = message.metadata;
        return;
      case 'presence:join':
      case 'presence:leave':
        // The membership changed: the lobby sealed a fresh ticket that says so.
        if (message.ticket !== undefined) this.roomTicket = message.ticket;
        return;
      case 'room:left':
        this.forgetRoom();
        return;
      default:
        return;
    }
  }

  private forgetRoom(): void {
    this.roomTicket = undefined;
    this.lastRoomMetadata = undefined;
  }

  private startHeartbeat(intervalMs: number): void {
    clearInterval(this.heartbeat);
    // Stay well inside the lobby's idle timeout even if a tick is late.
    const every = Math.max(100, intervalMs / 2);
    this.heartbeat = setInterval(() => {
      if (performance.now() - this.lastSentAt >= intervalMs) {
        this.request({ type: 'ping', t: performance.now() }).catch(() => undefined);
      }
    }, every);
    (this.heartbeat as { unref?: () => void }).unref?.();
  }

  private dropped(socket: LobbySocket, code: number, reason: string): void {
    if (socket !== this.socket || this.connectionState === 'closed') return;
    clearInterval(this.heartbeat);
    this.pending.failAll(`connection lost (${code})`, code);
    const reconnect = this.options.reconnect !== false && shouldReconnectAfterClose(code);
    if (!reconnect) {
      this.shutdown(code, reason);
      return;
    }
    this.connectionState = 'reconnecting';
    this.emit('connection:lost', { code, reason });
    this.scheduleReconnect(code === LobbyCloseCode.InvalidResumeToken);
  }

  private scheduleReconnect(fresh: boolean): void {
    const options = this.options.reconnect === false ? {} : (this.options.reconnect ?? {});
    if (this.attempts >= (options.maxAttempts ?? Number.POSITIVE_INFINITY)) {
      this.shutdown(1006, 'gave up reconnecting');
      return;
    }
    const delay = this.reconnectAtOnce ? 0 : backoffDelay(this.attempts++, options, Math.random);
    this.reconnectAtOnce = false;
    this.reconnectTimer = setTimeout(() => {
      const token = fresh ? undefined : this.welcomeMessage?.sessionToken;
      this.attach(token).then(
        (welcome) => {
          this.attempts = 0;
          this.connectionState = 'connected';
          this.emit('connection:restored', {
            resumed: welcome.resumed,
            restored: welcome.restored === true,
            inRoom: this.roomStateSeen,
          });
        },
        (error: unknown) => {
          if (this.connectionState === 'closed') return;
          const redirect = error instanceof LobbyRequestError ? error.redirect : undefined;
          if (redirect !== undefined) {
            // A cluster: this player's room is on another node; say the same hello there, now.
            const stale = this.socket;
            this.socket = undefined;
            stale?.close(1000);
            this.url = redirect.url;
            this.reconnectAtOnce = true;
            this.scheduleReconnect(fresh);
            return;
          }
          // Could not reach this node: the next attempt tries the cluster's next URL.
          if (error instanceof LobbyConnectionError && error.closeCode === undefined) this.nextUrl();
          const code = error instanceof LobbyConnectionError ? error.closeCode : undefined;
          // A token the lobby no longer knows (and no ticket it accepts): come
          // back as a new player.
          const lost = code === LobbyCloseCode.InvalidResumeToken;
          if (lost) this.forgetRoom();
          this.scheduleReconnect(fresh || lost);
        },
      );
    }, delay);
  }

  /** Moves on to the next of the cluster's URLs (the first URL, then `fallbackUrls`, round). */
  private nextUrl(): void {
    if (this.urls.length < 2) return;
    const at = this.urls.indexOf(this.url);
    this.url = this.urls[(at + 1) % this.urls.length] ?? this.url;
  }

  /** Relayed datagrams from several peers in one frame (the lobby stamped each with its source). */
  private receiveBundle(bytes: Uint8Array): void {
    try {
      forEachBundleEntry(bytes, 0xffff, (from, start, end) =>
        this.emit('relay', from, bytes.subarray(start, end)),
      );
    } catch (error) {
      this.emit('lobby:error', { code: -1, message: `malformed relay bundle: ${(error as Error).message}` });
    }
  }

  private shutdown(code: number, reason: string): void {
    const wasOpen = this.connectionState !== 'closed';
    this.connectionState = 'closed';
    clearInterval(this.heartbeat);
    clearTimeout(this.reconnectTimer);
    this.pending.failAll('client closed', code);
    this.relay.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined && socket.readyState <= SOCKET_OPEN)
      socket.close(code === 1000 ? 1000 : undefined);
    if (wasOpen) this.emit('connection:closed', { code, reason });
  }
}

/**
 * Asks for binary frames as Node Buffers where the socket offers them
 * (`ws`): views of the bytes read, where 'arraybuffer' copies every frame
 * into a fresh off-heap ArrayBuffer, a cost per relay frame in CPU and
 * garbage collection (#11). Browsers and Node's global WebSocket do not know
 * 'nodebuffer' (undici even falls back to 'blob'): they get 'arraybuffer'.
 */
function preferViews(socket: LobbySocket): void {
  socket.binaryType = 'nodebuffer';
  if (socket.binaryType !== 'nodebuffer') socket.binaryType = 'arraybuffer';
}

/**
 * A plain `Uint8Array` over the same bytes as `bytes` (no copy). A Node
 * Buffer's `slice` returns a view, not a copy; the session copies what it
 * keeps with `slice`, so it must never be handed a Buffer.
 */
function plainView(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
