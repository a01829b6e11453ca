import type { ChainableCommander, Redis } from 'ioredis';
import type { RoomRegistry } from '../room-registry.js';
import { entryOf } from './directory-entry.js';
import type { ClusterKeys } from './keys.js';
import { PUBLISH_ROOM, WITHDRAW_ROOM } from './scripts.js';

/**
 * Writes one node's rooms to the cluster directory: changed rooms are
 * marked dirty (by the lobby's events, or by a version change nothing
 * announced, such as metadata) and written together every 50 ms, each
 * through a Lua script that writes only while this node owns the room.
 */
export class DirectoryPublisher {
  /** Room ids this node published, with the JSON and join code it last wrote. */
  private readonly published = new Map<string, { json: string; code: string }>();
  private readonly dirty = new Set<string>();
  /** When this node started holding each of its rooms (created or restored here), ms since the epoch. */
  private readonly held = new Map<string, number>();
  private lastVersion = -1;
  private flushing = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly nodeId: string,
    private readonly rooms: RoomRegistry,
    private readonly warn: (text: string, error: unknown) => void,
  ) {}

  /** A room was created or restored here. */
  hold(roomId: string): void {
    this.held.set(roomId, Date.now());
    this.dirty.add(roomId);
  }

  /** A room closed here. */
  release(roomId: string): void {
    this.held.delete(roomId);
    this.dirty.add(roomId);
  }

  /** Since when this node holds a room (undefined: it does not). */
  heldSince(roomId: string): number | undefined {
    return this.held.get(roomId);
  }

  /** A room changed (members, metadata) or closed: publish it with the next flush. */
  touched(roomId: string): void {
    this.dirty.add(roomId);
  }

  /** Queues the withdrawal of every published room (a node stopping). */
  withdrawAll(pipeline: ChainableCommander): void {
    for (const [id, { code }] of this.published)
      pipeline.eval(
        WITHDRAW_ROOM,
        5,
        this.keys.owners,
        this.keys.rooms,
        this.keys.codes,
        this.keys.seq,
        this.keys.changes,
        id,
        this.nodeId,
        code,
      );
  }

  /** Writes changed rooms to the directory (every 50 ms at most). */
  async flush(): Promise<void> {
    if (this.flushing) return;
    const rooms = this.rooms;
    // A change without an event (metadata): look at every room.
    if (rooms.version !== this.lastVersion && this.dirty.size === 0) {
      for (const room of rooms.values()) this.dirty.add(room.id);
      for (const id of this.published.keys()) this.dirty.add(id);
    }
    this.lastVersion = rooms.version;
    if (this.dirty.size === 0) return;
    this.flushing = true;
    const ids = [...this.dirty];
    this.dirty.clear();
    try {
      const pipeline = this.redis.pipeline();
      const writes: { id: string; json: string; code: string }[] = [];
      const withdrawn: string[] = [];
      for (const id of ids) {
        const room = rooms.get(id);
        const before = this.published.get(id);
        if (room === undefined) {
          if (before === undefined) continue;
          withdrawn.push(id);
          pipeline.eval(
            WITHDRAW_ROOM,
            5,
            this.keys.owners,
            this.keys.rooms,
            this.keys.codes,
            this.keys.seq,
            this.keys.changes,
            id,
            this.nodeId,
            before.code,
          );
          continue;
        }
        const json = JSON.stringify(entryOf(room, this.nodeId));
        if (before?.json === json) continue;
        writes.push({ id, json, code: room.code });
        pipeline.eval(
          PUBLISH_ROOM,
          5,
          this.keys.owners,
          this.keys.rooms,
          this.keys.codes,
          this.keys.seq,
          this.keys.changes,
          id,
          this.nodeId,
          json,
          room.code,
        );
      }
      if (pipeline.length === 0) return;
      // A pipeline resolves even when its commands failed (timed out): each answer says.
      const failed = (await pipeline.exec())?.find(([error]) => error !== null)?.[0];
      if (failed) throw failed;
      // Only now: a withdrawal that failed is tried again (its id stays published, so dirty means retry).
      for (const id of withdrawn) this.published.delete(id);
      for (const write of writes) this.published.set(write.id, { json: write.json, code: write.code });
    } catch (error) {
      for (const id of ids) this.dirty.add(id);
      this.warn('directory publish failed', error);
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Every local room is written again with the next flush; a room that
   * closed while Redis was away is withdrawn then (it stays known as
   * published until a withdrawal succeeds).
   */
  republishAll(): void {
    for (const [id, { code }] of this.published) {
      this.published.set(id, { json: '', code });
      this.dirty.add(id);
    }
    for (const room of this.rooms.values()) this.dirty.add(room.id);
  }
}
