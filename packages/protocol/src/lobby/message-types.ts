/**
 * The message-type table: the `type` string of every lobby control message.
 *
 * @module
 */

/** Types of the control messages a client sends to the lobby. Every one carries a `requestId`. */
export const ClientMessageType = {
  /** First message on a connection: protocol version, optional name, auth and resume token. */
  Hello: 'hello',
  /** Create a room and join it. Answered by `room:joined`. */
  RoomCreate: 'room:create',
  /** List public rooms. Answered by `room:list-result`. */
  RoomList: 'room:list',
  /** Join a room by id or code. Answered by `room:joined`. */
  RoomJoin: 'room:join',
  /** Join a matching public room, or create one. Answered by `room:joined`. */
  RoomQuickJoin: 'room:quick-join',
  /** Leave the current room. Answered by `room:left`. */
  RoomLeave: 'room:leave',
  /** Replace the room metadata (host only). Answered by `room:metadata`. */
  RoomSetMetadata: 'room:set-metadata',
  /** Forward a WebRTC signal to another member of the room. Answered only on failure (`error`). */
  Signal: 'signal',
  /** Application-level heartbeat. Answered by `pong`. */
  Ping: 'ping',
  /** Connectivity telemetry: the client's view of its pairs (paths, time to direct, fallbacks). Not answered. */
  Telemetry: 'telemetry',
} as const;

/** One of the values of {@link ClientMessageType}. */
export type ClientMessageTypeValue = (typeof ClientMessageType)[keyof typeof ClientMessageType];

/** Types of the control messages the lobby sends to a client. */
export const ServerMessageType = {
  /** Answer to `hello`: identity, session token, ICE servers, limits. */
  Welcome: 'welcome',
  /** You are in a room (answer to create/join/quick-join, or unsolicited after a resume). */
  RoomJoined: 'room:joined',
  /** Answer to `room:list`. */
  RoomListResult: 'room:list-result',
  /** You are no longer in the room (answer to `room:leave`, or kicked, or the room closed). */
  RoomLeft: 'room:left',
  /** A member joined your room. */
  PresenceJoin: 'presence:join',
  /** A member left your room. */
  PresenceLeave: 'presence:leave',
  /** A member's connection dropped; they may resume within the grace period. */
  PresenceReconnecting: 'presence:reconnecting',
  /** A reconnecting member resumed. */
  PresenceBack: 'presence:back',
  /** The room has a new host. */
  HostChange: 'host:change',
  /** The room metadata changed (carries `requestId` for the member who asked). */
  RoomMetadata: 'room:metadata',
  /** A WebRTC signal from another member, stamped by the lobby with the sender's id. */
  Signal: 'signal',
  /** A request failed, or a connection-level problem is reported. */
  Error: 'error',
  /** Answer to `ping`. */
  Pong: 'pong',
  /** A message from the game's server code (`LobbyServer.sendToRoom` / `sendToPlayer`). */
  ServerMessage: 'server:message',
  /** Fresh STUN/TURN servers (short-lived TURN credentials renewed before they expire). */
  IceServers: 'ice:servers',
} as const;

/** One of the values of {@link ServerMessageType}. */
export type ServerMessageTypeValue = (typeof ServerMessageType)[keyof typeof ServerMessageType];
