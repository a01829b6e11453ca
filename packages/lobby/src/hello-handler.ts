import {
  encodeServerMessage,
  type HelloMessage,
  type IceServer,
  ID_PATTERN,
  isSupportedLobbyProtocolVersion,
  LOBBY_PROTOCOL_VERSION,
  LobbyCloseCode,
  LobbyErrorCode,
  type LobbyLimits,
  MAX_CONTROL_FRAME_BYTES,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  type Metadata,
  type RoomRestore,
} from '@handoff/protocol/lobby';
import type { ClientConnection } from './client-connection.js';
import { clusterOf } from './cluster/attach.js';
import { admitTicket, redirectHello, restoreUnavailable, tokenHome } from './cluster/cluster-restore.js';
import { newId, newSecret } from './ids.js';
import type { LobbyState } from './lobby-state.js';
import type { AuthenticatedPlayer, LobbyServerOptions } from './options.js';
import { Player } from './player.js';
import { awaitHost, learnMembership, returnHost, supersededTicket } from './restore-authority.js';
import { turnIceServer } from './turn-credentials.js';

/**
 * Answers `hello`: checks the protocol version, then either resumes a
 * player by its session token (single use: a new token comes back),
 * restores it from its room ticket after a lobby restart, or admits a new
 * one through the `authenticate` hook. Failures get an `error` and a close
 * code (4001, 4002, 4010).
 */
export async function handleHello(
  state: LobbyState,
  options: LobbyServerOptions,
  connection: ClientConnection,
  hello: HelloMessage,
  now: number,
): Promise<void> {
  const refuse = (code: number, errorCode: number, text: string): void => {
    connection.send(
      encodeServerMessage({ type: 'error', requestId: hello.requestId, code: errorCode, message: text }),
    );
    // Recorded like every other violation (metric, event, log) by the server.
    connection.onViolation?.(code, text);
    connection.close(code, text);
  };
  if (!isSupportedLobbyProtocolVersion(hello.protocolVersion)) {
    refuse(
      LobbyCloseCode.UnsupportedVersion,
      LobbyErrorCode.UnsupportedVersion,
      `protocol version ${LOBBY_PROTOCOL_VERSION} required`,
    );
    return;
  }
  connection.protocolVersion = hello.protocolVersion;
  if (state.moderation.isAddressBanned(connection.ip)) {
    refuse(LobbyCloseCode.Kicked, LobbyErrorCode.Banned, 'banned');
    return;
  }
  if (hello.resumeToken !== undefined) {
    const player = state.tokens.get(hello.resumeToken);
    if (player !== undefined) {
      resume(state, options, connection, player, hello.requestId);
      return;
    }
    const cluster = clusterOf(state);
    // In a cluster, another node may have redirected this player here with its identity.
    const handed = cluster === undefined ? undefined : await cluster.takeHandOver(hello.resumeToken);
    if (connection.closing) return;
    if (handed !== undefined) {
      if (state.moderation.isPlayerBanned(handed.id)) {
        refuse(LobbyCloseCode.Kicked, LobbyErrorCode.Banned, 'banned');
        return;
      }
      admit(state, options, connection, hello, handed.id, handed.name, handed.metadata ?? undefined, now);
      return;
    }
    // In a cluster, the player may be on another live node: send it there.
    const home = cluster === undefined ? undefined : await tokenHome(cluster, hello.resumeToken);
    if (cluster !== undefined && home !== undefined) {
      redirectHello(cluster, connection, hello.requestId, home);
      return;
    }
    const refusal =
      hello.restore === undefined
        ? 'unknown or expired session token'
        : await restore(state, options, connection, hello, hello.restore, now);
    if (refusal !== undefined) refuse(LobbyCloseCode.InvalidResumeToken, LobbyErrorCode.AuthFailed, refusal);
    return;
  }
  let admitted: AuthenticatedPlayer | null;
  try {
    admitted = options.authenticate
      ? await options.authenticate({
          auth: hello.auth,
          name: hello.name,
          ip: connection.ip,
          headers: connection.headers,
        })
      : {};
  } catch (error) {
    state.log.info({ ip: connection.ip, err: (error as Error).message }, 'authentication refused');
    admitted = null;
  }
  if (connection.closing) return;
  const id = admitted?.id ?? newId();
  if (admitted === null || !ID_PATTERN.test(id) || id.length > MAX_ID_LENGTH) {
    refuse(LobbyCloseCode.AuthFailed, LobbyErrorCode.AuthFailed, 'authentication failed');
    return;
  }
  if (state.moderation.isPlayerBanned(id)) {
    refuse(LobbyCloseCode.Kicked, LobbyErrorCode.Banned, 'banned');
    return;
  }
  const name = (admitted.name ?? hello.name ?? 'Player').slice(0, MAX_NAME_LENGTH);
  admit(state, options, connection, hello, id, name, admitted.metadata, now);
}

