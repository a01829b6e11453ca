import {
  encodeServerMessage,
  type RoomFilter,
  type RoomListMessage,
  type RoomSummary,
} from '@handoff/protocol/lobby';

/** Rooms a list is answered from: this lobby's `RoomRegistry`, or a cluster's directory view. */
export interface ListableRooms {
  /** Changes whenever anything a list shows changed. */
  readonly version: number;
  /** Matching public rooms, fullest first, from `offset`, at most `limit`; and how many match. */
  list(
    filter: RoomFilter | undefined,
    limit?: number,
    offset?: number,
  ): { rooms: { summary(): RoomSummary }[]; total: number };
}

/** Distinct queries remembered per version of the rooms. */
const MAX_ENTRIES = 64;
/** MessagePack of the key "requestId" (fixstr of 9 bytes). */
const REQUEST_ID_KEY = Uint8Array.of(0xa9, ...new TextEncoder().encode('requestId'));

/** An encoded answer with request id 0, and where that id's byte sits. */
interface Template {
  frame: Uint8Array;
  idAt: number;
}

/**
 * Encoded `room:list-result` answers, by query, valid while the rooms do not
 * change (`ListableRooms.version`): a busy lobby answers the same lists over
 * and over, and building one means sorting every room and encoding up to a
 * hundred summaries. Each answer is the cached frame with the request's id
 * spliced in (the control encoding writes `type` first, then `requestId`).
 */
export class RoomListCache {
  private version = -1;
  private readonly templates = new Map<string, Template>();

  /** The encoded answer to `message`. */
  answer(rooms: ListableRooms, message: RoomListMessage): Uint8Array {
    if (rooms.version !== this.version) {
      this.templates.clear();
      this.version = rooms.version;
    }
    const key = JSON.stringify([message.filter ?? null, message.limit ?? null, message.offset ?? 0]);
    let template = this.templates.get(key);
    if (template === undefined) {
      if (this.templates.size >= MAX_ENTRIES) this.templates.clear();
      const list = rooms.list(message.filter, message.limit, message.offset);
      const frame = encodeServerMessage({
        type: 'room:list-result',
        requestId: 0,
        rooms: list.rooms.map((room) => room.summary()),
        total: list.total,
      });
      template = { frame, idAt: indexOf(frame, REQUEST_ID_KEY) + REQUEST_ID_KEY.length };
      this.templates.set(key, template);
    }
    return withRequestId(template, message.requestId);
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('requestId key not found in an encoded answer');
}

/** The template with its request id (encoded as the byte 0x00) replaced by `id`, a u32, as MessagePack's shortest uint. */
function withRequestId(template: Template, id: number): Uint8Array {
  const { frame, idAt } = template;
  const encoded =
    id < 0x80
      ? Uint8Array.of(id)
      : id < 0x100
        ? Uint8Array.of(0xcc, id)
        : id < 0x10000
          ? Uint8Array.of(0xcd, id >>> 8, id & 0xff)
          : Uint8Array.of(0xce, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
  const out = new Uint8Array(frame.length - 1 + encoded.length);
  out.set(frame.subarray(0, idAt));
  out.set(encoded, idAt);
  out.set(frame.subarray(idAt + 1), idAt + encoded.length);
  return out;
}
