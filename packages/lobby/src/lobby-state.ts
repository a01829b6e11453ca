import {
  encodeServerMessage,
  type LeaveReason,
  type LobbyErrorCodeValue,
  lobbyErrorCodeName,
  type ServerMessage,
} from '@handoff/protocol/lobby';
import type { EventEmitter } from 'eventemitter3';
import type { Logger } from 'pino';
import { AddressLimits } from './address-limits.js';
import { Moderation } from './admin/moderation.js';
import { Telemetry } from './admin/telemetry.js';
import type { LobbyEvents } from './events.js';
import type { LobbyMetrics } from './metrics.js';
import type { LobbyLimitOptions, LobbyServerOptions } from './options.js';
import type { Player } from './player.js';
import type { Room, RoomSettings } from './room.js';
import { RoomRegistry } from './room-registry.js';
import type { RoomTicketSealer } from './room-ticket.js';

/**
 * Everything the lobby knows — players, rooms, membership — and the
 * operations that keep members informed: joining, leaving, host handover,
 * the resume grace period. Transport-agnostic: frames go out through
 * `Player.send`.
 */
export class LobbyState {
  readonly rooms: RoomRegistry;
  /** Limits per address (IPv4 address or IPv6 prefix). */
  readonly addresses: AddressLimits;
  /** Connectivity reports from clients. */
  readonly telemetry: Telemetry;
  /** Kick, ban, close, server messages. */
  readonly moderation: Moderation;
  /** The game's approval hooks (set by the server from its options). */
  hooks: Pick<LobbyServerOptions, 'canCreateRoom' | 'canJoinRoom'> = {};
  /** Players by id (connected or within their resume grace period). */
  readonly players = new Map<string, Player>();
  /** Players by current session token. */
  readonly tokens = new Map<string, Player>();
  /** Players restored from a room ticket by this process: each at most once (no ticket replay). */
  readonly restoredPlayers = new Set<string>();
  /** When this lobby process started (ms since the epoch): only older tickets restore. */
  readonly startedAt = Date.now();

  constructor(
    readonly limits: LobbyLimitOptions,
    readonly metrics: LobbyMetrics,
    readonly log: Logger,
    readonly events: EventEmitter<LobbyEvents>,
    readonly tickets: RoomTicketSealer,
  ) {
    this.rooms = new RoomRegistry(limits.roomCodeLength);
    this.addresses = new AddressLimits(limits);
    this.telemetry = new Telemetry(metrics.registry, () => this.rooms.values());
    this.moderation = new Moderation(this);
  }

  /** Encodes and queues a control message to one player. */
  send(player: Player, message: ServerMessage): void {
    player.send(encodeServerMessage(message));
  }

  /** Sends an `error` to a player. */
  fail(player: Player, code: LobbyErrorCodeValue, message: string, requestId?: number): void {
    this.metrics.errors.inc({ code: lobbyErrorCodeName(code) ?? String(code) });
    this.send(player, { type: 'error', ...(requestId === undefined ? {} : { requestId }), code, message });
  }

  /** Sends the same message to every member of `room` except `except`; encodes it once. */
  broadcast(room: Room, message: ServerMessage, except?: Player): void {
    const frame = encodeServerMessage(message);
    for (const member of room.members) if (member !== except) member.send(frame);
  }

  register(player: Player): void {
    this.players.set(player.id, player);
    this.tokens.set(player.token, player);
    this.metrics.players.set(this.players.size);
  }

  /** Replaces a player's session token (tokens are single-use per resume). */
  rotateToken(player: Player, token: string): void {
    this.tokens.delete(player.token);
    player.token = token;
    this.tokens.set(token, player);
  }

  /** Forgets a player entirely (after leaving its room). */
  forget(player: Player): void {
    clearTimeout(player.graceTimer);
    if (player.room !== undefined) this.leave(player, 'disconnected');
    this.players.delete(player.id);
    this.tokens.delete(player.token);
    this.metrics.players.set(this.players.size);
  }

  /**
   * Puts a player into a room and tells everyone: `room:joined` to it,
   * `presence:join` to the others. `restored`: the player came back with a
   * room ticket after a lobby restart.
   */
  join(player: Player, room: Room, requestId: number | undefined, restored = false, asHost = false): void {
    clearTimeout(room.closeTimer);
    room.closeTimer = undefined;
    room.add(player, asHost);
    this.rooms.touch();
    this.metrics.members.inc();
    this.sendRoomState(player, requestId, restored);
    // Each member gets a fresh ticket: its membership list and epoch now include the newcomer.
    for (const member of room.members) {
      if (member !== player)
        this.send(member, {
          type: 'presence:join',
          member: room.memberFor(player, member),
          ticket: this.ticketFor(member, room),
        });
    }
    this.events.emit('room:join', { roomId: room.id, playerId: player.id });
  }

