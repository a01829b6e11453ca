import {
  type ClientMessage,
  type ClientSignalMessage,
  LobbyErrorCode,
  type RoomCreateMessage,
  type RoomJoinMessage,
  type RoomOptions,
  type RoomQuickJoinMessage,
} from '@handoff/protocol/lobby';
import type { LobbyState } from './lobby-state.js';
import type { Player } from './player.js';

/**
 * Handles one decoded control message from a welcomed player. Every refusal
 * is an `error` with the request's id; nothing here can affect another room.
 */
export function handleControl(state: LobbyState, player: Player, message: ClientMessage, now: number): void {
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
    case 'room:list': {
      const rooms = state.rooms.list(message.filter, message.limit).map((room) => room.summary());
      state.send(player, { type: 'room:list-result', requestId: message.requestId, rooms });
      return;
    }
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
      state.broadcast(room, { type: 'room:metadata', metadata: room.metadata }, player);
      state.send(player, { type: 'room:metadata', requestId: message.requestId, metadata: room.metadata });
      return;
    }
    case 'signal':
      forwardSignal(state, player, message, now);
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
  if (!player.roomCreations.take(1, now)) {
    state.fail(
      player,
      LobbyErrorCode.TooManyRooms,
      'too many rooms created; try again in a minute',
      requestId,
    );
    return;
  }
  const room = state.createRoom(options);
  state.join(player, room, requestId);
}

function joinRoom(state: LobbyState, player: Player, message: RoomJoinMessage, now: number): void {
  if (!canEnterRoom(state, player, message.requestId)) return;
  const room =
    message.roomId !== undefined
      ? state.rooms.get(message.roomId)
      : state.rooms.byJoinCode(message.code ?? '');
  if (room === undefined) {
    state.fail(player, LobbyErrorCode.RoomNotFound, 'no such room', message.requestId);
    return;
  }
  if (room.hasPassword) {
    // Refuse before comparing once the player has guessed too often: no brute force.
    if (player.wrongPasswords.available(now) < 1) {
      state.fail(
        player,
        LobbyErrorCode.RateLimited,
        'too many wrong passwords; wait a minute',
        message.requestId,
      );
      return;
    }
    if (!room.passwordMatches(message.password)) {
      player.wrongPasswords.take(1, now);
      state.fail(player, LobbyErrorCode.WrongPassword, 'wrong password', message.requestId);
      return;
    }
  }
  if (room.full) {
    state.fail(player, LobbyErrorCode.RoomFull, 'the room is full', message.requestId);
    return;
  }
  state.join(player, room, message.requestId);
}

function quickJoin(state: LobbyState, player: Player, message: RoomQuickJoinMessage, now: number): void {
  if (!canEnterRoom(state, player, message.requestId)) return;
  const room = state.rooms.quickMatch(message.filter);
  if (room !== undefined) {
    state.join(player, room, message.requestId);
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