/** Welcomes a new session as player `id` (fresh, or handed over by another node of the cluster). */
function admit(
  state: LobbyState,
  options: LobbyServerOptions,
  connection: ClientConnection,
  hello: HelloMessage,
  id: string,
  name: string,
  metadata: Metadata | undefined,
  now: number,
): void {
  // The same account connecting again replaces its earlier session.
  const earlier = state.players.get(id);
  if (earlier !== undefined) {
    earlier.connection?.close(LobbyCloseCode.SessionReplaced, 'signed in elsewhere');
    state.forget(earlier);
  }
  const player = new Player(id, name, metadata, newSecret(), state.limits, now);
  player.connection = connection;
  connection.player = player;
  state.register(player);
  welcome(state, options, connection, player, hello.requestId, false);
}

function resume(
  state: LobbyState,
  options: LobbyServerOptions,
  connection: ClientConnection,
  player: Player,
  requestId: number,
): void {
  clearTimeout(player.graceTimer);
  player.graceTimer = undefined;
  const previous = player.connection;
  player.connection = connection;
  connection.player = player;
  // An old socket still open (the client noticed the drop first) is replaced.
  if (previous !== undefined && previous !== connection) {
    previous.player = undefined;
    previous.close(LobbyCloseCode.SessionReplaced, 'session resumed elsewhere');
  }
  state.rotateToken(player, newSecret());
  // The room state goes first: the client re-addresses its peers before
  // `welcome` lets it send relay frames again.
  state.sendRoomState(player, undefined);
  welcome(state, options, connection, player, requestId, true);
  if (player.room !== undefined) {
    state.broadcast(player.room, { type: 'presence:back', playerId: player.id }, player);
  }
}

/**
 * The lobby does not know the token (it restarted): restores the player
 * and its room from the sealed ticket. A ticket restores only across a
 * restart (sealed before this process started), within
 * `maxRoomTicketAgeMs`, once per player per process, and after the
 * `authenticate` hook accepts the player again. Returns the refusal, if any.
 * In a cluster (`redis`), Redis decides instead of the process start time:
 * the room is claimed here unless a live node holds it (then a redirect),
 * and each ticket restores once cluster-wide (`cluster/cluster-restore.ts`).
 */
