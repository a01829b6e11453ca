/**
 * WebSocket framing of the lobby protocol: every message is one binary
 * WebSocket frame whose first byte is its {@link FrameKind}. This module has
 * the kind table and the relay frames; control frames are in `control-codec.ts`.
 *
 * Relay frames (all offsets in bytes, integers big-endian):
 *
 * ```
 * relay      0x01 | peer index u16 | payload (1..maxPayloadBytes)
 * broadcast  0x02 | payload (1..maxPayloadBytes)
 * ```
 *
 * Client → lobby, a relay frame's index is the DESTINATION; the lobby
 * rewrites it in place to the SENDER's index ({@link writeRelayPeerIndex})
 * and forwards the same bytes, so lobby → client relay frames carry the
 * SOURCE index. A broadcast from a client is re-framed once as a relay frame
 * with the sender's index ({@link broadcastToRelay}) and that one buffer is
 * written to every other member. Lobbies never send broadcast frames.
 *
 * The accessors here never copy the payload.
 *
 * @module
 */

import { InvalidOptionError, MalformedInputError, MessageTooLargeError } from '../errors.js';
import { DEFAULT_MAX_RELAY_PAYLOAD_BYTES, MAX_RELAY_PAYLOAD_BYTES_LIMIT } from './limits.js';

/** The first byte of every lobby WebSocket frame. */
export const FrameKind = {
  /** A control message: MessagePack map follows. */
  Control: 0x00,
  /** A relay frame to (client → lobby) or from (lobby → client) one peer: u16 peer index, then payload. */
  Relay: 0x01,
  /** A relay broadcast from a client to every other member: payload follows. */
  Broadcast: 0x02,
  /** Relay datagrams for (client → lobby) or from (lobby → client) several peers, protocol version 2: see `relay-bundle.ts`. */
  Bundle: 0x03,
} as const;

/** One of the values of {@link FrameKind}. */
export type FrameKindValue = (typeof FrameKind)[keyof typeof FrameKind];

/** Bytes before the payload of a relay frame: kind + u16 peer index. */
export const RELAY_HEADER_BYTES = 3;
/** Bytes before the payload of a broadcast frame: kind. */
export const BROADCAST_HEADER_BYTES = 1;

/** A decoded relay frame. `payload` is a view into the frame (not a copy). */
export interface RelayFrame {
  /** Destination (client → lobby) or source (lobby → client) peer index. */
  peerIndex: number;
  /** The opaque payload, a subarray of the frame. */
  payload: Uint8Array;
}

/** Options of the relay framing functions. */
export interface RelayOptions {
  /** Largest payload, in bytes. Default {@link DEFAULT_MAX_RELAY_PAYLOAD_BYTES}. */
  maxPayloadBytes?: number;
}

function maxPayload(options: RelayOptions | undefined): number {
  const max = options?.maxPayloadBytes ?? DEFAULT_MAX_RELAY_PAYLOAD_BYTES;
  if (!Number.isInteger(max) || max < 1 || max > MAX_RELAY_PAYLOAD_BYTES_LIMIT) {
    throw new InvalidOptionError(`maxPayloadBytes must be an integer in 1..${MAX_RELAY_PAYLOAD_BYTES_LIMIT}`);
  }
  return max;
}

function checkPeerIndex(peerIndex: number): void {
  if (!Number.isInteger(peerIndex) || peerIndex < 0 || peerIndex > 0xffff) {
    throw new InvalidOptionError(`peer index must be an integer in 0..65535, got ${String(peerIndex)}`);
  }
}

function checkPayloadLength(length: number, max: number): void {
  if (length === 0) throw new MalformedInputError('relay frame without payload');
  if (length > max)
    throw new MessageTooLargeError(`relay payload of ${length} bytes exceeds ${max}`, length, max);
}

/**
 * Returns the kind of a frame (its first byte). Throws
 * {@link MalformedInputError} for an empty frame or an unknown kind.
 */
export function peekFrameKind(frame: Uint8Array): FrameKindValue {
  const kind = frame[0];
  if (kind === undefined) throw new MalformedInputError('empty frame');
  if (kind > FrameKind.Bundle) throw new MalformedInputError(`unknown frame kind 0x${kind.toString(16)}`);
  return kind as FrameKindValue;
}

