import { LobbyCloseCode, type Metadata } from '@handoff/protocol/lobby';
import type { LobbyState } from '../lobby-state.js';
import type { Player } from '../player.js';
import type { Room } from '../room.js';

/** Who a ban is for: a player id (it cannot come back under that id) or an address (IPv4, or an IPv6 prefix). */
export type BanTarget = { playerId: string } | { ip: string };

/** What a ban list entry says. */
export interface Ban {
  /** `player:<id>` or `ip:<address key>`. */
  key: string;
  /** When it ends (ms since the epoch). */
  until: number;
}

/**
 * The lobby operator's powers over players and rooms: kick, ban, close a
 * room, speak to a room or a player, set a room's metadata. Every action is
 * the same one the protocol already describes — a close code, a leave
 * reason, a message — so clients need nothing new to understand it.
 */
export class Moderation {
  private readonly bans = new Map<string, number>();

  constructor(private readonly state: LobbyState) {}

  /**
   * Removes a player for good: its peers see it leave with reason `kicked`,
   * it gets `room:left` (`kicked`) and its connection is closed with 4011;
   * its session token no longer resumes. Returns false for an unknown player.
   */
  kick(playerId: string, reason = 'kicked'): boolean {
    const player = this.state.players.get(playerId);
    if (player === undefined) return false;
    if (player.room !== undefined) {
      this.state.leave(player, 'kicked');
      this.state.send(player, { type: 'room:left', reason: 'kicked' });
    }
    const connection = player.connection;
    this.state.forget(player);
    connection?.close(LobbyCloseCode.Kicked, reason.slice(0, 120));
    this.state.events.emit('player:kick', { playerId, reason });
    return true;
  }

  /**
   * Bans a player id or an address for `durationMs`, and kicks whoever it
   * covers now. A banned address cannot open a connection; a banned player
   * is refused at `hello` (close 4011). Returns the players kicked.
   */
  ban(target: BanTarget, durationMs: number, reason = 'banned'): string[] {
    const key = this.keyOf(target);
    this.bans.set(key, Date.now() + durationMs);
    const covered = [...this.state.players.values()].filter((player) => this.covers(key, player));
    for (const player of covered) this.kick(player.id, reason);
    this.state.events.emit('player:ban', { key, until: this.bans.get(key)!, reason });
    return covered.map((player) => player.id);
  }

  /** Lifts a ban early; returns whether there was one. */
  unban(target: BanTarget): boolean {
    return this.bans.delete(this.keyOf(target));
  }

  /** Bans in force. */
  list(): Ban[] {
    this.expire();
    return [...this.bans].map(([key, until]) => ({ key, until }));
  }

  /** Whether an address is banned now. */
  isAddressBanned(ip: string): boolean {
    return this.active(`ip:${this.state.addresses.key(ip)}`);
  }

  /** Whether a player id is banned now. */
  isPlayerBanned(playerId: string): boolean {
    return this.active(`player:${playerId}`);
  }

  /**
   * Closes a room: every member gets `room:left` (`room-closed`) and stays
   * connected, roomless; the room is gone from lists at once. Returns false
   * for an unknown room.
   */
  closeRoom(roomId: string, reason = 'room-closed'): boolean {
    const room = this.state.rooms.get(roomId);
    if (room === undefined) return false;
    for (const member of [...room.members]) {
      this.state.leave(member, 'room-closed');
      this.state.send(member, { type: 'room:left', reason: 'room-closed' });
    }
    this.state.closeRoom(room);
    this.state.events.emit('room:closed', { roomId, reason });
    return true;
  }

  /** Sends `server:message` to every member of a room; returns how many got it (0: unknown room). */
  sendToRoom(roomId: string, topic: string, data: Metadata): number {
    const room = this.state.rooms.get(roomId);
    if (room === undefined) return 0;
    this.state.broadcast(room, { type: 'server:message', scope: 'room', topic, data });
    return room.members.filter((member) => member.connection !== undefined).length;
  }

  /** Sends `server:message` to one player; returns whether it is connected. */
  sendToPlayer(playerId: string, topic: string, data: Metadata): boolean {
    const player = this.state.players.get(playerId);
    if (player?.connection === undefined) return false;
    this.state.send(player, { type: 'server:message', scope: 'player', topic, data });
    return true;
  }

  /** Replaces a room's metadata and tells its members (`room:metadata`); returns false for an unknown room. */
  setRoomMetadata(roomId: string, metadata: Metadata): boolean {
    const room: Room | undefined = this.state.rooms.get(roomId);
    if (room === undefined) return false;
    room.metadata = metadata;
    this.state.rooms.touch();
    this.state.broadcast(room, { type: 'room:metadata', metadata });
    return true;
  }

  private keyOf(target: BanTarget): string {
    return 'playerId' in target ? `player:${target.playerId}` : `ip:${this.state.addresses.key(target.ip)}`;
  }

  private covers(key: string, player: Player): boolean {
    if (key === `player:${player.id}`) return true;
    const ip = player.connection?.ip;
    return ip !== undefined && key === `ip:${this.state.addresses.key(ip)}`;
  }

  private active(key: string): boolean {
    const until = this.bans.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.bans.delete(key);
    return false;
  }

  private expire(): void {
    const now = Date.now();
    for (const [key, until] of this.bans) if (until <= now) this.bans.delete(key);
  }
}
