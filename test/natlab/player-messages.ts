/**
 * What the orchestrator and a player process say to each other: one JSON
 * object per line, commands on the player's stdin, events on its stdout.
 * Times are `Date.now()` milliseconds (one clock: every namespace shares the
 * kernel's), so the orchestrator can compare them with its own.
 *
 * @module
 */

/** How a player process is started (its one command-line argument, as JSON). */
export interface PlayerConfig {
  /** The lobby's WebSocket URL. */
  url: string;
  name: string;
  /** Chat messages per second to each peer (reliable-ordered, numbered from 0 per peer). */
  chatHz: number;
  /** Position broadcasts per second (unreliable-sequenced, `x` grows with every one). */
  positionHz: number;
  /** Write libdatachannel's debug log to stderr (the orchestrator's `--rtc-log`). */
  rtcLog?: boolean;
  /** The room's `direct` option: `never` is privacy mode (relay only), `turn-only` privacy over TURN. Default `auto`. */
  direct?: 'auto' | 'never' | 'turn-only';
}

/** Commands to a player. */
export type PlayerCommand =
  | { cmd: 'create'; capacity: number }
  | { cmd: 'join'; code: string }
  /** Stop sending; answer `quiet` once every chat message was acknowledged (or after `timeoutMs`). */
  | { cmd: 'quiesce'; timeoutMs: number }
  | { cmd: 'report' }
  | { cmd: 'exit' };

/** What one player saw of one peer. */
export interface PeerReport {
  peerId: string;
  peerName: string;
  path: 'relay' | 'turn' | 'direct';
  /** Chat messages this player sent to the peer (ids 0 .. chatSent − 1). */
  chatSent: number;
  /** Chat messages received from the peer, each the next expected id. */
  chatReceived: number;
  /** Deliveries that were not the next expected id: losses, duplicates or reordering (first few). */
  chatAnomalies: string[];
  positionsSent: number;
  positionsReceived: number;
  /** Positions whose `x` was smaller than one received before (a jump back). */
  positionsBackwards: number;
  /** Longest time without a position from the peer while both were playing, ms. */
  longestPositionGapMs: number;
  /** From knowing the peer to the first validated direct link, ms (the transport's stat). */
  timeToDirectMs: number | undefined;
  switches: number;
  fallbackReasons: string[];
  datagramsOut: { relay: number; turn: number; direct: number };
  datagramsIn: { relay: number; turn: number; direct: number };
  /** One-way delay of the peer's positions that arrived while on the final path, ms: median, 99th percentile, most. */
  positionDelayMs: { p50: number; p99: number; max: number } | undefined;
  /** ICE candidate types the peer signalled to this player, in order (SDP and trickled). */
  candidateTypes: string[];
}

/** Events from a player. */
export type PlayerEvent =
  | { type: 'ready'; at: number; playerId: string }
  | { type: 'room'; at: number; roomId: string; code: string }
  | { type: 'peer'; at: number; peerId: string; peerName: string }
  | { type: 'path'; at: number; peerId: string; from: string; to: string; reason: string }
  | { type: 'lobby'; at: number; event: string }
  | { type: 'quiet'; at: number; pendingReliable: number }
  | { type: 'report'; at: number; playerId: string; name: string; peers: PeerReport[]; lobbyDrops: number }
  | { type: 'error'; at: number; message: string };
