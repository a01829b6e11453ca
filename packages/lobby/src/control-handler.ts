import {
  type ClientMessage,
  type ClientSignalMessage,
  LobbyErrorCode,
  type RoomCreateMessage,
  type RoomJoinMessage,
  type RoomListMessage,
  type RoomOptions,
  type RoomQuickJoinMessage,
} from '@handoff/protocol/lobby';
import type { AddressRecord } from './address-limits.js';
import { clusterOf } from './cluster/attach.js';
import { clusterRooms } from './cluster/cluster-rooms.js';
import { routeControl } from './cluster/cluster-router.js';
import type { LobbyState } from './lobby-state.js';
import type { Player } from './player.js';
import type { Room } from './room.js';
import { RoomListCache } from './room-list-cache.js';
import { TokenBucket } from './token-bucket.js';

/** The address record of the player's connection (players are always connected while they send). */
function addressOf(state: LobbyState, player: Player, now: number): AddressRecord {
  return state.addresses.of(player.connection?.ip ?? 'unknown', now);
}

/**
 * Handles one decoded control message from a welcomed player. Every refusal
 * is an `error` with the request's id; nothing here can affect another room.
 */
export function handleControl(
  state: LobbyState,
  player: Player,
  message: ClientMessage,
  now: number,
  routed = false,
): void {
  // In a cluster, lists, joins and quick-joins may need the directory first (then they come back here).
  const cluster = routed ? undefined : clusterOf(state);
  if (
    cluster !== undefined &&
    routeControl(state, cluster, player, message, () =>
      handleControl(state, player, message, performance.now(), true),
    )
  )
    return;
  switch (message.type) {
    case 'hello':
      state.fail(player, LobbyErrorCode.BadRequest, 'already welcomed', message.requestId);
      return;
    case 'ping':
      state.send(player, { type: 'pong', requestId: message.requestId, t: message.t });
      return;
    case 'room:create':
      createRoom(state, player, message, now);
      return;
    case 'room:list':
      listRooms(state, player, message, now);
      return;
    case 'room:join':
      joinRoom(state, player, message, now);
      return;
    case 'room:quick-join':
      quickJoin(state, player, message, now);
      return;
    case 'room:leave':
      if (player.room === undefined) {
        state.fail(player, LobbyErrorCode.NotInRoom, 'not in a room', message.requestId);
        return;
      }
      state.leave(player, 'left');
      state.send(player, { type: 'room:left', requestId: message.requestId, reason: 'left' });
      return;
    case 'room:set-metadata': {
      const room = player.room;
      if (room === undefined) {
        state.fail(player, LobbyErrorCode.NotInRoom, 'not in a room', message.requestId);
        return;
      }
      if (room.hostId !== player.id) {
        state.fail(
          player,
          LobbyErrorCode.NotHost,
          'only the host may change room metadata',
          message.requestId,
        );
        return;
      }
      room.metadata = message.metadata;
      state.rooms.touch();
      state.broadcast(room, { type: 'room:metadata', metadata: room.metadata }, player);
      state.send(player, { type: 'room:metadata', requestId: message.requestId, metadata: room.metadata });
      return;
    }
    case 'signal':
      forwardSignal(state, player, message, now);
      return;
    case 'telemetry':
      // Not answered; past its budget a report is dropped (clients send one a second).
      state.telemetry.receive(player, message, now);
      return;
  }
}

function canEnterRoom(state: LobbyState, player: Player, requestId: number): boolean {
  if (player.room === undefined) return true;
  state.fail(player, LobbyErrorCode.AlreadyInRoom, 'leave your room first', requestId);
  return false;
}

function createRoom(state: LobbyState, player: Player, message: RoomCreateMessage, now: number): void {
  if (!canEnterRoom(state, player, message.requestId)) return;
  const { type: _type, requestId, ...options } = message;
  createAndJoin(state, player, options, requestId, now);
}

