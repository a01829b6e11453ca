/**
 * STUN message parsing (RFC 8489 §5, §14): header checks, the attribute
 * list, and FINGERPRINT verification. Parsing never throws anything but
 * `MalformedInputError`.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |0 0|     STUN Message Type     |         Message Length        |
 * |                         Magic Cookie                          |
 * |                     Transaction ID (96 bits)                  |
 * attributes: type u16 | length u16 | value, padded to 4 bytes
 * ```
 *
 * @module
 */

import { MalformedInputError } from '../errors.js';
import {
  STUN_ATTRIBUTE_HEADER_LENGTH,
  STUN_HEADER_LENGTH,
  StunAttributeType,
  type StunClassValue,
} from './constants.js';
import { fingerprintAt } from './fingerprint.js';
import { isStunMessage } from './header.js';
import { decodeMessageType } from './message-type.js';

/** One attribute of a parsed STUN message. */
export interface StunAttribute {
  /** The attribute type (see {@link StunAttributeType}). */
  readonly type: number;
  /** The value without padding: a view into the parsed bytes, not a copy. */
  readonly value: Uint8Array;
  /** Offset of the attribute's header from the start of the message. */
  readonly offset: number;
}

/** State of a message's FINGERPRINT attribute. */
export type StunFingerprintStatus = 'absent' | 'valid' | 'invalid';

/** A parsed STUN message. */
export interface StunMessage {
  /** The 14-bit message type (method and class). */
  readonly type: number;
  /** The 12-bit method (see {@link StunMethod}). */
  readonly method: number;
  /** The class (see {@link StunClass}). */
  readonly messageClass: StunClassValue;
  /** The 12-byte transaction id (a copy). */
  readonly transactionId: Uint8Array;
  /**
   * The attributes in wire order. Attributes after MESSAGE-INTEGRITY other
   * than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are left out, as RFC 8489
   * §14.5 requires receivers to ignore them.
   */
  readonly attributes: readonly StunAttribute[];
  /** Whether a FINGERPRINT attribute is present and, if so, whether it matches. */
  readonly fingerprint: StunFingerprintStatus;
}

/**
 * Parses one STUN message (a whole UDP datagram). Checks the header (see
 * {@link isStunMessage}), that every attribute fits with its padding, that
 * FINGERPRINT (if any) is last and 4 bytes long, and verifies it. A wrong
 * FINGERPRINT value is reported in {@link StunMessage.fingerprint}, not
 * thrown: the message is well formed, the caller decides.
 *
 * @throws `MalformedInputError` for anything that is not a well-formed STUN message.
 */
export function parseStunMessage(bytes: Uint8Array): StunMessage {
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('STUN message must be a Uint8Array');
  if (bytes.length < STUN_HEADER_LENGTH) {
    throw new MalformedInputError(`STUN message of ${bytes.length} bytes is shorter than its header`);
  }
  if (!isStunMessage(bytes)) {
    throw new MalformedInputError('not a STUN message (leading bits, magic cookie or length)');
  }
  const type = (bytes[0]! << 8) | bytes[1]!;
  const { method, messageClass } = decodeMessageType(type);
  const transactionId = bytes.slice(8, STUN_HEADER_LENGTH);
  const attributes: StunAttribute[] = [];
  let fingerprint: StunFingerprintStatus = 'absent';
  let integrity: 'none' | 'sha1' | 'sha256' = 'none';
  let offset = STUN_HEADER_LENGTH;
  while (offset < bytes.length) {
    if (fingerprint !== 'absent') throw new MalformedInputError('attribute after FINGERPRINT');
    if (bytes.length - offset < STUN_ATTRIBUTE_HEADER_LENGTH) {
      throw new MalformedInputError(`truncated attribute header at offset ${offset}`);
    }
    const attributeType = (bytes[offset]! << 8) | bytes[offset + 1]!;
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    const valueStart = offset + STUN_ATTRIBUTE_HEADER_LENGTH;
    const padded = (length + 3) & ~3;
    if (valueStart + padded > bytes.length) {
      throw new MalformedInputError(
        `attribute 0x${hex(attributeType)} of ${length} bytes overruns the message`,
      );
    }
    const value = bytes.subarray(valueStart, valueStart + length);
    if (attributeType === StunAttributeType.Fingerprint) {
      if (length !== 4) throw new MalformedInputError(`FINGERPRINT of ${length} bytes (must be 4)`);
      const wanted = ((value[0]! << 24) | (value[1]! << 16) | (value[2]! << 8) | value[3]!) >>> 0;
      fingerprint = fingerprintAt(bytes, offset) === wanted ? 'valid' : 'invalid';
      attributes.push({ type: attributeType, value, offset });
    } else if (
      integrity === 'none' ||
      (integrity === 'sha1' && attributeType === StunAttributeType.MessageIntegritySha256)
    ) {
      attributes.push({ type: attributeType, value, offset });
      if (attributeType === StunAttributeType.MessageIntegrity) integrity = 'sha1';
      else if (attributeType === StunAttributeType.MessageIntegritySha256) integrity = 'sha256';
    }
    offset = valueStart + padded;
  }
  return { type, method, messageClass, transactionId, attributes, fingerprint };
}

/** The value of the first attribute of `type` in `message`, or `undefined`. */
export function getStunAttribute(message: StunMessage, type: number): Uint8Array | undefined {
  for (const attribute of message.attributes) if (attribute.type === type) return attribute.value;
  return undefined;
}

function hex(value: number): string {
  return value.toString(16).padStart(4, '0');
}
