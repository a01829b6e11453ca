import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { LobbyState } from '../lobby-state.js';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from '../options.js';
import type { Player } from '../player.js';
import { ClusterMetrics, type NodeLoad } from './cluster-metrics.js';
import { type DirectoryEntry, parseEntry } from './directory-entry.js';
import { DirectoryMirror } from './directory-mirror.js';
import { DirectoryPublisher } from './directory-publisher.js';
import { ClusterUnavailableError } from './errors.js';
import { HAND_OVER_TTL_MS, type HandedOver, parseHandedOver } from './hand-over.js';
import { type AddressCounter, type ClusterKeys, clusterKeys } from './keys.js';
import { CLAIM_ROOM, REAP_ROOMS } from './scripts.js';

/** How one lobby joins a cluster. */
export interface ClusterNodeOptions {
  /** Redis URL, e.g. `redis://10.0.0.5:6379/0`. */
  redis: string;
  /** This node's id (unique in the cluster). */
  nodeId: string;
  /** The WebSocket URL clients use to reach this node (redirects point there). */
  publicUrl: string;
  /** Key prefix. Default `handoff:`. */
  prefix?: string;
  /** Heartbeat period, ms. Default 500. */
  heartbeatMs?: number;
  /** A node whose heartbeat is this old is dead, ms. Default 1500. */
  nodeTtlMs?: number;
  /**
   * A Redis command unanswered this long fails (and the operation answers
   * `Unavailable`), ms. Default {@link DEFAULT_REDIS_COMMAND_TIMEOUT_MS}.
   */
  commandTimeoutMs?: number;
}

/** How old the copy of the directory that answers a list may be, ms. */
const SNAPSHOT_MAX_AGE_MS = 100;
/** How long a session token points at its node, ms. */
const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * One lobby's membership in a cluster over Redis: it heartbeats (a node key
 * with a TTL), publishes its rooms to the shared directory (debounced),
 * reaps dead nodes' rooms, answers lookups for the router, claims rooms
 * atomically when restoring them, and enforces single use of room tickets
 * cluster-wide. Redis trouble never throws out of here into the relay:
 * lookups reject with {@link ClusterUnavailableError}, background work logs
 * and retries, and the node re-registers when Redis is back.
 */
export class ClusterNode {
  readonly id: string;
  readonly publicUrl: string;
  readonly metrics: ClusterMetrics;
  private readonly redis: Redis;
  private readonly keys: ClusterKeys;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  /** Live nodes (id → public URL), as of the last heartbeat. */
  private live = new Map<string, string>();
  /** Writes this node's rooms to the directory. */
  private readonly publisher: DirectoryPublisher;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  /** The other nodes' rooms, synced incrementally. */
  private readonly mirror: DirectoryMirror;
  private beats = 0;
  /** A heartbeat is under way (a slow Redis must not stack them up). */
  private beating = false;
  /** When Redis last answered a heartbeat, `performance.now()` ms. */
  private answeredAt = performance.now();
  private stopped = false;
  private lastWarnAt = 0;

