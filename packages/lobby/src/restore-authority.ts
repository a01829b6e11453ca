import type { Metadata } from '@handoff/protocol/lobby';
import type { LobbyState } from './lobby-state.js';
import type { Player } from './player.js';
import type { Room } from './room.js';
import type { RoomTicket } from './room-ticket.js';

/*
 * Who may do what when a room is restored from tickets after a lobby
 * restart: the lobby lost its memory, so the tickets carry it — the
 * membership epoch and member list (someone who had left cannot come back
 * with an old ticket), and whether the player was the host (only the former
 * host gets host status and sets the metadata back).
 */

/**
 * Whether a ticket belongs to someone who had left: a newer membership of
 * the restored room (from another member's ticket) does not list its player.
 */
export function supersededTicket(room: Room | undefined, ticket: RoomTicket): boolean {
  const known = room?.restoredMembership;
  return known !== undefined && ticket.epoch < known.epoch && !known.members.has(ticket.playerId);
}

/**
 * Takes in a returning ticket's view of the room's membership. When it is
 * newer than what the room knew, members restored earlier that it does not
 * list had left before the restart: they are returned, to be removed.
 */
export function learnMembership(room: Room, ticket: RoomTicket): Player[] {
  const known = room.restoredMembership;
  if (known !== undefined && ticket.epoch <= known.epoch) return [];
  const members = new Set(ticket.members);
  room.restoredMembership = { epoch: ticket.epoch, members };
  room.epoch = Math.max(room.epoch, ticket.epoch);
  return room.members.filter((member) => !members.has(member.id));
}

/** A room restored by a guest: the acting host is not sealed as host until the former one is back, or the grace period ends. */
export function awaitHost(state: LobbyState, room: Room): void {
  room.awaitingHost = true;
  const timer = setTimeout(() => {
    room.awaitingHost = false;
  }, state.limits.resumeGraceMs);
  timer.unref();
}

/** The former host is back: host status and the room metadata are its again. */
export function returnHost(
  state: LobbyState,
  room: Room,
  host: Player,
  metadata: Metadata | undefined,
): void {
  // It joined as host (its room:joined said so): the others learn it here.
  room.awaitingHost = false;
  state.broadcast(room, { type: 'host:change', hostId: host.id }, host);
  if (metadata !== undefined) {
    room.metadata = metadata;
    state.rooms.touch();
    state.broadcast(room, { type: 'room:metadata', metadata });
  }
}