function createAndJoin(
  state: LobbyState,
  player: Player,
  options: RoomOptions,
  requestId: number,
  now: number,
): void {
  if (options.capacity > state.limits.maxMembersPerRoom) {
    state.fail(
      player,
      LobbyErrorCode.BadRequest,
      `capacity ${options.capacity} exceeds this lobby's maxMembersPerRoom ${state.limits.maxMembersPerRoom}`,
      requestId,
    );
    return;
  }
  if (state.rooms.size >= state.limits.maxRooms) {
    state.fail(player, LobbyErrorCode.Unavailable, 'the lobby has no room for more rooms', requestId);
    return;
  }
  const address = addressOf(state, player, now);
  if (address.liveRooms >= state.limits.maxLiveRoomsPerIp) {
    state.fail(player, LobbyErrorCode.TooManyRooms, 'your address has too many open rooms', requestId);
    return;
  }
  if (!player.roomCreations.take(1, now) || !address.roomCreations.take(1, now)) {
    state.fail(
      player,
      LobbyErrorCode.TooManyRooms,
      'too many rooms created; try again in a minute',
      requestId,
    );
    return;
  }
  const { password, ...shown } = options;
  approve(
    state,
    player,
    requestId,
    state.hooks.canCreateRoom,
    () => ({
      playerId: player.id,
      playerName: player.name,
      ip: player.connection?.ip ?? '',
      room: { ...shown, hasPassword: password !== undefined },
    }),
    () => {
      if (state.rooms.size >= state.limits.maxRooms) {
        state.fail(player, LobbyErrorCode.Unavailable, 'the lobby has no room for more rooms', requestId);
        return;
      }
      const room = state.createRoom(options);
      room.createdBy = address;
      address.liveRooms++;
      state.join(player, room, requestId);
    },
  );
}

/**
 * Runs the game's approval hook, if any, then `proceed` — unless the hook
 * refused (`error Refused` with its reason) or the player changed meanwhile
 * (left the lobby, or entered a room by another request): an async hook
 * must not let stale decisions through.
 */
function approve<R>(
  state: LobbyState,
  player: Player,
  requestId: number,
  hook: ((request: R) => true | string | Promise<true | string>) | undefined,
  request: () => R,
  proceed: () => void,
): void {
  if (hook === undefined) {
    proceed();
    return;
  }
  const connection = player.connection;
  let verdict: true | string | Promise<true | string>;
  try {
    verdict = hook(request());
  } catch {
    verdict = 'refused';
  }
  void Promise.resolve(verdict)
    .catch(() => 'refused' as const)
    .then((answer) => {
      if (player.connection !== connection || connection === undefined || connection.closing) return;
      if (answer !== true) {
        state.fail(
          player,
          LobbyErrorCode.Refused,
          typeof answer === 'string' && answer !== '' ? answer.slice(0, 200) : 'refused',
          requestId,
        );
        return;
      }
      if (player.room !== undefined) {
        state.fail(player, LobbyErrorCode.AlreadyInRoom, 'leave your room first', requestId);
        return;
      }
      proceed();
    });
}

/** Asks `canJoinRoom`, then joins if the room still exists and has a seat. */
function approveJoin(state: LobbyState, player: Player, room: Room, requestId: number): void {
  approve(
    state,
    player,
    requestId,
    state.hooks.canJoinRoom,
    () => ({
      playerId: player.id,
      playerName: player.name,
      ip: player.connection?.ip ?? '',
      roomId: room.id,
      roomName: room.name,
      members: room.members.length,
      metadata: room.metadata,
    }),
    () => {
      if (state.rooms.get(room.id) !== room) {
        state.fail(player, LobbyErrorCode.RoomNotFound, 'no such room', requestId);
        return;
      }
      if (room.full) {
        state.fail(player, LobbyErrorCode.RoomFull, 'the room is full', requestId);
        return;
      }
      state.join(player, room, requestId);
    },
  );
}

function joinRoom(state: LobbyState, player: Player, message: RoomJoinMessage, now: number): void {
  if (!canEnterRoom(state, player, message.requestId)) return;
  const address = addressOf(state, player, now);
  let room: Room | undefined;
  if (message.roomId !== undefined) room = state.rooms.get(message.roomId);
  else {
    // Codes are secrets of private rooms: refuse before looking once this player or address guessed too often.
    if (player.failedCodeLookups.available(now) < 1 || address.failedCodeLookups.available(now) < 1) {
      state.fail(
        player,
        LobbyErrorCode.RateLimited,
        'too many unknown codes; wait a minute',
        message.requestId,
      );
      return;
    }
    room = state.rooms.byJoinCode(message.code ?? '');
    if (room === undefined) {
      player.failedCodeLookups.take(1, now);
      address.failedCodeLookups.take(1, now);
    }
  }
  if (room === undefined) {
    state.fail(player, LobbyErrorCode.RoomNotFound, 'no such room', message.requestId);
    return;
  }
  if (room.hasPassword && !checkPassword(state, player, address, room, message, now)) return;
  if (room.full) {
    state.fail(player, LobbyErrorCode.RoomFull, 'the room is full', message.requestId);
    return;
  }
  approveJoin(state, player, room, message.requestId);
}