  constructor(
    private readonly state: LobbyState,
    options: ClusterNodeOptions,
    registry: Registry,
  ) {
    this.id = options.nodeId;
    this.publicUrl = options.publicUrl;
    this.keys = clusterKeys(options.prefix);
    this.heartbeatMs = options.heartbeatMs ?? 500;
    this.ttlMs = options.nodeTtlMs ?? 1500;
    this.metrics = new ClusterMetrics(registry);
    this.redis = new Redis(options.redis, {
      // Fail fast while Redis is away: directory operations answer Unavailable, games go on.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      // A frozen Redis (SIGSTOP, a stalled VM, a black-holed route) keeps the socket open and
      // answers nothing: without this, every lookup would hang until the client gave up.
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
      lazyConnect: true,
      retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 1000),
    });
    this.mirror = new DirectoryMirror(this.redis, this.keys, this.id);
    this.publisher = new DirectoryPublisher(this.redis, this.keys, this.id, state.rooms, (text, error) =>
      this.warn(text, error),
    );
    this.redis.on('error', (error: Error) => this.warn('redis error', error));
    this.redis.on('ready', () => {
      this.answeredAt = performance.now();
      this.metrics.redisUp.set(1);
      this.state.log.info({ nodeId: this.id }, 'redis ready: registering this node');
      this.reregister().catch((error: unknown) => this.warn('re-register failed', error));
    });
    this.redis.on('close', () => this.metrics.redisUp.set(0));
  }

  /** Whether Redis answers now. */
  get available(): boolean {
    return this.redis.status === 'ready';
  }

  /** Connects and registers (a Redis that is down now is retried in the background). */
  async start(): Promise<void> {
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
    this.heartbeatTimer.unref();
    this.flushTimer = setInterval(() => {
      if (this.available && !this.stopped) void this.publisher.flush();
    }, 50);
    this.flushTimer.unref();
    try {
      await this.redis.connect();
    } catch (error) {
      this.warn('redis unreachable at start; retrying in the background', error);
    }
  }

  /** Withdraws this node's rooms and itself, then disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.flushTimer);
    if (this.available) {
      try {
        const pipeline = this.redis.pipeline();
        this.publisher.withdrawAll(pipeline);
        pipeline.del(this.keys.node(this.id));
        pipeline.srem(this.keys.nodes, this.id);
        await pipeline.exec();
      } catch (error) {
        this.warn('withdraw on stop failed', error);
      }
    }
    this.redis.disconnect();
  }

  /** A room was created or restored here (see {@link DirectoryPublisher.hold}). */
  hold(roomId: string): void {
    this.publisher.hold(roomId);
  }

  /** A room closed here. */
  release(roomId: string): void {
    this.publisher.release(roomId);
  }

  /** Since when this node holds a room (undefined: it does not). */
  heldSince(roomId: string): number | undefined {
    return this.publisher.heldSince(roomId);
  }

  /** A room changed (members, metadata): publish it with the next flush. */
  touched(roomId: string): void {
    this.publisher.touched(roomId);
  }

  /** The public URL of a live node other than this one, if `node` is one. */
  urlOf(node: string): string | undefined {
    return node === this.id ? undefined : this.live.get(node);
  }

  /** The live directory entry of a room by id or join code (fresh from Redis). */
  async find(target: { roomId: string } | { code: string }): Promise<DirectoryEntry | undefined> {
    const id =
      'roomId' in target
        ? target.roomId
        : await this.call(() => this.redis.hget(this.keys.codes, target.code.toUpperCase()));
    if (id === null || id === undefined) return undefined;
    const [json, owner] = await this.call(() =>
      Promise.all([this.redis.hget(this.keys.rooms, id), this.redis.hget(this.keys.owners, id)]),
    );
    const entry = json === null ? undefined : parseEntry(json);
    if (entry === undefined || owner === null || (owner !== this.id && !this.live.has(owner)))
      return undefined;
    return { ...entry, node: owner };
  }

  /**
   * Every live room of the other nodes, synced at most `maxAgeMs` ago
   * (default 100; an incremental sync is one round trip reading only what
   * changed).
   */
  async remoteRooms(maxAgeMs = SNAPSHOT_MAX_AGE_MS): Promise<DirectoryEntry[]> {
    await this.call(() => this.mirror.fresh(maxAgeMs));
    return this.mirror.live(this.live);
  }

  /** The live rooms of the other nodes as last synced, without reading Redis (for synchronous list answers). */
  get cachedRemoteRooms(): readonly DirectoryEntry[] {
    return this.mirror.live(this.live);
  }

  /** Changes whenever {@link cachedRemoteRooms} may (list caches key on it). */
  get remoteVersion(): number {
    this.mirror.live(this.live);
    return this.mirror.version;
  }

  /**
   * Claims a room for this node (restoring it here). Returns undefined on
   * success, or the public URL of the live node that owns it.
   */
  async claim(roomId: string): Promise<string | undefined> {
    const owner = await this.call(
      () =>
        this.redis.eval(
          CLAIM_ROOM,
          3,
          this.keys.owners,
          this.keys.seq,
          this.keys.changes,
          roomId,
          this.id,
          this.keys.nodePrefix,
        ) as Promise<string>,
    );
    if (owner === this.id) return undefined;
    return (
      this.live.get(owner) ?? (await this.call(() => this.redis.get(this.keys.node(owner)))) ?? undefined
    );
  }

  /** Marks a room ticket used; false when it was used before (anywhere in the cluster). */
  async useTicket(sealed: string, ttlMs: number): Promise<boolean> {
    const answer = await this.call(() =>
      this.redis.set(this.keys.ticket(digest(sealed)), this.id, 'PX', Math.max(1000, ttlMs), 'NX'),
    );
    return answer === 'OK';
  }

  /** The public URL of the live node (not this one) that holds the player with this session token. */
  async tokenHome(token: string): Promise<string | undefined> {
    const node = await this.call(() => this.redis.get(this.keys.token(digest(token))));
    if (node === null || node === this.id) return undefined;
    return this.live.get(node);
  }

  /**
   * Takes one event of `kind` from `address` (an `AddressLimits` key)
   * against a cluster-wide budget of `limit` a minute (sliding). The
   * increment and the count it returns are one atomic Redis step, so
   * requests racing on several nodes each see the others' events (a read
   * followed by a later increment let a parallel batch all pass). Over the
   * budget the event is given back at once and `undefined` is returned;
   * otherwise a function that gives it back, for an attempt that turns out
   * not to count (the right password, a code that names a room).
   *
   * @throws ClusterUnavailableError when Redis is away (the caller falls back on the node's own budget).
   */
  async takePerMinute(
    kind: AddressCounter,
    address: string,
    limit: number,
  ): Promise<(() => void) | undefined> {
    const minute = Math.floor(Date.now() / 60_000);
    const key = this.keys.perMinute(kind, address, minute);
    const replies = await this.call(async () => {
      const results = await this.redis
        .multi()
        .incr(key)
        .pexpire(key, 120_000)
        .get(this.keys.perMinute(kind, address, minute - 1))
        .exec();
      // A pipeline resolves even when a command failed: look at each answer.
      const failed = results?.find(([error]) => error !== null);
      if (results === null || failed !== undefined) throw failed?.[0] ?? new Error('transaction aborted');
      return results;
    });
    const count = Number(replies[0]![1]);
    // A sliding minute: the last one weighs what is left of it, rounded up
    // (rounding down let one event too many through just after a minute turned).
    const left = 1 - (Date.now() % 60_000) / 60_000;
    const previous = Math.ceil(Number(replies[2]![1] ?? 0) * left);
    const giveBack = (): void => {
      this.redis.decr(key).catch((error: unknown) => this.warn('per-address count failed', error));
    };
    if (count + previous > limit) {
      giveBack();
      return undefined;
    }
    return giveBack;
  }

  /**
   * Offers `player`'s identity to the node it is being redirected to: that
   * node's `hello` with the player's session token takes it (once, within
   * {@link HAND_OVER_TTL_MS}), so the player keeps its id and name across
   * the redirect. Resolves once Redis has it, so the redirect can go out.
   *
   * @throws ClusterUnavailableError when Redis is away (the player then starts a new session there).
   */
  async handOver(player: Player): Promise<void> {
    const identity: HandedOver = { id: player.id, name: player.name, metadata: player.metadata ?? null };
    await this.call(() =>
      this.redis.set(
        this.keys.handOver(digest(player.token)),
        JSON.stringify(identity),
        'PX',
        HAND_OVER_TTL_MS,
      ),
    );
  }

  /**
   * The identity handed over for `token` by another node, taken (deleted) so
   * it serves once; `undefined` when there is none (or Redis is away).
   */
  async takeHandOver(token: string): Promise<HandedOver | undefined> {
    const text = await this.call(() => this.redis.getdel(this.keys.handOver(digest(token)))).catch(
      () => null,
    );
    if (text === null) return undefined;
    try {
      return parseHandedOver(JSON.parse(text));
    } catch {
      return undefined;
    }
  }

  /** Records that this node holds the player with `token` (so other nodes redirect its resume here). */
  rememberToken(token: string): void {
    if (!this.available) return;
    this.redis
      .set(this.keys.token(digest(token)), this.id, 'PX', TOKEN_TTL_MS)
      .catch((error: unknown) => this.warn('token publish failed', error));
  }

  /** Runs a Redis operation; any failure becomes a {@link ClusterUnavailableError}. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.available) {
      this.metrics.unavailable.inc();
      throw new ClusterUnavailableError('the cluster directory is unavailable');
    }
    try {
      return await operation();
    } catch (error) {
      this.metrics.unavailable.inc();
      throw new ClusterUnavailableError(`the cluster directory failed: ${(error as Error).message}`);
    }
  }

  private async heartbeat(): Promise<void> {
    if (!this.available || this.stopped || this.beating) return;
    this.beating = true;
    const started = performance.now();
    try {
      const ids = await this.redis
        .multi()
        .exists(this.keys.node(this.id))
        .set(this.keys.node(this.id), this.publicUrl, 'PX', this.ttlMs)
        .sadd(this.keys.nodes, this.id)
        .smembers(this.keys.nodes)
        .exec();
      this.answeredAt = performance.now();
      this.metrics.redisLatency.observe((this.answeredAt - started) / 1000);
      // Our key had expired (this process stalled past the TTL, or Redis lost it): other
      // nodes may have reaped our rooms, so publish every one of them again.
      if (ids?.[0]?.[1] === 0) this.publisher.republishAll();
      const members = (ids?.[3]?.[1] as string[] | undefined) ?? [];
      const urls = members.length === 0 ? [] : await this.redis.mget(members.map((id) => this.keys.node(id)));
      const live = new Map<string, string>();
      const dead: string[] = [];
      members.forEach((id, i) => {
        const url = urls[i];
        if (url !== null && url !== undefined) live.set(id, url);
        else dead.push(id);
      });
      // A new map only when the membership changed: list caches key on it.
      if (!sameNodes(live, this.live)) this.live = live;
      this.metrics.nodes.set(live.size);
      await this.mirror.fresh(this.heartbeatMs / 2);
      const remote = this.mirror.live(this.live);
      this.metrics.clusterRooms.set(remote.length + this.state.rooms.size);
      this.metrics.setNodeLoad(this.id, this.localLoad(), this.live, remote);
      if (++this.beats % 20 === 0) await this.mirror.trim();
      if (dead.length > 0) await this.reap(dead);
    } catch (error) {
      this.warn('heartbeat failed', error);
      this.reconnectIfStalled();
    } finally {
      this.beating = false;
    }
  }

  /**
   * Redis has answered nothing for longer than the node TTL (frozen, or a
   * route that drops packets): other nodes consider this one dead by now.
   * Drop the connection and reconnect — the commands queued meanwhile are
   * failed and freed, lookups answer `Unavailable` at once instead of after
   * each command's timeout, and the `ready` of the new connection
   * re-registers the node.
   */
  private reconnectIfStalled(): void {
    if (performance.now() - this.answeredAt <= this.ttlMs || this.stopped) return;
    this.state.log.warn({ nodeId: this.id }, 'redis stalled: reconnecting');
    this.answeredAt = performance.now();
    this.redis.disconnect(true);
  }

  /** This node's rooms and the players seated in them. */
  private localLoad(): NodeLoad {
    let members = 0;
    for (const room of this.state.rooms.values()) members += room.members.length;
    return { rooms: this.state.rooms.size, members };
  }

  /** Removes dead nodes' rooms from the directory (rooms another node restored meanwhile stay). */
  private async reap(dead: string[]): Promise<void> {
    const owners = await this.redis.hgetall(this.keys.owners);
    for (const node of dead) {
      const ids = Object.keys(owners).filter((id) => owners[id] === node);
      const jsons = ids.length === 0 ? [] : await this.redis.hmget(this.keys.rooms, ...ids);
      const args: string[] = [];
      ids.forEach((id, i) => {
        args.push(id, parseEntry(jsons[i] ?? '')?.code ?? '');
      });
      const removed = await this.redis.eval(
        REAP_ROOMS,
        5,
        this.keys.owners,
        this.keys.rooms,
        this.keys.codes,
        this.keys.seq,
        this.keys.changes,
        node,
        this.keys.nodePrefix,
        ...args,
      );
      // Only forget the node if it is still dead (REAP_ROOMS checked its key).
      if (removed !== 0 || ids.length === 0) await this.redis.srem(this.keys.nodes, node);
      this.state.log.info({ deadNode: node, rooms: removed }, 'reaped a dead node');
    }
  }

  /** Redis is (back) up: the node key, every local room and every player's token again. */
  private async reregister(): Promise<void> {
    this.mirror.reset();
    this.publisher.republishAll();
    for (const player of this.state.players.values()) this.rememberToken(player.token);
    await this.heartbeat();
    await this.publisher.flush();
  }

  private warn(text: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarnAt < 5000) return;
    this.lastWarnAt = now;
    this.state.log.warn({ nodeId: this.id, err: (error as Error)?.message }, text);
  }
}

function sameNodes(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, url] of a) if (b.get(id) !== url) return false;
  return true;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}
