/**
 * MAPPED-ADDRESS (RFC 8489 §14.1) and XOR-MAPPED-ADDRESS (§14.2) values.
 *
 * ```
 * 0x00 | family (0x01 IPv4, 0x02 IPv6) | port u16 | address (4 or 16 bytes)
 * ```
 *
 * In XOR-MAPPED-ADDRESS the port is XOR-ed with the top 16 bits of the magic
 * cookie, an IPv4 address with the cookie, and an IPv6 address with the
 * cookie followed by the 12-byte transaction id.
 *
 * @module
 */

import { InvalidOptionError, MalformedInputError } from '../errors.js';
import { STUN_MAGIC_COOKIE, STUN_TRANSACTION_ID_LENGTH, StunAddressFamily } from './constants.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6, type TransportAddress } from './ip-address.js';

function decodeAddress(
  value: Uint8Array,
  transactionId: Uint8Array | undefined,
  name: string,
): TransportAddress {
  if (value.length < 4) throw new MalformedInputError(`${name} of ${value.length} bytes is too short`);
  const family = value[1];
  const expected = family === StunAddressFamily.IPv4 ? 8 : family === StunAddressFamily.IPv6 ? 20 : 0;
  if (expected === 0) throw new MalformedInputError(`${name} with unknown address family ${String(family)}`);
  if (value.length !== expected) {
    throw new MalformedInputError(`${name} of ${value.length} bytes (expected ${expected})`);
  }
  let port = (value[2]! << 8) | value[3]!;
  const address = value.slice(4);
  if (transactionId !== undefined) {
    port ^= STUN_MAGIC_COOKIE >>> 16;
    xorInPlace(address, transactionId);
  }
  return family === StunAddressFamily.IPv4
    ? { family: 'IPv4', address: formatIpv4(address), port }
    : { family: 'IPv6', address: formatIpv6(address), port };
}

function encodeAddress(address: TransportAddress, transactionId: Uint8Array | undefined): Uint8Array {
  const { port } = address;
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw new InvalidOptionError(`port must be an integer in 0..65535, got ${String(port)}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = address.family === 'IPv4' ? parseIpv4(address.address) : parseIpv6(address.address);
  } catch {
    throw new InvalidOptionError(`not an ${address.family} address: ${JSON.stringify(address.address)}`);
  }
  const value = new Uint8Array(4 + bytes.length);
  value[1] = address.family === 'IPv4' ? StunAddressFamily.IPv4 : StunAddressFamily.IPv6;
  const wirePort = transactionId === undefined ? port : port ^ (STUN_MAGIC_COOKIE >>> 16);
  value[2] = wirePort >> 8;
  value[3] = wirePort & 0xff;
  if (transactionId !== undefined) xorInPlace(bytes, transactionId);
  value.set(bytes, 4);
  return value;
}

/** XORs 4 or 16 address bytes with magic cookie ‖ transaction id. */
function xorInPlace(address: Uint8Array, transactionId: Uint8Array): void {
  for (let i = 0; i < address.length; i++) {
    const key = i < 4 ? (STUN_MAGIC_COOKIE >>> (24 - 8 * i)) & 0xff : transactionId[i - 4]!;
    address[i] = address[i]! ^ key;
  }
}

function checkTransactionId(transactionId: Uint8Array): void {
  if (transactionId.length !== STUN_TRANSACTION_ID_LENGTH) {
    throw new InvalidOptionError(`transaction id must be ${STUN_TRANSACTION_ID_LENGTH} bytes`);
  }
}

/**
 * Decodes an XOR-MAPPED-ADDRESS value.
 *
 * @param value - the attribute value (without header)
 * @param transactionId - the message's 12-byte transaction id (needed for IPv6)
 * @throws `MalformedInputError` on a bad length or unknown family.
 */
export function decodeXorMappedAddress(value: Uint8Array, transactionId: Uint8Array): TransportAddress {
  if (transactionId.length !== STUN_TRANSACTION_ID_LENGTH) {
    throw new MalformedInputError(`transaction id must be ${STUN_TRANSACTION_ID_LENGTH} bytes`);
  }
  return decodeAddress(value, transactionId, 'XOR-MAPPED-ADDRESS');
}

/**
 * Encodes an XOR-MAPPED-ADDRESS value.
 *
 * @throws `InvalidOptionError` on a bad address, port or transaction id.
 */
export function encodeXorMappedAddress(address: TransportAddress, transactionId: Uint8Array): Uint8Array {
  checkTransactionId(transactionId);
  return encodeAddress(address, transactionId);
}

/**
 * Decodes a MAPPED-ADDRESS value (also the layout of ALTERNATE-SERVER,
 * RESPONSE-ORIGIN and OTHER-ADDRESS).
 *
 * @throws `MalformedInputError` on a bad length or unknown family.
 */
export function decodeMappedAddress(value: Uint8Array): TransportAddress {
  return decodeAddress(value, undefined, 'MAPPED-ADDRESS');
}

/**
 * Encodes a MAPPED-ADDRESS value.
 *
 * @throws `InvalidOptionError` on a bad address or port.
 */
export function encodeMappedAddress(address: TransportAddress): Uint8Array {
  return encodeAddress(address, undefined);
}
