import {
  type ClientMessage,
  LobbyErrorCode,
  type LobbyRedirect,
  type RoomFilter,
} from '@handoff/protocol/lobby';
import type { LobbyState } from '../lobby-state.js';
import type { Player } from '../player.js';
import type { ClusterNode } from './cluster-node.js';
import { type DirectoryEntry, entryMatches } from './directory-entry.js';
import { ClusterUnavailableError } from './errors.js';
import type { AddressCounter } from './keys.js';

/**
 * Routes the control messages that need the whole cluster: `room:list`
 * (answered from a directory snapshot), `room:join` for a room this node
 * does not have, and `room:quick-join` (the best room of the cluster).
 * Returns true when it took the message over; `local` runs the lobby's own
 * handler (for local rooms, and for every refusal the lobby already words).
 */
export function routeControl(
  state: LobbyState,
  node: ClusterNode,
  player: Player,
  message: ClientMessage,
  local: () => void,
): boolean {
  switch (message.type) {
    case 'room:list':
      settle(state, player, message.requestId, node.remoteRooms().then(local));
      return true;
    case 'room:join': {
      if (player.room !== undefined) return false;
      const roomId = message.roomId;
      const target = roomId !== undefined ? { roomId } : { code: message.code ?? '' };
      const here =
        roomId !== undefined ? state.rooms.get(roomId) : state.rooms.byJoinCode(message.code ?? '');
      const address = state.addresses.key(player.connection?.ip ?? 'unknown');
      if (here !== undefined) {
        // Every join of a room ends on its node: wrong passwords are counted here, per address cluster-wide.
        if (!here.hasPassword || passwordGuessingLimited(state, player)) return false;
        settle(
          state,
          player,
          message.requestId,
          takeClusterBudget(node, 'wrongpw', address, state.limits.maxWrongPasswordsPerMinutePerIp).then(
            (taken) => {
              if (taken === undefined) {
                state.fail(
                  player,
                  LobbyErrorCode.RateLimited,
                  'too many wrong passwords; wait a minute',
                  message.requestId,
                );
                return;
              }
              if (here.passwordMatches(message.password)) taken(); // only wrong ones count
              local();
            },
          ),
        );
        return true;
      }
      if (roomId === undefined && codeGuessingLimited(state, player)) return false;
      settle(
        state,
        player,
        message.requestId,
        joinElsewhere(state, node, player, message.requestId, target, address, local),
      );
      return true;
    }
    case 'room:create': {
      if (player.room !== undefined) return false;
      const address = state.addresses.key(player.connection?.ip ?? 'unknown');
      settle(
        state,
        player,
        message.requestId,
        takeClusterBudget(node, 'create', address, state.limits.maxRoomsCreatedPerMinutePerIp).then(
          (taken) => {
            if (taken === undefined) {
              state.fail(
                player,
                LobbyErrorCode.TooManyRooms,
                'too many rooms created; try again in a minute',
                message.requestId,
              );
              return;
            }
            // Attempts count (the lobby may still refuse for its own reasons).
            local();
          },
        ),
      );
      return true;
    }
    case 'room:quick-join': {
      if (player.room !== undefined) return false;
      settle(
        state,
        player,
        message.requestId,
        // Synced now: a quick-join must not miss a room created a moment ago.
        node.remoteRooms(0).then((remote) => {
          const best = bestRemote(remote, message.filter);
          const mine = state.rooms.quickMatch(message.filter);
          const url = best === undefined ? undefined : node.urlOf(best.node);
          if (
            best === undefined ||
            url === undefined ||
            (mine !== undefined && mine.members.length >= best.members)
          ) {
            local();
            return undefined;
          }
          return redirectJoin(state, node, player, message.requestId, { url, roomId: best.id }, 'quick-join');
        }),
      );
      return true;
    }
    default:
      return false;
  }
}

/**
 * A join of a room this node does not have: redirected to its node, or —
 * unknown anywhere — refused by the lobby's own handler. Unknown codes count
 * against the address cluster-wide, so N nodes do not give a guesser N
 * budgets.
 */
