import { encodeServerMessage, LobbyCloseCode, LobbyErrorCode } from '@handoff/protocol/lobby';
import type { ClientConnection } from '../client-connection.js';
import type { LobbyState } from '../lobby-state.js';
import type { RoomTicket } from '../room-ticket.js';
import type { ClusterNode } from './cluster-node.js';
import { ClusterUnavailableError } from './errors.js';

/** What a cluster says about a room ticket presented to this node. */
export type TicketVerdict =
  | { kind: 'accept' }
  | { kind: 'refuse'; reason: string }
  | { kind: 'redirect'; url: string }
  | { kind: 'unavailable' };

/**
 * Decides a restore in cluster mode. The room is claimed for this node
 * atomically (Lua) unless a live node holds it — then the client is sent
 * there, ticket unused. A ticket sealed by this node while it already held
 * the room is refused (its player left or timed out here: not a failover).
 * Then the ticket is marked used in Redis: each ticket restores once in the
 * whole cluster.
 */
export async function admitTicket(
  state: LobbyState,
  node: ClusterNode,
  ticket: RoomTicket,
  sealed: string,
): Promise<TicketVerdict> {
  try {
    const owner = await node.claim(ticket.roomId);
    if (owner !== undefined) {
      node.metrics.redirects.inc({ operation: 'restore' });
      return { kind: 'redirect', url: owner };
    }
    const local = state.rooms.get(ticket.roomId);
    const heldSince = local === undefined ? undefined : node.heldSince(local.id);
    if (heldSince !== undefined && ticket.issuedAt >= heldSince)
      return { kind: 'refuse', reason: 'unknown or expired session token' };
    if (!(await node.useTicket(sealed, state.limits.maxRoomTicketAgeMs)))
      return { kind: 'refuse', reason: 'room ticket already used' };
    if (local === undefined) node.metrics.failovers.inc();
    return { kind: 'accept' };
  } catch (error) {
    if (error instanceof ClusterUnavailableError) return { kind: 'unavailable' };
    throw error;
  }
}

/** The public URL of the live node that holds this session token's player, if another one (Redis trouble: none). */
export async function tokenHome(node: ClusterNode, token: string): Promise<string | undefined> {
  try {
    return await node.tokenHome(token);
  } catch (error) {
    if (error instanceof ClusterUnavailableError) return undefined;
    throw error;
  }
}

/** Answers a `hello` with `error Redirect` (the client says hello again, unchanged, at `url`). */
export function redirectHello(
  node: ClusterNode,
  connection: ClientConnection,
  requestId: number,
  url: string,
): void {
  node.metrics.redirects.inc({ operation: 'hello' });
  connection.send(
    encodeServerMessage({
      type: 'error',
      requestId,
      code: LobbyErrorCode.Redirect,
      message: 'your room is on another node',
      redirect: { url },
    }),
  );
}

/** Redis is away and a restore needs it: `error Unavailable`, close 4008 (the client retries later, ticket kept). */
export function restoreUnavailable(connection: ClientConnection, requestId: number): void {
  connection.send(
    encodeServerMessage({
      type: 'error',
      requestId,
      code: LobbyErrorCode.Unavailable,
      message: 'the cluster directory is unavailable; try again',
    }),
  );
  connection.close(LobbyCloseCode.ServerShutdown, 'cluster directory unavailable');
}
