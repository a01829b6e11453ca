/**
 * A player's identity handed from one cluster node to another with a
 * redirect: the node that redirects a join writes it to Redis under the
 * player's session token, and the node the player lands on takes it with
 * that token, so the player keeps its id, name and metadata (the game sees
 * only a join that took a little longer).
 *
 * @module
 */
import type { Metadata } from '@handoff/protocol/lobby';

/** How long a handed-over identity waits for its player, ms: a redirect is followed at once. */
export const HAND_OVER_TTL_MS = 15_000;

/** What a node hands over. */
export interface HandedOver {
  id: string;
  name: string;
  metadata: Metadata | null;
}

/** Reads a handed-over identity back from its JSON; throws on anything else. */
export function parseHandedOver(value: unknown): HandedOver {
  if (typeof value !== 'object' || value === null) throw new TypeError('not an object');
  const { id, name, metadata } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string') throw new TypeError('no id or name');
  if (metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata)))
    throw new TypeError('bad metadata');
  return { id, name, metadata: metadata as Metadata | null };
}
