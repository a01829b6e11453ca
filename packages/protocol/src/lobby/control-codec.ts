/**
 * Control frames: `[0x00][MessagePack map]`. The body is plain MessagePack
 * (no msgpackr records or extensions), so any MessagePack library can speak
 * it; encoding is deterministic (fixed key order per message type, shortest
 * forms). Decoding is hardened: size cap, structural pre-scan (depth,
 * container sizes, no extensions, no `__proto__`/`constructor`/`prototype`
 * keys), then full validation of every field.
 *
 * @module
 */

import type { Codec } from '../codec.js';
import { createMessageCodec } from '../codecs/msgpack-codec.js';
import { MalformedInputError, MessageTooLargeError } from '../errors.js';
import { validateClientMessage } from './client-messages.js';
import { FrameKind } from './frame.js';
import {
  MAX_CONTROL_CONTAINER_ENTRIES,
  MAX_CONTROL_DEPTH,
  MAX_CONTROL_FRAME_BYTES,
  MAX_SERVER_CONTROL_FRAME_BYTES,
} from './limits.js';
import { validateServerMessage } from './server-messages.js';
import type { ClientMessage, ServerMessage } from './types.js';

/** Who sent a control message: `client` (client → lobby) or `server` (lobby → client). */
export type ControlSender = 'client' | 'server';

function bodyCodec<T>(validate: (value: unknown) => T, maxFrameBytes: number): Codec<T> {
  return createMessageCodec({
    validate,
    maxBytes: maxFrameBytes - 1,
    maxDepth: MAX_CONTROL_DEPTH,
    maxEntries: MAX_CONTROL_CONTAINER_ENTRIES,
    allowBinary: false,
  });
}

const clientBody = bodyCodec(validateClientMessage, MAX_CONTROL_FRAME_BYTES);
const serverBody = bodyCodec(validateServerMessage, MAX_SERVER_CONTROL_FRAME_BYTES);

function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = FrameKind.Control;
  out.set(body, 1);
  return out;
}

function body(bytes: Uint8Array, maxFrameBytes: number): Uint8Array {
  if (bytes.length === 0) throw new MalformedInputError('empty frame');
  if (bytes[0] !== FrameKind.Control) throw new MalformedInputError('not a control frame');
  if (bytes.length > maxFrameBytes) {
    throw new MessageTooLargeError(
      `control frame of ${bytes.length} bytes exceeds ${maxFrameBytes}`,
      bytes.length,
      maxFrameBytes,
    );
  }
  return bytes.subarray(1);
}

/**
 * Encodes a client → lobby message as a control frame. Validates it first
 * (throws `InvalidControlMessageError` for out-of-limit fields,
 * `MessageTooLargeError` past {@link MAX_CONTROL_FRAME_BYTES}).
 */
export function encodeClientMessage(message: ClientMessage): Uint8Array {
  return frame(clientBody.encode(message));
}

/**
 * Decodes a control frame sent by a client. Throws `MalformedInputError`
 * (not a control frame, bad MessagePack), `MessageTooLargeError` or
 * `InvalidControlMessageError` (unknown type, bad field; carries the
 * `requestId` when readable).
 */
export function decodeClientMessage(frameBytes: Uint8Array): ClientMessage {
  return clientBody.decode(body(frameBytes, MAX_CONTROL_FRAME_BYTES));
}

/** Encodes a lobby → client message as a control frame (validated; cap {@link MAX_SERVER_CONTROL_FRAME_BYTES}). */
export function encodeServerMessage(message: ServerMessage): Uint8Array {
  return frame(serverBody.encode(message));
}

/** Decodes a control frame sent by the lobby. Throws like {@link decodeClientMessage}. */
export function decodeServerMessage(frameBytes: Uint8Array): ServerMessage {
  return serverBody.decode(body(frameBytes, MAX_SERVER_CONTROL_FRAME_BYTES));
}

/** Encodes a control message sent by `sender` (see {@link encodeClientMessage}, {@link encodeServerMessage}). */
export function encodeControl(sender: 'client', message: ClientMessage): Uint8Array;
/** Encodes a lobby → client control message. */
export function encodeControl(sender: 'server', message: ServerMessage): Uint8Array;
export function encodeControl(sender: ControlSender, message: ClientMessage | ServerMessage): Uint8Array {
  return sender === 'client'
    ? encodeClientMessage(message as ClientMessage)
    : encodeServerMessage(message as ServerMessage);
}

/** Decodes a control frame sent by `sender` (see {@link decodeClientMessage}, {@link decodeServerMessage}). */
export function decodeControl(sender: 'client', frameBytes: Uint8Array): ClientMessage;
/** Decodes a control frame sent by the lobby. */
export function decodeControl(sender: 'server', frameBytes: Uint8Array): ServerMessage;
export function decodeControl(sender: ControlSender, frameBytes: Uint8Array): ClientMessage | ServerMessage {
  return sender === 'client' ? decodeClientMessage(frameBytes) : decodeServerMessage(frameBytes);
}