/**
 * Reads the peer index of a relay frame without touching the payload.
 * Throws {@link MalformedInputError} when `frame` is not a relay frame or
 * has no payload. The hot path of a lobby: `readRelayPeerIndex`,
 * look up the destination, {@link writeRelayPeerIndex}, forward.
 */
export function readRelayPeerIndex(frame: Uint8Array): number {
  if (frame[0] !== FrameKind.Relay) throw new MalformedInputError('not a relay frame');
  if (frame.length <= RELAY_HEADER_BYTES)
    throw new MalformedInputError('relay frame shorter than its header');
  return (frame[1]! << 8) | frame[2]!;
}

/** Overwrites the peer index of a relay frame in place (the lobby swaps destination for source). */
export function writeRelayPeerIndex(frame: Uint8Array, peerIndex: number): void {
  checkPeerIndex(peerIndex);
  if (frame[0] !== FrameKind.Relay || frame.length < RELAY_HEADER_BYTES) {
    throw new MalformedInputError('not a relay frame');
  }
  frame[1] = peerIndex >>> 8;
  frame[2] = peerIndex & 0xff;
}

/** Frames `payload` for one peer: `[0x01][u16 peerIndex][payload]` (one copy of the payload). */
export function encodeRelay(peerIndex: number, payload: Uint8Array, options?: RelayOptions): Uint8Array {
  checkPeerIndex(peerIndex);
  checkPayloadLength(payload.length, maxPayload(options));
  const frame = new Uint8Array(RELAY_HEADER_BYTES + payload.length);
  frame[0] = FrameKind.Relay;
  frame[1] = peerIndex >>> 8;
  frame[2] = peerIndex & 0xff;
  frame.set(payload, RELAY_HEADER_BYTES);
  return frame;
}

/**
 * Decodes a relay frame. `payload` is a zero-copy view. Throws
 * {@link MalformedInputError} (wrong kind, shorter than the header, empty
 * payload) or {@link MessageTooLargeError} (payload over the cap).
 */
export function decodeRelay(frame: Uint8Array, options?: RelayOptions): RelayFrame {
  const peerIndex = readRelayPeerIndex(frame);
  checkPayloadLength(frame.length - RELAY_HEADER_BYTES, maxPayload(options));
  return { peerIndex, payload: frame.subarray(RELAY_HEADER_BYTES) };
}

/** Frames `payload` for every other member: `[0x02][payload]` (client → lobby only). */
export function encodeBroadcast(payload: Uint8Array, options?: RelayOptions): Uint8Array {
  checkPayloadLength(payload.length, maxPayload(options));
  const frame = new Uint8Array(BROADCAST_HEADER_BYTES + payload.length);
  frame[0] = FrameKind.Broadcast;
  frame.set(payload, BROADCAST_HEADER_BYTES);
  return frame;
}

/** Decodes a broadcast frame's payload (a zero-copy view). Throws like {@link decodeRelay}. */
export function decodeBroadcast(frame: Uint8Array, options?: RelayOptions): Uint8Array {
  if (frame[0] !== FrameKind.Broadcast) throw new MalformedInputError('not a broadcast frame');
  checkPayloadLength(frame.length - BROADCAST_HEADER_BYTES, maxPayload(options));
  return frame.subarray(BROADCAST_HEADER_BYTES);
}

/**
 * The lobby's broadcast step: turns a client's `[0x02][payload]` into the
 * single buffer `[0x01][u16 senderIndex][payload]` to write to every other
 * member. Validates like {@link decodeBroadcast}.
 */
export function broadcastToRelay(frame: Uint8Array, senderIndex: number, options?: RelayOptions): Uint8Array {
  checkPeerIndex(senderIndex);
  const payload = decodeBroadcast(frame, options);
  const out = new Uint8Array(RELAY_HEADER_BYTES + payload.length);
  out[0] = FrameKind.Relay;
  out[1] = senderIndex >>> 8;
  out[2] = senderIndex & 0xff;
  out.set(payload, RELAY_HEADER_BYTES);
  return out;
}
