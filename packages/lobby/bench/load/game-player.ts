/**
 * What the load worker needs from one real game client, whichever SDK it
 * is: send a position or a chat line to everyone in the room, count its
 * frames, close. What it receives goes to a {@link PlayerListener}.
 */
import type { TimeStamp } from './game-clock.js';

/** Told about everything one player receives and suffers. */
export interface PlayerListener {
  /** A position from `sender` (bench player index), stamped with the send time coordinates. */
  position(sender: number, x: number, y: number): void;
  /** A chat line (`"<sender>:<n>"`). */
  chat(text: string): void;
  /** The connection dropped or was closed by the server (code as the SDK reports it). */
  closed(code: number): void;
  /** The server pushed back (Handoff: `error RateLimited`) or the SDK refused to queue a message for a peer. */
  pushedBack(): void;
  /** Anything else that went wrong (a refused frame, an undecodable message). */
  error(message: string): void;
}

/** One real SDK client in a room. */
export interface GamePlayer {
  /** Bench player index (0 = the room's creator). */
  readonly index: number;
  /** Broadcasts this player's position (one entity) to everyone else in the room. */
  sendPosition(stamp: TimeStamp): void;
  /** Broadcasts a chat line to everyone else in the room. */
  sendChat(text: string): void;
  /** Game-traffic WebSocket frames this client has sent so far. */
  framesSent(): number;
  /** Whether this player sees every other member (Handoff: every peer announced). */
  seesEveryone(roomSize: number): boolean;
  /** Leaves for good (no reconnect). */
  close(): void;
}
