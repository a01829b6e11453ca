/**
 * The chat message codec: msgpackr with a frozen structure list, validated
 * on decode.
 *
 * @module
 */

import type { Codec } from '../codec.js';
import { InvalidOptionError } from '../errors.js';
import { createMessageCodec } from './msgpack-codec.js';
import { expectNumber, expectRecord, expectString, invalid, optional, own } from './validate.js';

/** One chat line. */
export interface ChatMessage {
  /** The text, at most `maxLength` UTF-16 code units; tabs and newlines allowed, other control characters not. */
  text: string;
  /** Optional sender timestamp in milliseconds (any finite number; the codec does not interpret it). */
  sentAt?: number;
}

/** Options of {@link createChatCodec}. */
export interface ChatCodecOptions {
  /** Maximum text length in UTF-16 code units. Default {@link DEFAULT_CHAT_MAX_LENGTH}. */
  maxLength?: number;
}

/** Default maximum chat text length, in UTF-16 code units. */
export const DEFAULT_CHAT_MAX_LENGTH = 500;

/**
 * The frozen record structures of the chat codec. Part of the wire format:
 * never reorder; appending needs a protocol version bump.
 */
export const CHAT_STRUCTURES: readonly (readonly string[])[] = Object.freeze([
  Object.freeze(['text']),
  Object.freeze(['text', 'sentAt']),
]);

function hasForbiddenChatCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || c === 0x7f) return true;
  }
  return false;
}

/**
 * Creates a chat codec. Text longer than `maxLength` or containing control
 * characters (other than tab and newline) is rejected with an
 * `InvalidMessageError` on both `encode` and `decode`.
 */
export function createChatCodec(options: ChatCodecOptions = {}): Codec<ChatMessage> {
  const maxLength = options.maxLength ?? DEFAULT_CHAT_MAX_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 1_000_000) {
    throw new InvalidOptionError(
      `maxLength must be an integer in 1..1000000, got ${String(options.maxLength)}`,
    );
  }
  const validate = (value: unknown): ChatMessage => {
    const record = expectRecord(value, 'chat');
    const text = expectString(own(record, 'text'), 'chat.text', maxLength);
    if (hasForbiddenChatCharacters(text)) invalid('chat.text', 'contains control characters');
    const sentAt = optional(own(record, 'sentAt'), (v) => expectNumber(v, 'chat.sentAt'));
    // A fresh object with a fixed key order: matches one of CHAT_STRUCTURES exactly.
    return sentAt === undefined ? { text } : { text, sentAt };
  };
  return createMessageCodec({
    structures: CHAT_STRUCTURES,
    validate,
    // Worst case: 3 UTF-8 bytes per UTF-16 code unit, plus headers and the timestamp.
    maxBytes: maxLength * 3 + 32,
    maxDepth: 2,
    maxEntries: 8,
    allowBinary: false,
  });
}

/** A ready chat codec with the default options. */
export const chatCodec: Codec<ChatMessage> = createChatCodec();
