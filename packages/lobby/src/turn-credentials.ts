import { createHmac } from 'node:crypto';
import type { IceServer } from '@handoff/protocol/lobby';

/** TURN servers that share a secret with the lobby (coturn's `use-auth-secret` / `static-auth-secret`). */
export interface TurnOptions {
  /** The shared secret (never sent to clients, never logged). */
  secret: string;
  /** TURN URLs, e.g. `turn:turn.example.com:3478?transport=udp`, `turns:turn.example.com:5349`. */
  urls: string[];
  /** How long a credential lives, seconds. Default {@link DEFAULT_TURN_TTL_SECONDS}. */
  ttlSeconds?: number;
}

/** Default lifetime of a TURN credential: an hour (renewed at half-life for players still playing). */
export const DEFAULT_TURN_TTL_SECONDS = 3600;

/**
 * A short-lived TURN credential in coturn's REST form ("TURN REST API",
 * draft-uberti-behave-turn-rest): the username is `expiry:playerId` (expiry
 * in seconds since the epoch) and the password is base64(HMAC-SHA1(secret,
 * username)). The TURN server checks it with the same secret and refuses it
 * once expired; the lobby never stores it.
 */
export function turnCredential(
  turn: TurnOptions,
  playerId: string,
  nowMs = Date.now(),
): { username: string; credential: string; expiresAt: number } {
  const ttl = turn.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS;
  const expiry = Math.floor(nowMs / 1000) + ttl;
  const username = `${expiry}:${playerId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { username, credential, expiresAt: expiry * 1000 };
}

/** The TURN entry of a player's ICE servers. */
export function turnIceServer(turn: TurnOptions, playerId: string, nowMs = Date.now()): IceServer {
  const { username, credential } = turnCredential(turn, playerId, nowMs);
  return { urls: turn.urls, username, credential };
}
