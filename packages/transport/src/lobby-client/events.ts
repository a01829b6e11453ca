import type {
  HostChangeMessage,
  PresenceBackMessage,
  PresenceJoinMessage,
  PresenceLeaveMessage,
  PresenceReconnectingMessage,
  RoomJoinedMessage,
  RoomLeftMessage,
  RoomMetadataMessage,
  ServerPushMessage,
  ServerSignalMessage,
} from '@handoff/protocol/lobby';

/** Events of a {@link LobbyClient} (eventemitter3, `noun:verb`). */
export interface LobbyClientEvents {
  /** The socket dropped unexpectedly; the client is reconnecting. */
  'connection:lost': (event: { code: number; reason: string }) => void;
  /**
   * Reconnected. `resumed`: the same player (false: the lobby no longer knew
   * it; it is a new player, in no room). `restored`: the lobby had restarted
   * and restored player and room from the room ticket. `inRoom`: the lobby
   * put the player back into its room.
   */
  'connection:restored': (event: { resumed: boolean; restored: boolean; inRoom: boolean }) => void;
  /** Closed for good (by `close()`, by a close code that forbids reconnecting, or after giving up). */
  'connection:closed': (event: { code: number; reason: string }) => void;
  /** The room state: after a join request, and unsolicited after a resume. */
  'room:joined': (message: RoomJoinedMessage) => void;
  /** This player left (or was removed from) its room. */
  'room:left': (message: RoomLeftMessage) => void;
  /** The room's metadata changed. */
  'room:metadata': (message: RoomMetadataMessage) => void;
  /** A member joined. */
  'presence:join': (message: PresenceJoinMessage) => void;
  /** A member left. */
  'presence:leave': (message: PresenceLeaveMessage) => void;
  /** A member's connection dropped; it may come back. */
  'presence:reconnecting': (message: PresenceReconnectingMessage) => void;
  /** A member came back. */
  'presence:back': (message: PresenceBackMessage) => void;
  /** The host changed. */
  'host:change': (message: HostChangeMessage) => void;
  /** A WebRTC signal from a member. */
  signal: (message: ServerSignalMessage) => void;
  /** A relay frame from the member with `fromIndex`. */
  relay: (fromIndex: number, payload: Uint8Array) => void;
  /**
   * A message from the game's server code (`LobbyServer.sendToPlayer`, or
   * `sendToRoom`: those also arrive as the `Room`'s `server:message`).
   */
  'server:message': (message: ServerPushMessage) => void;
  /** An `error` the lobby sent that answers no pending request (e.g. a refused relay frame or signal). */
  'lobby:error': (error: { code: number; message: string }) => void;
}
