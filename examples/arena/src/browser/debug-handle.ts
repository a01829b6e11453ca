import type { PathKind } from '@handoff/transport';

/** A remote player as the page shows it (for end-to-end tests and the console). */
export interface DebugPeer {
  /** Player id. */
  id: string;
  /** Display name. */
  name: string;
  /** Its traffic's path. */
  path: PathKind;
  /** RTT as the HUD shows it, ms. */
  rttMs: number | undefined;
  /** The median of the RTTs the HUD showed lately on each path, ms (relay before the switch, direct after). */
  rttByPathMs: Partial<Record<PathKind, number>>;
  /** Time it took to go direct, ms. */
  timeToDirectMs: number | undefined;
  /** Falls back to the relay so far (the last 16 are kept). */
  fallbacks: number;
  /** Where its ship is drawn (undefined before its first snapshot). */
  x: number | undefined;
  y: number | undefined;
}

/** `window.arena`: read-only figures of the running game. */
export interface ArenaDebugHandle {
  /** The room's join code. */
  roomCode: string;
  /** This player's id. */
  playerId: string;
  /** This player's ship. */
  me(): { x: number; y: number };
  /** The other players. */
  peers(): DebugPeer[];
}

declare global {
  interface Window {
    /** Set once the game runs. */
    arena?: ArenaDebugHandle;
  }
}

/** Exposes the running game as `window.arena`. */
export function installDebugHandle(handle: ArenaDebugHandle): void {
  window.arena = handle;
}
