import type { Metadata, RoomFilter, RoomSummary, Visibility } from '@handoff/protocol/lobby';
import type { Room } from '../room.js';

/** A room as the cluster directory in Redis holds it. */
export interface DirectoryEntry {
  id: string;
  code: string;
  name: string;
  visibility: Visibility;
  hasPassword: boolean;
  metadata: Metadata;
  members: number;
  capacity: number;
  /** Id of the node whose relay serves the room. */
  node: string;
}

/** The entry for a local room. */
export function entryOf(room: Room, node: string): DirectoryEntry {
  return {
    id: room.id,
    code: room.code,
    name: room.name,
    visibility: room.visibility,
    hasPassword: room.hasPassword,
    metadata: room.metadata,
    members: room.members.length,
    capacity: room.capacity,
    node,
  };
}

/** Parses an entry read from Redis; undefined when malformed (never trusted blindly). */
export function parseEntry(json: string): DirectoryEntry | undefined {
  try {
    const value = JSON.parse(json) as Partial<DirectoryEntry>;
    if (
      typeof value.id !== 'string' ||
      typeof value.code !== 'string' ||
      typeof value.node !== 'string' ||
      typeof value.members !== 'number' ||
      typeof value.capacity !== 'number'
    )
      return undefined;
    return value as DirectoryEntry;
  } catch {
    return undefined;
  }
}

/** What a room list shows of an entry. */
export function summaryOf(entry: DirectoryEntry): RoomSummary {
  return {
    id: entry.id,
    name: entry.name,
    members: entry.members,
    capacity: entry.capacity,
    hasPassword: entry.hasPassword,
    metadata: entry.metadata,
  };
}

/** Whether a public entry matches a `room:list` / quick-join filter (as `RoomRegistry` matches local rooms). */
export function entryMatches(entry: DirectoryEntry, filter: RoomFilter | undefined): boolean {
  if (entry.visibility !== 'public') return false;
  if (filter?.hasFreeSlots === true && entry.members >= entry.capacity) return false;
  for (const [key, value] of Object.entries(filter?.metadata ?? {})) {
    if (entry.metadata[key] !== value) return false;
  }
  return true;
}
