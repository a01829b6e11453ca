import { createHash, timingSafeEqual } from 'node:crypto';
import type {
  Member,
  Metadata,
  RoomInfo,
  RoomOptions,
  RoomSummary,
  Visibility,
} from '@handoff/protocol/lobby';
import type { AddressRecord } from './address-limits.js';
import { newSecret } from './ids.js';
import type { Player } from './player.js';
import type { TokenBucket } from './token-bucket.js';

/** A room's settings as the lobby keeps them (the password only as a digest). */
export interface RoomSettings extends Omit<RoomOptions, 'password'> {
  passwordDigest: Buffer | undefined;
}

/** Settings from a client's room options: the password is hashed at once. */
export function roomSettings(options: RoomOptions): RoomSettings {
  const { password, ...rest } = options;
  return { ...rest, passwordDigest: password === undefined ? undefined : digest(password) };
}

/**
 * A room: members by peer index, the host, and one random nonce per pair of
 * members (each member proves it over the direct link to the other).
 */
export class Room {
  readonly name: string;
  readonly capacity: number;
  readonly visibility: Visibility;
  metadata: Metadata;
  hostId = '';
  /** Members in join order (the next host is the longest-present member). */
  readonly members: Player[] = [];
  /** Members by peer index: the relay hot path looks destinations up here. */
  readonly byIndex: (Player | undefined)[] = [];
  /** Pending close of an empty room. */
  closeTimer: NodeJS.Timeout | undefined;
  /** SHA-256 of the password (sealed into room tickets, never sent in clear). */
  readonly passwordDigest: Buffer | undefined;
  /** The address that created it (its live-room count drops when the room closes). */
  createdBy: AddressRecord | undefined;
  /** Wrong passwords tried on this room, from anyone (made on the first wrong one). */
  wrongPasswords: TokenBucket | undefined;
  /** Membership epoch: grows with every join and leave; sealed into tickets. */
  epoch = 0;
  /**
   * A room restored after a restart: the newest membership any returning
   * ticket showed (its epoch and member ids). A ticket older than that from
   * a player not in it belongs to someone who had left.
   */
  restoredMembership: { epoch: number; members: ReadonlySet<string> } | undefined;
  /** A restored room waits for its former host to bring back host status and metadata. */
  awaitingHost = false;
  /** Relayed payload bytes delivered to its members so far. */
  relayBytes = 0;
  private readonly nonces = new Map<string, string>();

  constructor(
    readonly id: string,
    readonly code: string,
    settings: RoomSettings,
  ) {
    this.name = settings.name;
    this.capacity = settings.capacity;
    this.visibility = settings.visibility;
    this.metadata = settings.metadata ?? {};
    this.passwordDigest = settings.passwordDigest;
  }

  get hasPassword(): boolean {
    return this.passwordDigest !== undefined;
  }

  get full(): boolean {
    return this.members.length >= this.capacity;
  }

  /** Compares in constant time (of the digest), so timing reveals nothing about the password. */
  passwordMatches(candidate: string | undefined): boolean {
    if (this.passwordDigest === undefined) return true;
    if (candidate === undefined) return false;
    return timingSafeEqual(this.passwordDigest, digest(candidate));
  }

  /** Adds a player at the lowest free peer index; makes it host if it is the first, or if `asHost`. */
  add(player: Player, asHost = false): void {
    let index = 0;
    while (this.byIndex[index] !== undefined) index++;
    player.room = this;
    player.peerIndex = index;
    this.byIndex[index] = player;
    for (const other of this.members) this.nonces.set(pairKey(player.id, other.id), newSecret());
    this.members.push(player);
    this.epoch++;
    if (this.members.length === 1 || asHost) this.hostId = player.id;
  }

  /** Removes a player. Returns the new host id when the host changed, else undefined. */
  remove(player: Player): string | undefined {
    const at = this.members.indexOf(player);
    if (at < 0) return undefined;
    this.members.splice(at, 1);
    this.epoch++;
    this.byIndex[player.peerIndex] = undefined;
    for (const other of this.members) this.nonces.delete(pairKey(player.id, other.id));
    player.room = undefined;
    player.peerIndex = -1;
    if (player.id !== this.hostId) return undefined;
    this.hostId = this.members[0]?.id ?? '';
    return this.members.length > 0 ? this.hostId : undefined;
  }

  /** `member` as seen by `viewer` (the pair nonce is the pair's own). */
  memberFor(member: Player, viewer: Player): Member {
    return {
      id: member.id,
      name: member.name,
      peerIndex: member.peerIndex,
      ...(member.metadata === undefined ? {} : { metadata: member.metadata }),
      isHost: member.id === this.hostId,
      pairNonce: this.nonces.get(pairKey(member.id, viewer.id)) ?? '',
    };
  }

  info(): RoomInfo {
    return {
      id: this.id,
      code: this.code,
      name: this.name,
      capacity: this.capacity,
      visibility: this.visibility,
      metadata: this.metadata,
      hostId: this.hostId,
    };
  }

  summary(): RoomSummary {
    return {
      id: this.id,
      name: this.name,
      members: this.members.length,
      capacity: this.capacity,
      hasPassword: this.hasPassword,
      metadata: this.metadata,
    };
  }
}

function digest(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest();
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}
