import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventEmitter } from 'eventemitter3';
import type { Registry } from 'prom-client';
import type { LobbyEvents } from '../events.js';
import type { LobbyState } from '../lobby-state.js';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS, type LobbyServerOptions } from '../options.js';
import { attachCluster } from './attach.js';
import { ClusterNode } from './cluster-node.js';

/**
 * Joins the cluster named by `options.redis`: makes the node, attaches it
 * to the lobby state (routing and restores consult it), feeds it the
 * lobby's room and player events, and starts its heartbeat.
 */
export async function startCluster(
  state: LobbyState,
  options: LobbyServerOptions & { redis: string },
  registry: Registry,
  events: EventEmitter<LobbyEvents>,
  listening: { host: string; port: number },
): Promise<ClusterNode> {
  const node = new ClusterNode(
    state,
    {
      redis: options.redis,
      nodeId: options.nodeId ?? randomBytes(6).toString('hex'),
      publicUrl: options.publicUrl ?? defaultPublicUrl(listening, options.path),
      commandTimeoutMs: options.redisCommandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    },
    registry,
  );
  attachCluster(state, node);
  events.on('room:create', ({ roomId }) => node.hold(roomId));
  events.on('room:join', ({ roomId }) => node.touched(roomId));
  events.on('room:leave', ({ roomId }) => node.touched(roomId));
  events.on('room:close', ({ roomId }) => node.release(roomId));
  events.on('player:welcome', ({ playerId }) => {
    const player = state.players.get(playerId);
    if (player !== undefined) node.rememberToken(player.token);
  });
  if (options.resumeSecret === undefined)
    state.log.warn(
      { nodeId: node.id },
      "cluster mode without a resumeSecret: no other node can open this node's room tickets, so its rooms die with it",
    );
  await node.start();
  state.log.info({ nodeId: node.id, publicUrl: node.publicUrl }, 'cluster node started');
  return node;
}

/** `ws://<host>:<port><path>`, with the machine's host name when bound to every address. */
function defaultPublicUrl({ host, port }: { host: string; port: number }, path = '/'): string {
  const name = host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') ? `[${host}]` : host;
  return `ws://${name}:${port}${path}`;
}
