/**
 * Attributes with text or lists: SOFTWARE (RFC 8489 §14.14), ERROR-CODE
 * (§14.8) and UNKNOWN-ATTRIBUTES (§14.9).
 *
 * @module
 */

import { InvalidOptionError, MalformedInputError } from '../errors.js';
import { STUN_SOFTWARE_MAX_BYTES, STUN_SOFTWARE_MAX_CHARACTERS } from './constants.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Longest ERROR-CODE reason phrase, in bytes (RFC 8489 §14.8). */
export const STUN_REASON_MAX_BYTES = 763;

function decodeUtf8(value: Uint8Array, name: string): string {
  try {
    return decoder.decode(value);
  } catch {
    throw new MalformedInputError(`${name} is not valid UTF-8`);
  }
}

/**
 * Encodes a SOFTWARE value (UTF-8, fewer than 128 characters, at most 763 bytes).
 *
 * @throws `InvalidOptionError` when `software` is too long.
 */
export function encodeSoftware(software: string): Uint8Array {
  const bytes = encoder.encode(software);
  if ([...software].length > STUN_SOFTWARE_MAX_CHARACTERS || bytes.length > STUN_SOFTWARE_MAX_BYTES) {
    throw new InvalidOptionError(
      `SOFTWARE must have fewer than ${STUN_SOFTWARE_MAX_CHARACTERS + 1} characters`,
    );
  }
  return bytes;
}

/**
 * Decodes a SOFTWARE value.
 *
 * @throws `MalformedInputError` when it is not UTF-8 or is too long.
 */
export function decodeSoftware(value: Uint8Array): string {
  if (value.length > STUN_SOFTWARE_MAX_BYTES) throw new MalformedInputError('SOFTWARE is too long');
  return decodeUtf8(value, 'SOFTWARE');
}

/** A decoded ERROR-CODE attribute. */
export interface StunErrorCode {
  /** The error code, 300..699 (e.g. 420 Unknown Attribute). */
  code: number;
  /** The reason phrase. */
  reason: string;
}

/**
 * Encodes an ERROR-CODE value: 21 reserved bits, class (hundreds) in 3 bits,
 * number (0..99) in 8 bits, then a UTF-8 reason phrase.
 *
 * @throws `InvalidOptionError` when `code` is not in 300..699 or `reason` is too long.
 */
export function encodeErrorCode(error: StunErrorCode): Uint8Array {
  const { code } = error;
  if (!Number.isInteger(code) || code < 300 || code > 699) {
    throw new InvalidOptionError(`STUN error code must be an integer in 300..699, got ${String(code)}`);
  }
  const reason = encoder.encode(error.reason);
  if (reason.length > STUN_REASON_MAX_BYTES) throw new InvalidOptionError('STUN reason phrase is too long');
  const value = new Uint8Array(4 + reason.length);
  value[2] = Math.floor(code / 100);
  value[3] = code % 100;
  value.set(reason, 4);
  return value;
}

/**
 * Decodes an ERROR-CODE value.
 *
 * @throws `MalformedInputError` on a short value, a code outside 300..699 or bad UTF-8.
 */
export function decodeErrorCode(value: Uint8Array): StunErrorCode {
  if (value.length < 4) throw new MalformedInputError('ERROR-CODE is too short');
  const hundreds = value[2]! & 0x07;
  const number = value[3]!;
  if (hundreds < 3 || hundreds > 6 || number > 99) throw new MalformedInputError('ERROR-CODE out of range');
  return { code: hundreds * 100 + number, reason: decodeUtf8(value.subarray(4), 'ERROR-CODE reason') };
}

/**
 * Encodes an UNKNOWN-ATTRIBUTES value: a list of 16-bit attribute types.
 *
 * @throws `InvalidOptionError` when a type is not a u16.
 */
export function encodeUnknownAttributes(types: readonly number[]): Uint8Array {
  const value = new Uint8Array(types.length * 2);
  types.forEach((type, i) => {
    if (!Number.isInteger(type) || type < 0 || type > 0xffff) {
      throw new InvalidOptionError(`attribute type must be a u16, got ${String(type)}`);
    }
    value[2 * i] = type >> 8;
    value[2 * i + 1] = type & 0xff;
  });
  return value;
}

/**
 * Decodes an UNKNOWN-ATTRIBUTES value.
 *
 * @throws `MalformedInputError` when its length is odd.
 */
export function decodeUnknownAttributes(value: Uint8Array): number[] {
  if (value.length % 2 !== 0) throw new MalformedInputError('UNKNOWN-ATTRIBUTES has an odd length');
  const types: number[] = [];
  for (let i = 0; i < value.length; i += 2) types.push((value[i]! << 8) | value[i + 1]!);
  return types;
}