/**
 * Compares a join's password, refusing before the comparison once the
 * player, its address or the room itself saw too many wrong ones: guessing
 * is slow for one player, for one address, and for many addresses at once.
 */
function checkPassword(
  state: LobbyState,
  player: Player,
  address: AddressRecord,
  room: Room,
  message: RoomJoinMessage,
  now: number,
): boolean {
  const limits = state.limits;
  room.wrongPasswords ??= new TokenBucket(
    limits.maxWrongPasswordsPerMinutePerRoom / 60,
    limits.maxWrongPasswordsPerMinutePerRoom,
    now,
  );
  const buckets = [player.wrongPasswords, address.wrongPasswords, room.wrongPasswords];
  if (buckets.some((bucket) => bucket.available(now) < 1)) {
    state.fail(
      player,
      LobbyErrorCode.RateLimited,
      'too many wrong passwords; wait a minute',
      message.requestId,
    );
    return false;
  }
  if (room.passwordMatches(message.password)) return true;
  for (const bucket of buckets) bucket.take(1, now);
  state.fail(player, LobbyErrorCode.WrongPassword, 'wrong password', message.requestId);
  return false;
}

/**
 * Answers `room:list`: rate-limited per player and per address (a list is
 * the biggest answer a small request gets), paged, and served from a cache
 * of encoded answers that any change to the rooms invalidates.
 */
function listRooms(state: LobbyState, player: Player, message: RoomListMessage, now: number): void {
  const address = addressOf(state, player, now);
  if (player.roomLists.available(now) < 1 || address.roomLists.available(now) < 1) {
    state.fail(player, LobbyErrorCode.RateLimited, 'too many room lists; slow down', message.requestId);
    return;
  }
  player.roomLists.take(1, now);
  address.roomLists.take(1, now);
  const cluster = clusterOf(state);
  player.send(
    listCache(state).answer(cluster === undefined ? state.rooms : clusterRooms(state, cluster), message),
  );
}

const caches = new WeakMap<LobbyState, RoomListCache>();
function listCache(state: LobbyState): RoomListCache {
  let cache = caches.get(state);
  if (cache === undefined) {
    cache = new RoomListCache();
    caches.set(state, cache);
  }
  return cache;
}

function quickJoin(state: LobbyState, player: Player, message: RoomQuickJoinMessage, now: number): void {
  if (!canEnterRoom(state, player, message.requestId)) return;
  const room = state.rooms.quickMatch(message.filter);
  if (room !== undefined) {
    approveJoin(state, player, room, message.requestId);
    return;
  }
  if (message.create === undefined) {
    state.fail(player, LobbyErrorCode.NoMatchingRoom, 'no matching room', message.requestId);
    return;
  }
  createAndJoin(state, player, message.create, message.requestId, now);
}

function forwardSignal(state: LobbyState, player: Player, message: ClientSignalMessage, now: number): void {
  const room = player.room;
  if (room === undefined) {
    state.fail(player, LobbyErrorCode.NotInRoom, 'signaling needs a room', message.requestId);
    return;
  }
  const target = room.members.find((member) => member.id === message.to);
  if (target === undefined || target === player) {
    state.fail(player, LobbyErrorCode.PeerNotFound, 'no such member in your room', message.requestId);
    return;
  }
  if (!player.signals.take(1, now)) {
    state.fail(player, LobbyErrorCode.RateLimited, 'too many signaling messages', message.requestId);
    return;
  }
  state.metrics.signals.inc();
  // The sender is stamped here; the decoder already dropped any client-supplied `from`.
  state.send(target, { type: 'signal', from: player.id, signal: message.signal });
}
