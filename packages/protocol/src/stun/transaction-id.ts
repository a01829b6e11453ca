/**
 * STUN transaction ids: 96 bits, chosen uniformly at random (RFC 8489 §6).
 * This package is pure, so the randomness is injected.
 *
 * @module
 */

import { InvalidOptionError } from '../errors.js';
import { STUN_TRANSACTION_ID_LENGTH } from './constants.js';

/** A source of random bytes, e.g. `(n) => crypto.getRandomValues(new Uint8Array(n))`. */
export type RandomBytes = (length: number) => Uint8Array;

/**
 * A new 12-byte transaction id from `randomBytes` (copied).
 *
 * @example
 * ```ts
 * const id = createTransactionId((n) => crypto.getRandomValues(new Uint8Array(n)));
 * ```
 * @throws `InvalidOptionError` when `randomBytes` returns fewer than 12 bytes.
 */
export function createTransactionId(randomBytes: RandomBytes): Uint8Array {
  const bytes = randomBytes(STUN_TRANSACTION_ID_LENGTH);
  if (!(bytes instanceof Uint8Array) || bytes.length < STUN_TRANSACTION_ID_LENGTH) {
    throw new InvalidOptionError(`randomBytes must return ${STUN_TRANSACTION_ID_LENGTH} bytes`);
  }
  return bytes.slice(0, STUN_TRANSACTION_ID_LENGTH);
}

/** True when two transaction ids are equal (constant-length comparison). */
export function transactionIdsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
