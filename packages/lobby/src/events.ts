import type { LeaveReason } from '@handoff/protocol/lobby';

/** Events of a lobby server (eventemitter3, `noun:verb`). */
export interface LobbyEvents {
  /** The server is listening. */
  'server:listening': (address: { port: number; host: string }) => void;
  /** A player was welcomed (new or resumed). */
  'player:welcome': (event: {
    playerId: string;
    name: string;
    resumed: boolean;
    /** Restored from a room ticket after a lobby restart. */
    restored: boolean;
    ip: string;
  }) => void;
  /** A player is gone for good (left the lobby, or its resume grace period ended). */
  'player:gone': (event: { playerId: string }) => void;
  /** A room was created. */
  'room:create': (event: { roomId: string; name: string }) => void;
  /** A player joined a room. */
  'room:join': (event: { roomId: string; playerId: string }) => void;
  /** A player left a room. */
  'room:leave': (event: { roomId: string; playerId: string; reason: LeaveReason }) => void;
  /** An empty room was closed. */
  'room:close': (event: { roomId: string }) => void;
  /** An operator kicked a player (`LobbyServer.kick` or the admin API). */
  'player:kick': (event: { playerId: string; reason: string }) => void;
  /** An operator banned a player id or an address (`player:<id>` or `ip:<address>`). */
  'player:ban': (event: { key: string; until: number; reason: string }) => void;
  /** An operator closed a room. */
  'room:closed': (event: { roomId: string; reason: string }) => void;
  /** The lobby closed a connection with a code from the schema. */
  'connection:reject': (event: { ip: string; code: number; reason: string }) => void;
}
