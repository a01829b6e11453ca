/**
 * The cheap STUN header check used to tell STUN datagrams apart from
 * anything else arriving on a port (RFC 8489 §5, RFC 7983 demultiplexing).
 *
 * @module
 */

import { STUN_HEADER_LENGTH, STUN_MAGIC_COOKIE } from './constants.js';

/**
 * Quick check that `bytes` looks like one STUN message: at least a header,
 * first two bits zero, the magic cookie, a length that is a multiple of 4
 * and equals the number of bytes after the header. Never throws.
 */
export function isStunMessage(bytes: Uint8Array): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.length < STUN_HEADER_LENGTH) return false;
  if ((bytes[0]! & 0xc0) !== 0) return false;
  const length = (bytes[2]! << 8) | bytes[3]!;
  if (length % 4 !== 0 || length !== bytes.length - STUN_HEADER_LENGTH) return false;
  return (
    bytes[4] === STUN_MAGIC_COOKIE >>> 24 &&
    bytes[5] === ((STUN_MAGIC_COOKIE >>> 16) & 0xff) &&
    bytes[6] === ((STUN_MAGIC_COOKIE >>> 8) & 0xff) &&
    bytes[7] === (STUN_MAGIC_COOKIE & 0xff)
  );
}
