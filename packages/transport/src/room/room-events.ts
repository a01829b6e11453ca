import type { HandoffError } from '@handoff/protocol';
import type { LeaveReason, Metadata } from '@handoff/protocol/lobby';
import type { PathKind, Peer } from './peer.js';

/**
 * A message delivered to the game, typed by channel. On position channels
 * `sequence` is the sender's 16-bit snapshot number (one per snapshot it
 * sent this player, wrapping after 65535): with a fixed send rate it places
 * snapshots on the sender's timeline (`SnapshotInterpolator.push`'s
 * `sentAtMs`) better than arrival times can.
 */
export type RoomMessage<M> = {
  [K in keyof M]: { from: Peer; channel: K; message: M[K]; sequence?: number };
}[keyof M];

/** Events of a {@link Room} (eventemitter3). */
export interface RoomEvents<M> {
  /** A player joined the room. */
  'peer:join': (peer: Peer) => void;
  /** A player left the room for good. */
  'peer:leave': (peer: Peer, reason: LeaveReason) => void;
  /** A player's lobby connection dropped; it may come back (its direct link, if any, keeps working). */
  'peer:reconnecting': (peer: Peer) => void;
  /** A reconnecting player is back. */
  'peer:back': (peer: Peer) => void;
  /** The host changed. */
  'host:change': (hostId: string) => void;
  /** The room's metadata changed. */
  'metadata:change': (metadata: Metadata) => void;
  /** A message arrived. */
  message: (event: RoomMessage<M>) => void;
  /** A message arrived but its codec refused it (the sender's bug, or a hostile peer). */
  'message:error': (event: { from: Peer; channel: string; error: HandoffError }) => void;
  /**
   * `room.broadcast` could not queue the message for one peer, and went on
   * to the others: most often `SendQueueFullError` (that peer has not
   * acknowledged enough reliable data: it is frozen, or its network is far
   * slower than the others'). The message is not queued for it; send it
   * again later with `room.send` if it matters. Fired after the broadcast
   * reached every other peer.
   */
  'broadcast:skipped': (event: { peer: Peer; channel: string; error: HandoffError }) => void;
  /**
   * Sending to one peer threw (a bug, or a native WebRTC failure): that
   * peer's datagrams of this flush are lost to it (reliable ones are sent
   * again later), every other peer was still served. Nothing is thrown: the
   * flushes run from timers.
   */
  'flush:error': (event: { peer: Peer; error: Error }) => void;
  /** A peer's traffic moved to another path. */
  'path:change': (event: { peer: Peer; from: PathKind; to: PathKind; reason: string }) => void;
  /** This player is no longer in the room (it left, was removed, or its session could not be resumed). */
  'room:left': (reason: LeaveReason | 'session-lost') => void;
  /** A message from the game's server code to the whole room (`LobbyServer.sendToRoom`). */
  'server:message': (message: { topic: string; data: Metadata }) => void;
}
