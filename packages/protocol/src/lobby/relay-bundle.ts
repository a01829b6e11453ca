/**
 * Relay bundles (lobby protocol version 2): one WebSocket frame carrying
 * datagrams for — or from — several peers, so a client sends one frame per
 * flush whatever the room size, and the lobby writes one frame per recipient
 * per flush window.
 *
 * ```
 * bundle  0x03 | entry{1..}
 * entry   peer index u16 | length u16 | payload (1..maxPayloadBytes bytes)
 * ```
 *
 * Client → lobby, an entry's index is the DESTINATION; lobby → client it is
 * the SOURCE (stamped by the lobby, never trusted from a client). Payloads
 * are opaque session datagrams: the lobby splits and regroups entries but
 * never decodes them.
 *
 * @module
 */

import { MalformedInputError, MessageTooLargeError } from '../errors.js';
import { FrameKind } from './frame.js';

/** Bytes before the first entry: the kind. */
export const BUNDLE_HEADER_BYTES = 1;
/** Bytes before each entry's payload: u16 peer index + u16 length. */
export const BUNDLE_ENTRY_HEADER_BYTES = 4;
/** Largest bundle frame a client may send or a lobby writes, bytes (the lobby's `maxRelayBundleBytes` default). */
export const DEFAULT_MAX_RELAY_BUNDLE_BYTES = 64 * 1024;

/**
 * Walks the entries of a bundle without copying: calls `entry(peerIndex,
 * start, end)` with the payload's byte range in `frame`. Validates the whole
 * frame first, so on a malformed one nothing is visited. Returns the entry
 * count. Throws {@link MalformedInputError} (wrong kind, no entry, an entry
 * header or payload running past the end, an empty payload) or
 * {@link MessageTooLargeError} (a payload above `maxPayloadBytes`).
 */
export function forEachBundleEntry(
  frame: Uint8Array,
  maxPayloadBytes: number,
  entry: (peerIndex: number, start: number, end: number) => void,
): number {
  const count = validateBundle(frame, maxPayloadBytes);
  let offset = BUNDLE_HEADER_BYTES;
  while (offset < frame.length) {
    const peerIndex = (frame[offset]! << 8) | frame[offset + 1]!;
    const length = (frame[offset + 2]! << 8) | frame[offset + 3]!;
    const start = offset + BUNDLE_ENTRY_HEADER_BYTES;
    entry(peerIndex, start, start + length);
    offset = start + length;
  }
  return count;
}

/** Checks a bundle's structure (see {@link forEachBundleEntry}) and returns its entry count. */
export function validateBundle(frame: Uint8Array, maxPayloadBytes: number): number {
  if (frame[0] !== FrameKind.Bundle) throw new MalformedInputError('not a relay bundle');
  if (frame.length <= BUNDLE_HEADER_BYTES) throw new MalformedInputError('relay bundle without entries');
  let offset = BUNDLE_HEADER_BYTES;
  let count = 0;
  while (offset < frame.length) {
    if (offset + BUNDLE_ENTRY_HEADER_BYTES > frame.length) {
      throw new MalformedInputError(`relay bundle entry ${count} header runs past the frame`);
    }
    const length = (frame[offset + 2]! << 8) | frame[offset + 3]!;
    if (length === 0) throw new MalformedInputError(`relay bundle entry ${count} has no payload`);
    if (length > maxPayloadBytes) {
      throw new MessageTooLargeError(
        `relay bundle entry ${count}: payload of ${length} bytes exceeds ${maxPayloadBytes}`,
        length,
        maxPayloadBytes,
      );
    }
    offset += BUNDLE_ENTRY_HEADER_BYTES + length;
    if (offset > frame.length)
      throw new MalformedInputError(`relay bundle entry ${count} runs past the frame`);
    count++;
  }
  return count;
}

/**
 * Accumulates entries and writes them as bundle frames no larger than
 * `maxFrameBytes` (a datagram never spans two frames). Payloads are held by
 * reference until {@link take}: do not modify them before.
 */
export class RelayBundleWriter {
  private indexes: number[] = [];
  private payloads: Uint8Array[] = [];
  private bytes = BUNDLE_HEADER_BYTES;

  constructor(
    /** Largest frame to write, bytes (an entry larger than that still leaves, alone in its frame). */
    public maxFrameBytes: number = DEFAULT_MAX_RELAY_BUNDLE_BYTES,
  ) {}

  /** Entries waiting. */
  get size(): number {
    return this.payloads.length;
  }

  /** Adds one datagram for (or from) `peerIndex`. */
  add(peerIndex: number, payload: Uint8Array): void {
    this.indexes.push(peerIndex);
    this.payloads.push(payload);
    this.bytes += BUNDLE_ENTRY_HEADER_BYTES + payload.length;
  }

  /** Writes every waiting entry into one or more frames (in order) and starts over. */
  take(): Uint8Array[] {
    const indexes = this.indexes;
    const payloads = this.payloads;
    if (payloads.length === 0) return [];
    const frames: Uint8Array[] = [];
    const limit = this.maxFrameBytes;
    if (this.bytes <= limit) frames.push(write(indexes, payloads, 0, payloads.length, this.bytes));
    else {
      let first = 0;
      let size = BUNDLE_HEADER_BYTES;
      for (let i = 0; i < payloads.length; i++) {
        const entry = BUNDLE_ENTRY_HEADER_BYTES + payloads[i]!.length;
        if (size + entry > limit && i > first) {
          frames.push(write(indexes, payloads, first, i, size));
          first = i;
          size = BUNDLE_HEADER_BYTES;
        }
        size += entry;
      }
      frames.push(write(indexes, payloads, first, payloads.length, size));
    }
    this.indexes = [];
    this.payloads = [];
    this.bytes = BUNDLE_HEADER_BYTES;
    return frames;
  }
}

function write(
  indexes: readonly number[],
  payloads: readonly Uint8Array[],
  from: number,
  to: number,
  size: number,
): Uint8Array {
  const frame = new Uint8Array(size);
  frame[0] = FrameKind.Bundle;
  let offset = BUNDLE_HEADER_BYTES;
  for (let i = from; i < to; i++) {
    const payload = payloads[i]!;
    const index = indexes[i]!;
    frame[offset] = index >>> 8;
    frame[offset + 1] = index & 0xff;
    frame[offset + 2] = payload.length >>> 8;
    frame[offset + 3] = payload.length & 0xff;
    frame.set(payload, offset + BUNDLE_ENTRY_HEADER_BYTES);
    offset += BUNDLE_ENTRY_HEADER_BYTES + payload.length;
  }
  return frame;
}
