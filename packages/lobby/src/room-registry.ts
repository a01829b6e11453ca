import { MAX_ROOMS_LISTED, type RoomFilter, type RoomOptions } from '@handoff/protocol/lobby';
import { newId, newRoomCode } from './ids.js';
import { Room, type RoomSettings, roomSettings } from './room.js';

/** All rooms of a lobby, by id and by join code. */
export class RoomRegistry {
  private readonly byId = new Map<string, Room>();
  private readonly byCode = new Map<string, Room>();
  /** Bumped on every change a room list can show (rooms, members, metadata): list caches key on it. */
  version = 0;

  constructor(
    /** Characters of new join codes. */
    private readonly codeLength = 6,
  ) {}

  /** Marks that something a room list shows changed. */
  touch(): void {
    this.version++;
  }

  get size(): number {
    return this.byId.size;
  }

  create(options: RoomOptions): Room {
    return this.add(newId(), undefined, roomSettings(options));
  }

  /**
   * Brings back a room a restarted lobby had, with its id and (unless
   * another room took it meanwhile) its join code.
   */
  restore(id: string, code: string, settings: RoomSettings): Room {
    return this.add(id, this.byCode.has(code) ? undefined : code, settings);
  }

  private add(id: string, wantedCode: string | undefined, settings: RoomSettings): Room {
    let code = wantedCode ?? newRoomCode(this.codeLength);
    while (wantedCode === undefined && this.byCode.has(code)) code = newRoomCode(this.codeLength);
    const room = new Room(id, code, settings);
    this.byId.set(room.id, room);
    this.byCode.set(code, room);
    this.version++;
    return room;
  }

  get(id: string): Room | undefined {
    return this.byId.get(id);
  }

  /** Join codes are case-insensitive (players type them). */
  byJoinCode(code: string): Room | undefined {
    return this.byCode.get(code.toUpperCase());
  }

  delete(room: Room): void {
    clearTimeout(room.closeTimer);
    this.byId.delete(room.id);
    this.byCode.delete(room.code);
    this.version++;
  }

  /**
   * Public rooms matching the filter, fullest first (so players end up
   * together): at most `limit` of them from `offset` on, and how many match
   * in all.
   */
  list(
    filter: RoomFilter | undefined,
    limit = MAX_ROOMS_LISTED,
    offset = 0,
  ): { rooms: Room[]; total: number } {
    const result: Room[] = [];
    for (const room of this.byId.values()) if (matches(room, filter)) result.push(room);
    result.sort((a, b) => b.members.length - a.members.length);
    return { rooms: result.slice(offset, offset + Math.min(limit, MAX_ROOMS_LISTED)), total: result.length };
  }

  /** The best public room without a password with a free slot matching `filter`, if any. */
  quickMatch(filter: RoomFilter | undefined): Room | undefined {
    let best: Room | undefined;
    for (const room of this.byId.values()) {
      if (room.hasPassword || room.full || room.members.length === 0 || !matches(room, filter)) continue;
      if (best === undefined || room.members.length > best.members.length) best = room;
    }
    return best;
  }

  values(): IterableIterator<Room> {
    return this.byId.values();
  }
}

function matches(room: Room, filter: RoomFilter | undefined): boolean {
  if (room.visibility !== 'public') return false;
  if (filter?.hasFreeSlots === true && room.full) return false;
  for (const [key, value] of Object.entries(filter?.metadata ?? {})) {
    if (room.metadata[key] !== value) return false;
  }
  return true;
}
