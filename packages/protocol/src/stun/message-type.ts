/**
 * Packing of a STUN method (12 bits) and class (2 bits) into the 14-bit
 * message type, RFC 8489 §5:
 *
 * ```
 *  bit  13 12 11 10  9  8  7  6  5  4  3  2  1  0
 *       M11 M10 M9 M8 M7 C1 M6 M5 M4 C0 M3 M2 M1 M0
 * ```
 *
 * @module
 */

import type { StunClassValue } from './constants.js';

/** Combines a 12-bit method and a class into a 14-bit STUN message type. */
export function encodeMessageType(method: number, messageClass: StunClassValue): number {
  return (
    ((method & 0xf80) << 2) |
    ((method & 0x070) << 1) |
    (method & 0x00f) |
    ((messageClass & 0b10) << 7) |
    ((messageClass & 0b01) << 4)
  );
}

/** Splits a 14-bit STUN message type into its method and class. */
export function decodeMessageType(type: number): { method: number; messageClass: StunClassValue } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const messageClass = (((type & 0x0100) >> 7) | ((type & 0x0010) >> 4)) as StunClassValue;
  return { method, messageClass };
}
