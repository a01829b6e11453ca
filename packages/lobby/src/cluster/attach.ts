import type { LobbyState } from '../lobby-state.js';
import type { ClusterNode } from './cluster-node.js';

const nodes = new WeakMap<LobbyState, ClusterNode>();

/** Makes `state` one node of a cluster (its lookups and restores go through `node`). */
export function attachCluster(state: LobbyState, node: ClusterNode): void {
  nodes.set(state, node);
}

/** The cluster node of a lobby, or undefined when it runs alone (no `--redis`). */
export function clusterOf(state: LobbyState): ClusterNode | undefined {
  return nodes.get(state);
}
