import type { LobbyClient, Room } from '@handoff/transport';
import type { ArenaMessages } from './channels.js';
import { ARENA_FILTER, ARENA_ROOM } from './world.js';

/** How to get into a room: the busiest open arena (default), a friend's room by code, or a new private one. */
export type JoinTarget = { kind: 'quick' } | { kind: 'code'; code: string } | { kind: 'private' };

/** Joins (or creates) an arena room. */
export function joinArena(
  lobby: LobbyClient<ArenaMessages>,
  target: JoinTarget,
): Promise<Room<ArenaMessages>> {
  switch (target.kind) {
    case 'quick':
      return lobby.quickJoin(ARENA_FILTER, ARENA_ROOM);
    case 'code':
      return lobby.joinRoom({ code: target.code });
    case 'private':
      return lobby.createRoom({ ...ARENA_ROOM, name: 'Private arena', visibility: 'private' });
  }
}
