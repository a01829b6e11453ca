/** The arena's size in world units (the canvas scales it to fit). */
export const WORLD = { width: 1600, height: 900 } as const;

/** How often each player broadcasts its ship, ms (20 Hz). */
export const SEND_INTERVAL_MS = 50;

/** The id of a player's own ship in its position snapshots (one ship per player). */
export const SHIP_ENTITY_ID = 0;

/** Room options for the arena's public rooms (quick-join creates one when none is open). */
export const ARENA_ROOM = {
  name: 'Arena',
  capacity: 8,
  visibility: 'public',
  metadata: { game: 'arena' },
} as const;

/** The filter that finds arena rooms with a free seat. */
export const ARENA_FILTER = { metadata: { game: 'arena' }, hasFreeSlots: true } as const;

/** A stable hue (0–359) for a player id, so everyone sees the same colours. */
export function playerHue(playerId: string): number {
  let hash = 2166136261;
  for (let i = 0; i < playerId.length; i++) hash = Math.imul(hash ^ playerId.charCodeAt(i), 16777619);
  return (hash >>> 0) % 360;
}
