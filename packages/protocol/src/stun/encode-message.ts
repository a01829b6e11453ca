/**
 * Serialization of a STUN message: header, attributes (each padded with
 * zero bytes to a multiple of 4) and an optional FINGERPRINT, always last.
 *
 * @module
 */

import { InvalidOptionError } from '../errors.js';
import {
  STUN_ATTRIBUTE_HEADER_LENGTH,
  STUN_HEADER_LENGTH,
  STUN_MAGIC_COOKIE,
  STUN_TRANSACTION_ID_LENGTH,
} from './constants.js';
import { STUN_FINGERPRINT_ATTRIBUTE_LENGTH, writeFingerprint } from './fingerprint.js';

/** An attribute to encode. */
export interface StunAttributeInput {
  /** The attribute type (see {@link StunAttributeType}). */
  type: number;
  /** The value, without padding (at most 65535 bytes). */
  value: Uint8Array;
}

/** What {@link encodeStunMessage} serializes. */
export interface StunMessageInput {
  /** The 14-bit message type (see {@link StunMessageType} and {@link encodeMessageType}). */
  type: number;
  /** The 12-byte transaction id. */
  transactionId: Uint8Array;
  /** Attributes in wire order (no FINGERPRINT: use `fingerprint`). Default none. */
  attributes?: readonly StunAttributeInput[];
  /** Append a FINGERPRINT attribute. Default `true`. */
  fingerprint?: boolean;
}

/** Largest message body this encoder produces (the u16 length field). */
const MAX_BODY = 0xfffc;

/**
 * Serializes a STUN message.
 *
 * @throws `InvalidOptionError` on a bad type, transaction id or attribute, or a body over 65532 bytes.
 */
export function encodeStunMessage(input: StunMessageInput): Uint8Array {
  const { type, transactionId } = input;
  if (!Number.isInteger(type) || type < 0 || type > 0x3fff) {
    throw new InvalidOptionError(`STUN message type must be a 14-bit integer, got ${String(type)}`);
  }
  if (transactionId.length !== STUN_TRANSACTION_ID_LENGTH) {
    throw new InvalidOptionError(`transaction id must be ${STUN_TRANSACTION_ID_LENGTH} bytes`);
  }
  const attributes = input.attributes ?? [];
  const withFingerprint = input.fingerprint ?? true;
  let body = 0;
  for (const attribute of attributes) {
    if (!Number.isInteger(attribute.type) || attribute.type < 0 || attribute.type > 0xffff) {
      throw new InvalidOptionError(`attribute type must be a u16, got ${String(attribute.type)}`);
    }
    if (attribute.value.length > 0xffff) throw new InvalidOptionError('attribute value over 65535 bytes');
    body += STUN_ATTRIBUTE_HEADER_LENGTH + ((attribute.value.length + 3) & ~3);
  }
  if (withFingerprint) body += STUN_FINGERPRINT_ATTRIBUTE_LENGTH;
  if (body > MAX_BODY) throw new InvalidOptionError(`STUN message body of ${body} bytes is too long`);

  const message = new Uint8Array(STUN_HEADER_LENGTH + body);
  const view = new DataView(message.buffer);
  view.setUint16(0, type);
  view.setUint16(2, body);
  view.setUint32(4, STUN_MAGIC_COOKIE);
  message.set(transactionId, 8);
  let offset = STUN_HEADER_LENGTH;
  for (const attribute of attributes) {
    view.setUint16(offset, attribute.type);
    view.setUint16(offset + 2, attribute.value.length);
    message.set(attribute.value, offset + STUN_ATTRIBUTE_HEADER_LENGTH);
    offset += STUN_ATTRIBUTE_HEADER_LENGTH + ((attribute.value.length + 3) & ~3);
  }
  if (withFingerprint) writeFingerprint(message);
  return message;
}
