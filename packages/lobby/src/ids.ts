import { randomBytes, randomInt } from 'node:crypto';

/** Player and room ids: 96 random bits, URL-safe. */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

/** Session tokens and pair nonces: 192 random bits (the issue asks ≥ 128), URL-safe. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

// No 0/O or 1/I/L: codes are read aloud and typed by players.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A short join code such as `K7QM2X` (31^6 ≈ 887 million codes). */
export function newRoomCode(length = 6): string {
  let code = '';
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}