  /** The full state of the player's room, as `room:joined`, with a fresh room ticket. */
  sendRoomState(player: Player, requestId: number | undefined, restored = false): void {
    const room = player.room;
    if (room === undefined) return;
    this.send(player, {
      type: 'room:joined',
      ...(requestId === undefined ? {} : { requestId }),
      room: room.info(),
      you: { peerIndex: player.peerIndex },
      members: room.members.filter((m) => m !== player).map((m) => room.memberFor(m, player)),
      ticket: this.ticketFor(player, room),
      ...(restored ? { restored } : {}),
    });
  }

  /**
   * A sealed room ticket for `player` in `room`: what a restarted lobby needs
   * to put it back — and to tell, from the membership epoch and member list,
   * a member from someone who had left, and the host from a guest.
   */
  ticketFor(player: Player, room: Room): string {
    return this.tickets.seal({
      playerId: player.id,
      playerName: player.name,
      roomId: room.id,
      roomCode: room.code,
      roomName: room.name,
      capacity: room.capacity,
      visibility: room.visibility,
      passwordDigest: room.passwordDigest,
      issuedAt: Date.now(),
      wasHost: room.hostId === player.id && !room.awaitingHost,
      epoch: room.epoch,
      members: room.members.map((member) => member.id),
    });
  }

  /** Takes a player out of its room; tells the others; hands the host role on; schedules an empty room's close. */
  leave(player: Player, reason: LeaveReason): void {
    const room = player.room;
    if (room === undefined) return;
    const newHost = room.remove(player);
    this.rooms.touch();
    this.metrics.members.dec();
    // Fresh tickets: whoever left is no longer in the membership a restarted lobby will trust.
    for (const member of room.members)
      this.send(member, {
        type: 'presence:leave',
        playerId: player.id,
        reason,
        ticket: this.ticketFor(member, room),
      });
    if (newHost !== undefined) this.broadcast(room, { type: 'host:change', hostId: newHost });
    this.telemetry.forgetPlayer(room.id, player.id);
    this.events.emit('room:leave', { roomId: room.id, playerId: player.id, reason });
    if (room.members.length === 0) this.scheduleClose(room);
  }

  /** A player's socket dropped: keep its seat for the grace period. */
  disconnected(player: Player): void {
    player.connection = undefined;
    if (player.movedToNode && player.room === undefined) {
      this.forget(player); // it went on at another node of the cluster
      return;
    }
    if (player.room !== undefined)
      this.broadcast(player.room, { type: 'presence:reconnecting', playerId: player.id }, player);
    clearTimeout(player.graceTimer);
    player.graceTimer = setTimeout(() => {
      this.log.info({ playerId: player.id }, 'resume grace period over');
      this.forget(player);
    }, this.limits.resumeGraceMs);
    player.graceTimer.unref();
  }

  createRoom(options: Parameters<RoomRegistry['create']>[0]): Room {
    return this.created(this.rooms.create(options));
  }

  /** Recreates a room from a ticket after a restart (same id and, if free, same code). */
  restoreRoom(id: string, code: string, settings: RoomSettings): Room {
    return this.created(this.rooms.restore(id, code, settings));
  }

  private created(room: Room): Room {
    this.metrics.rooms.set(this.rooms.size);
    this.events.emit('room:create', { roomId: room.id, name: room.name });
    return room;
  }

  /** Deletes a room now (it must be empty): gone from lists, its creator's live-room count released. */
  closeRoom(room: Room): void {
    if (this.rooms.get(room.id) !== room) return;
    this.rooms.delete(room);
    if (room.createdBy !== undefined) room.createdBy.liveRooms--;
    this.telemetry.forgetRoom(room.id);
    this.metrics.rooms.set(this.rooms.size);
    this.events.emit('room:close', { roomId: room.id });
  }

  private scheduleClose(room: Room): void {
    clearTimeout(room.closeTimer);
    room.closeTimer = setTimeout(() => {
      if (room.members.length > 0) return;
      this.closeRoom(room);
    }, this.limits.emptyRoomCloseDelayMs);
    room.closeTimer.unref();
  }
}
