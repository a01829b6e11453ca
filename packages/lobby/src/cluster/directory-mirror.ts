import type { Redis } from 'ioredis';
import { type DirectoryEntry, parseEntry } from './directory-entry.js';
import type { ClusterKeys } from './keys.js';

/** Most changes read in one incremental sync; more reload everything. */
const MAX_CHANGES_PER_SYNC = 2000;
/** The change log keeps this many sequence numbers (older ones are trimmed). */
const CHANGES_KEPT = 50_000;

/**
 * This node's copy of the other nodes' rooms, kept in step with Redis
 * incrementally: each sync reads only the rooms changed since the last one
 * (from the `changes` sorted set) — a full reload only at the start, after
 * Redis lost its data, or when this node fell behind the trimmed log. Lists
 * and quick-joins read the copy, filtered by node liveness, without a round
 * trip per request.
 */
export class DirectoryMirror {
  private readonly entries = new Map<string, DirectoryEntry>();
  /** The sequence number synced up to; -1 before the first sync. */
  private seq = -1;
  private syncedAt = Number.NEGATIVE_INFINITY;
  private syncing: Promise<void> | undefined;
  private changed = true;
  private viewOf: ReadonlyMap<string, string> | undefined;
  private view: DirectoryEntry[] = [];
  /** Grows whenever {@link live} may answer differently (list caches key on it). */
  version = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly self: string,
  ) {}

  /** Syncs when the copy is older than `maxAgeMs` (one sync at a time; callers share it). */
  fresh(maxAgeMs: number): Promise<void> {
    if (performance.now() - this.syncedAt < maxAgeMs) return Promise.resolve();
    this.syncing ??= this.sync().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /** The rooms of live nodes (`live`: node id → URL) other than this one. */
  live(nodes: ReadonlyMap<string, string>): DirectoryEntry[] {
    if (this.changed || nodes !== this.viewOf) {
      this.view = [...this.entries.values()].filter((entry) => nodes.has(entry.node));
      this.viewOf = nodes;
      this.changed = false;
      this.version++;
    }
    return this.view;
  }

  /** Rooms in the copy (live or not). */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets the copy: the next sync reloads everything (Redis came back empty). */
  reset(): void {
    this.seq = -1;
  }

  /** Trims the change log (any node may; nodes behind the floor reload). */
  async trim(): Promise<void> {
    const seq = Number((await this.redis.get(this.keys.seq)) ?? 0);
    const floor = seq - CHANGES_KEPT;
    if (floor <= 0) return;
    await this.redis
      .multi()
      .zremrangebyscore(this.keys.changes, '-inf', floor)
      .set(this.keys.floor, floor)
      .exec();
  }

  private async sync(): Promise<void> {
    if (this.seq < 0) {
      await this.reload();
      return;
    }
    const answers = await this.redis
      .multi()
      .get(this.keys.seq)
      .get(this.keys.floor)
      .zrangebyscore(
        this.keys.changes,
        `(${this.seq}`,
        '+inf',
        'WITHSCORES',
        'LIMIT',
        0,
        MAX_CHANGES_PER_SYNC,
      )
      .exec();
    const current = Number(answers?.[0]?.[1] ?? 0);
    const floor = Number(answers?.[1]?.[1] ?? 0);
    const log = (answers?.[2]?.[1] as string[] | undefined) ?? [];
    if (current < this.seq || floor > this.seq || log.length / 2 >= MAX_CHANGES_PER_SYNC) {
      await this.reload();
      return;
    }
    if (log.length > 0) {
      const ids: string[] = [];
      let last = this.seq;
      for (let i = 0; i < log.length; i += 2) {
        ids.push(log[i]!);
        last = Math.max(last, Number(log[i + 1]));
      }
      const [jsons, owners] = await Promise.all([
        this.redis.hmget(this.keys.rooms, ...ids),
        this.redis.hmget(this.keys.owners, ...ids),
      ]);
      for (const [i, id] of ids.entries()) this.apply(id, jsons[i] ?? null, owners[i] ?? null);
      this.seq = last;
      this.changed = true;
    }
    this.syncedAt = performance.now();
  }

  /** Everything again; changes made while reading are read again by the next sync. */
  private async reload(): Promise<void> {
    const seq = Number((await this.redis.get(this.keys.seq)) ?? 0);
    const [rooms, owners] = await Promise.all([
      this.redis.hgetall(this.keys.rooms),
      this.redis.hgetall(this.keys.owners),
    ]);
    this.entries.clear();
    for (const [id, json] of Object.entries(rooms)) this.apply(id, json, owners[id] ?? null);
    this.seq = seq;
    this.changed = true;
    this.syncedAt = performance.now();
  }

  private apply(id: string, json: string | null, owner: string | null): void {
    const entry = json === null ? undefined : parseEntry(json);
    if (entry === undefined || owner === null || owner === this.self) this.entries.delete(id);
    else this.entries.set(id, { ...entry, node: owner });
  }
}