async function joinElsewhere(
  state: LobbyState,
  node: ClusterNode,
  player: Player,
  requestId: number,
  target: { roomId: string } | { code: string },
  address: string,
  local: () => void,
): Promise<void> {
  // A code lookup takes from the address's budget first; one that names a room gives it back.
  // (Redis away: this throws Unavailable at once — the directory could not be read either.)
  const taken =
    'code' in target
      ? await node.takePerMinute('codefail', address, state.limits.maxFailedCodeLookupsPerMinutePerIp)
      : () => {};
  if (taken === undefined) {
    state.fail(player, LobbyErrorCode.RateLimited, 'too many unknown codes; wait a minute', requestId);
    return;
  }
  const entry = await node.find(target).catch((error: unknown) => {
    if ('code' in target) taken();
    throw error;
  });
  const url = entry === undefined ? undefined : node.urlOf(entry.node);
  if (entry !== undefined && url !== undefined) {
    if ('code' in target) taken();
    await redirectJoin(state, node, player, requestId, { url, roomId: entry.id }, 'join');
    return;
  }
  local();
}

/**
 * Takes one event of `kind` from `address` against its cluster-wide budget
 * (see {@link ClusterNode.takePerMinute}): `undefined` over the budget, else
 * a function that gives the event back. Redis away: taken — the lobby's own
 * per-node budget for the same limit still applies (other errors stay errors).
 */
async function takeClusterBudget(
  node: ClusterNode,
  kind: AddressCounter,
  address: string,
  limit: number,
): Promise<(() => void) | undefined> {
  try {
    return await node.takePerMinute(kind, address, limit);
  } catch (error) {
    if (error instanceof ClusterUnavailableError) return () => {};
    throw error;
  }
}

/**
 * Redirects a join to the room's node, handing the player's identity over
 * first, so that it keeps its id there (Redis away: it starts a new
 * session there instead). This node then forgets the player as soon as its
 * socket closes: it lives on at the other node.
 */
async function redirectJoin(
  state: LobbyState,
  node: ClusterNode,
  player: Player,
  requestId: number,
  to: LobbyRedirect,
  operation: string,
): Promise<void> {
  const handedOver = await node.handOver(player).then(
    () => true,
    () => false,
  );
  if (handedOver) player.movedToNode = true;
  redirect(state, node, player, requestId, to, operation);
}

/** Sends `error Redirect` with where to go. */
export function redirect(
  state: LobbyState,
  node: ClusterNode,
  player: Player,
  requestId: number,
  to: LobbyRedirect,
  operation: string,
): void {
  node.metrics.redirects.inc({ operation });
  state.send(player, {
    type: 'error',
    requestId,
    code: LobbyErrorCode.Redirect,
    message: 'the room is on another node',
    redirect: to,
  });
}

/** The fullest remote public room without a password with a free seat matching `filter`. */
function bestRemote(
  entries: readonly DirectoryEntry[],
  filter: RoomFilter | undefined,
): DirectoryEntry | undefined {
  let best: DirectoryEntry | undefined;
  for (const entry of entries) {
    if (entry.hasPassword || entry.members >= entry.capacity || entry.members === 0) continue;
    if (!entryMatches(entry, filter)) continue;
    if (best === undefined || entry.members > best.members) best = entry;
  }
  return best;
}

/** Whether joins by code are refused now (the lobby's own handler then says so, before any lookup). */
function codeGuessingLimited(state: LobbyState, player: Player): boolean {
  const now = performance.now();
  const address = state.addresses.of(player.connection?.ip ?? 'unknown', now);
  return player.failedCodeLookups.available(now) < 1 || address.failedCodeLookups.available(now) < 1;
}

/** Whether password joins are refused now by the player's or address's own budget on this node (the lobby's handler then says so). */
function passwordGuessingLimited(state: LobbyState, player: Player): boolean {
  const now = performance.now();
  const address = state.addresses.of(player.connection?.ip ?? 'unknown', now);
  return player.wrongPasswords.available(now) < 1 || address.wrongPasswords.available(now) < 1;
}

/** Redis trouble becomes `error Unavailable`; anything else is logged as internal. */
function settle(state: LobbyState, player: Player, requestId: number, work: Promise<void>): void {
  work.catch((error: unknown) => {
    if (error instanceof ClusterUnavailableError)
      state.fail(
        player,
        LobbyErrorCode.Unavailable,
        'the room directory is unavailable; try again',
        requestId,
      );
    else {
      state.log.error({ err: error }, 'cluster routing failed');
      state.fail(player, LobbyErrorCode.Internal, 'internal error', requestId);
    }
  });
}
