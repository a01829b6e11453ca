/**
 * The servers of the real-SDK tables: the Handoff lobby (default limits; as
 * shipped and with a relay flush window), Colyseus 0.18 and the naive raw
 * `ws` relay that splits the SDK's bundles.
 */
import type { ServerKind } from './child-server.js';

/** One row of a real-SDK table: a server and how it is started. */
export interface GameContender {
  /** Key in the results. */
  id: string;
  kind: ServerKind;
  /** Row name in the tables. */
  name: string;
  /** Server command-line arguments. */
  args: string[];
  /** The lobby's `relayFlushWindowMs`, for the flush-window rows. */
  flushWindowMs?: number;
}

/** Row name of the raw relay (the ratio baseline). */
export const RAW_NAME = 'raw ws relay (splits bundles, one send per datagram)';
/** Row name of Colyseus. */
export const COLYSEUS_NAME = 'colyseus 0.18 (onMessage + broadcast, @colyseus/sdk clients)';
/** Row name of the lobby as shipped. */
export const HANDOFF_NAME = 'handoff lobby (default limits, flush window 0)';

/** The three servers every real-SDK workload runs against. */
export const GAME_CONTENDERS: readonly GameContender[] = [
  { id: 'raw', kind: 'raw-split', name: RAW_NAME, args: [] },
  { id: 'colyseus', kind: 'colyseus', name: COLYSEUS_NAME, args: [] },
  { id: 'handoff', kind: 'handoff', name: HANDOFF_NAME, args: ['--limits', 'default'], flushWindowMs: 0 },
];

/** The lobby with a relay flush window of `ms` (default limits otherwise). */
export function flushWindowContender(ms: number): GameContender {
  return {
    id: `handoff-window-${ms}`,
    kind: 'handoff',
    name: `handoff lobby, relayFlushWindowMs ${ms}`,
    args: ['--limits', 'default', '--relay-flush-window-ms', String(ms)],
    flushWindowMs: ms,
  };
}

/** Row name of the lobby running as a cluster node. */
export const CLUSTER_NAME = 'handoff lobby as a cluster node (--redis; default limits, flush window 0)';

/** The lobby as one node of a cluster over the Redis at `redisUrl` (the relay path as in single-node mode). */
export function clusterContender(redisUrl: string): GameContender {
  return {
    id: 'handoff-cluster',
    kind: 'handoff',
    name: CLUSTER_NAME,
    args: ['--limits', 'default', '--redis', redisUrl],
  };
}
