/**
 * Redis key names of a Handoff cluster. Every key starts with the cluster
 * prefix (default `handoff:`), so several clusters can share one Redis.
 */
export interface ClusterKeys {
  /** Hash: room id → directory entry (JSON, see `directory-entry.ts`). */
  rooms: string;
  /** Hash: room id → owning node id (claimed atomically by Lua). */
  owners: string;
  /** Hash: join code → room id. */
  codes: string;
  /** Set of node ids that registered (live or not: liveness is the node key). */
  nodes: string;
  /** Counter: the sequence number of the latest directory change. */
  seq: string;
  /** Sorted set: room id scored by the sequence number of its latest change (nodes sync from it). */
  changes: string;
  /** String: changes at or below this sequence number were trimmed (a node behind it reloads everything). */
  floor: string;
  /** String with a TTL: the node is live while it exists (value: its public URL). */
  node(id: string): string;
  /** Prefix of `node(id)` (the Lua scripts build node keys from it). */
  nodePrefix: string;
  /** String: session token digest → node id that holds the player. */
  token(digest: string): string;
  /** String set NX: a room ticket used once cluster-wide. */
  ticket(digest: string): string;
  /** String with a short TTL: session token digest → the identity a redirected player takes to its new node (read once). */
  handOver(digest: string): string;
  /** Counter with a TTL: events of one kind (`codefail`, `create`, `wrongpw`) from an address in one minute, cluster-wide. */
  perMinute(kind: AddressCounter, address: string, minute: number): string;
}

/** What the cluster counts per address and minute: unknown join codes, room creations, wrong room passwords. */
export type AddressCounter = 'codefail' | 'create' | 'wrongpw';

/** The keys under `prefix`. */
export function clusterKeys(prefix = 'handoff:'): ClusterKeys {
  return {
    rooms: `${prefix}rooms`,
    owners: `${prefix}owners`,
    codes: `${prefix}codes`,
    nodes: `${prefix}nodes`,
    seq: `${prefix}seq`,
    changes: `${prefix}changes`,
    floor: `${prefix}changes-floor`,
    nodePrefix: `${prefix}node:`,
    node: (id) => `${prefix}node:${id}`,
    token: (digest) => `${prefix}token:${digest}`,
    ticket: (digest) => `${prefix}ticket:${digest}`,
    handOver: (digest) => `${prefix}handover:${digest}`,
    perMinute: (kind, address, minute) => `${prefix}${kind}:${address}:${minute}`,
  };
}