async function restore(
  state: LobbyState,
  options: LobbyServerOptions,
  connection: ClientConnection,
  hello: HelloMessage,
  request: RoomRestore,
  now: number,
): Promise<string | undefined> {
  const ticket = state.tickets.open(request.ticket);
  if (ticket === undefined) return 'unknown or expired session token';
  const cluster = clusterOf(state);
  // Alone, a ticket restores only across a restart; in a cluster the directory decides (below).
  if (cluster === undefined && ticket.issuedAt >= state.startedAt) return 'unknown or expired session token';
  if (Date.now() - ticket.issuedAt > state.limits.maxRoomTicketAgeMs) return 'room ticket expired';
  if (supersededTicket(state.rooms.get(ticket.roomId), ticket)) return 'room ticket superseded: you had left';
  if (state.moderation.isPlayerBanned(ticket.playerId)) return 'banned';
  const taken = (): boolean =>
    state.players.has(ticket.playerId) ||
    (cluster === undefined && state.restoredPlayers.has(ticket.playerId));
  if (taken()) return 'player already restored';
  let admitted: AuthenticatedPlayer | null = {};
  if (options.authenticate !== undefined) {
    try {
      admitted = await options.authenticate({
        auth: hello.auth,
        name: ticket.playerName,
        ip: connection.ip,
        headers: connection.headers,
      });
    } catch {
      admitted = null;
    }
    if (admitted === null || (admitted.id !== undefined && admitted.id !== ticket.playerId))
      return 'authentication failed';
  }
  if (connection.closing) return undefined;
  if (taken()) return 'player already restored';
  if (cluster !== undefined) {
    // Single use cluster-wide, and the room claimed here unless a live node holds it.
    const verdict = await admitTicket(state, cluster, ticket, request.ticket);
    if (verdict.kind === 'refuse') return verdict.reason;
    if (verdict.kind === 'redirect') redirectHello(cluster, connection, hello.requestId, verdict.url);
    if (verdict.kind === 'unavailable') restoreUnavailable(connection, hello.requestId);
    if (verdict.kind !== 'accept' || connection.closing) return undefined;
    if (taken()) return 'player already restored';
  }
  state.restoredPlayers.add(ticket.playerId);
  const player = new Player(
    ticket.playerId,
    admitted.name ?? ticket.playerName,
    admitted.metadata,
    newSecret(),
    state.limits,
    now,
  );
  player.connection = connection;
  connection.player = player;
  state.register(player);
  let room = state.rooms.get(ticket.roomId);
  if (room === undefined && state.rooms.size < state.limits.maxRooms) {
    room = state.restoreRoom(ticket.roomId, ticket.roomCode, {
      name: ticket.roomName,
      capacity: ticket.capacity,
      visibility: ticket.visibility,
      passwordDigest: ticket.passwordDigest,
      // Metadata only from the former host: a guest back first must not rewrite it.
      ...(request.metadata === undefined || !ticket.wasHost ? {} : { metadata: request.metadata }),
    });
    room.epoch = ticket.epoch;
    if (!ticket.wasHost) awaitHost(state, room);
  }
  // A full room (others took the seats meanwhile): the player is back, roomless.
  if (room !== undefined && !room.full) {
    const evicted = learnMembership(room, ticket);
    for (const stale of evicted) {
      state.leave(stale, 'kicked');
      state.send(stale, { type: 'room:left', reason: 'kicked' });
    }
    const hostBack = ticket.wasHost && room.awaitingHost;
    state.join(player, room, undefined, true, hostBack);
    if (hostBack) returnHost(state, room, player, request.metadata);
  }
  state.log.info(
    { playerId: player.id, roomId: ticket.roomId, inRoom: player.room !== undefined },
    'player restored from a room ticket',
  );
  welcome(state, options, connection, player, hello.requestId, true, true);
  return undefined;
}

function welcome(
  state: LobbyState,
  options: LobbyServerOptions,
  connection: ClientConnection,
  player: Player,
  requestId: number,
  resumed: boolean,
  restored = false,
): void {
  const limits = state.limits;
  const clientLimits: LobbyLimits = {
    maxRelayPayloadBytes: limits.maxRelayPayloadBytes,
    maxControlFrameBytes: Math.min(MAX_CONTROL_FRAME_BYTES, limits.maxPayloadBytes),
    maxMessagesPerSecond: limits.maxMessagesPerSecond,
    maxBytesPerSecond: limits.maxBytesPerSecond,
    heartbeatIntervalMs: limits.heartbeatIntervalMs,
    idleTimeoutMs: limits.idleTimeoutMs,
    resumeGraceMs: limits.resumeGraceMs,
  };
  state.send(player, {
    type: 'welcome',
    requestId,
    protocolVersion: connection.protocolVersion,
    playerId: player.id,
    sessionToken: player.token,
    resumed,
    ...(restored ? { restored } : {}),
    iceServers: iceServersFor(options, connection, player.id),
    limits: clientLimits,
    signalLanes: true,
  });
  state.log.info({ playerId: player.id, ip: connection.ip, resumed, restored }, 'player welcomed');
  state.events.emit('player:welcome', {
    playerId: player.id,
    name: player.name,
    resumed,
    restored,
    ip: connection.ip,
  });
}

/** The lobby's own STUN responder (reachable at the host the client used) plus the configured servers. */
export function iceServersFor(
  options: LobbyServerOptions,
  connection: ClientConnection,
  playerId?: string,
): IceServer[] {
  const servers: IceServer[] = [];
  if (options.stunPort !== false) {
    servers.push({ urls: `stun:${options.stunHost ?? connection.requestHost}:${options.stunPort ?? 3478}` });
  }
  // A short-lived credential of this player's own: nothing a client can share for long.
  if (options.turn !== undefined && playerId !== undefined)
    servers.push(turnIceServer(options.turn, playerId));
  return [...servers, ...(options.iceServers ?? [])];
}
