/**
 * The STUN FINGERPRINT attribute (RFC 8489 §14.7): the CRC-32 of the message
 * up to (not including) the FINGERPRINT attribute, XOR 0x5354554e. The
 * header's length field at that point already counts the 8-byte
 * FINGERPRINT attribute, which is always last.
 *
 * @module
 */

import { STUN_FINGERPRINT_XOR, STUN_HEADER_LENGTH, StunAttributeType } from './constants.js';
import { crc32 } from './crc32.js';
import { isStunMessage } from './header.js';

/** Length of a FINGERPRINT attribute including its header, in bytes. */
export const STUN_FINGERPRINT_ATTRIBUTE_LENGTH = 8;

/**
 * The FINGERPRINT value for a FINGERPRINT attribute whose header starts at
 * `offset` in `message` (the bytes before it must be final, including the
 * header length field).
 */
export function fingerprintAt(message: Uint8Array, offset: number): number {
  return (crc32(message, 0, offset) ^ STUN_FINGERPRINT_XOR) >>> 0;
}

/**
 * Fills the last 8 bytes of `message` (reserved by the caller; the header
 * length must already count them) with a FINGERPRINT attribute.
 */
export function writeFingerprint(message: Uint8Array): void {
  const offset = message.length - STUN_FINGERPRINT_ATTRIBUTE_LENGTH;
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  view.setUint16(offset, StunAttributeType.Fingerprint);
  view.setUint16(offset + 2, 4);
  view.setUint32(offset + 4, fingerprintAt(message, offset));
}

/**
 * True when `message` is a STUN message whose last attribute is a
 * FINGERPRINT with the right value. This does not walk the other
 * attributes; use {@link parseStunMessage} for a full check. Never throws.
 */
export function verifyFingerprint(message: Uint8Array): boolean {
  if (!isStunMessage(message) || message.length < STUN_HEADER_LENGTH + STUN_FINGERPRINT_ATTRIBUTE_LENGTH) {
    return false;
  }
  const offset = message.length - STUN_FINGERPRINT_ATTRIBUTE_LENGTH;
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  return (
    view.getUint16(offset) === StunAttributeType.Fingerprint &&
    view.getUint16(offset + 2) === 4 &&
    view.getUint32(offset + 4) === fingerprintAt(message, offset)
  );
}
