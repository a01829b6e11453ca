import { MAX_ROOMS_LISTED, type RoomFilter, type RoomSummary } from '@handoff/protocol/lobby';
import type { LobbyState } from '../lobby-state.js';
import type { ListableRooms } from '../room-list-cache.js';
import type { ClusterNode } from './cluster-node.js';
import { type DirectoryEntry, entryMatches, entryOf, summaryOf } from './directory-entry.js';

/**
 * The rooms of the whole cluster as a list sees them: this node's own
 * (live) plus the other nodes' from the directory snapshot. Its version
 * changes with either, so the list cache stays correct.
 */
class ClusterRoomView implements ListableRooms {
  private seen = { local: -1, remote: -1 };
  private current = 0;

  constructor(
    private readonly state: LobbyState,
    private readonly node: ClusterNode,
  ) {}

  get version(): number {
    const local = this.state.rooms.version;
    const remote = this.node.remoteVersion;
    if (local !== this.seen.local || remote !== this.seen.remote) {
      this.seen = { local, remote };
      this.current++;
    }
    return this.current;
  }

  list(
    filter: RoomFilter | undefined,
    limit = MAX_ROOMS_LISTED,
    offset = 0,
  ): { rooms: { summary(): RoomSummary }[]; total: number } {
    const matching: DirectoryEntry[] = [];
    for (const room of this.state.rooms.values()) {
      const entry = entryOf(room, this.node.id);
      if (entryMatches(entry, filter)) matching.push(entry);
    }
    for (const entry of this.node.cachedRemoteRooms) if (entryMatches(entry, filter)) matching.push(entry);
    matching.sort((a, b) => b.members - a.members);
    const page = matching.slice(offset, offset + Math.min(limit, MAX_ROOMS_LISTED));
    return { rooms: page.map((entry) => ({ summary: () => summaryOf(entry) })), total: matching.length };
  }
}

const views = new WeakMap<ClusterNode, ClusterRoomView>();

/** The cluster-wide room view of `node` (one per node, so its version is stable). */
export function clusterRooms(state: LobbyState, node: ClusterNode): ListableRooms {
  let view = views.get(node);
  if (view === undefined) {
    view = new ClusterRoomView(state, node);
    views.set(node, view);
  }
  return view;
}
