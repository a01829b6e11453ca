import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DirectoryEntry } from './directory-entry.js';

/** What one node holds: rooms, and players seated in them. */
export interface NodeLoad {
  rooms: number;
  members: number;
}

/** Prometheus metrics of a cluster node (registered next to the lobby's own). */
export class ClusterMetrics {
  /** Joins and hellos answered with a redirect to the owning node. */
  readonly redirects: Counter<'operation'>;
  /** Rooms this node took over from a dead node (restored from tickets). */
  readonly failovers: Counter;
  /** Round trip of the heartbeat to Redis, seconds. */
  readonly redisLatency: Histogram;
  /** Directory operations refused because Redis was unreachable. */
  readonly unavailable: Counter;
  /** Live nodes in the cluster (as of the last heartbeat). */
  readonly nodes: Gauge;
  /** Rooms in the cluster directory (as of the last directory read). */
  readonly clusterRooms: Gauge;
  /** 1 while Redis is reachable. */
  readonly redisUp: Gauge;
  /** Rooms per live node (label `node`), as the directory says. */
  readonly nodeRooms: Gauge<'node'>;
  /** Players seated in rooms per live node (label `node`), as the directory says. */
  readonly nodeMembers: Gauge<'node'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.redirects = new Counter({
      name: 'handoff_cluster_redirects_total',
      help: 'Requests answered with a redirect to the node that owns the room',
      labelNames: ['operation'],
      registers,
    });
    this.failovers = new Counter({
      name: 'handoff_cluster_failovers_total',
      help: 'Rooms taken over from a dead node',
      registers,
    });
    this.redisLatency = new Histogram({
      name: 'handoff_cluster_redis_latency_seconds',
      help: 'Heartbeat round trip to Redis',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.unavailable = new Counter({
      name: 'handoff_cluster_unavailable_total',
      help: 'Directory operations refused (error Unavailable) because Redis was unreachable',
      registers,
    });
    this.nodes = new Gauge({ name: 'handoff_cluster_nodes', help: 'Live cluster nodes', registers });
    this.clusterRooms = new Gauge({
      name: 'handoff_cluster_rooms',
      help: 'Rooms in the cluster directory',
      registers,
    });
    this.redisUp = new Gauge({
      name: 'handoff_cluster_redis_up',
      help: '1 while Redis is reachable',
      registers,
    });
    this.nodeRooms = new Gauge({
      name: 'handoff_cluster_node_rooms',
      help: 'Rooms per live node of the cluster, from the directory',
      labelNames: ['node'],
      registers,
    });
    this.nodeMembers = new Gauge({
      name: 'handoff_cluster_node_members',
      help: 'Players seated in rooms per live node of the cluster, from the directory',
      labelNames: ['node'],
      registers,
    });
  }

  /**
   * Sets the per-node gauges: `self` with its own `local` load, every other
   * live node (`live`: id → URL) from its directory `remote` entries. A node
   * that left loses its series (the gauges are rebuilt in one synchronous
   * step, so a scrape never sees half of it).
   */
  setNodeLoad(
    self: string,
    local: NodeLoad,
    live: ReadonlyMap<string, string>,
    remote: readonly DirectoryEntry[],
  ): void {
    const load = new Map<string, NodeLoad>([[self, local]]);
    for (const id of live.keys()) if (id !== self) load.set(id, { rooms: 0, members: 0 });
    for (const entry of remote) {
      const node = load.get(entry.node);
      if (node === undefined) continue;
      node.rooms++;
      node.members += entry.members;
    }
    this.nodeRooms.reset();
    this.nodeMembers.reset();
    for (const [node, { rooms, members }] of load) {
      this.nodeRooms.set({ node }, rooms);
      this.nodeMembers.set({ node }, members);
    }
  }
}
