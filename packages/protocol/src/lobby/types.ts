/**
 * TypeScript types of every lobby control message. Field limits are in
 * `limits.ts`; the wire format is in `docs/protocol.md`.
 *
 * @module
 */

import type { IceCandidateType, TelemetryFallbackReason, TelemetryIceOutcome } from './telemetry.js';

/** Room visibility: public rooms are listed by `room:list` and found by quick-join; private ones only by id or code. */
export type Visibility = 'public' | 'private';

/** A metadata value: a string, a finite number or a boolean. */
export type MetadataValue = string | number | boolean;

/** A small flat key/value map attached to a room (or a member). Limits: `MAX_METADATA_*`. */
export type Metadata = Record<string, MetadataValue>;

/** Why a member is no longer in a room. */
export type LeaveReason = 'left' | 'disconnected' | 'kicked' | 'room-closed';

/** Every {@link LeaveReason}, in wire order. */
export const LEAVE_REASONS: readonly LeaveReason[] = Object.freeze([
  'left',
  'disconnected',
  'kicked',
  'room-closed',
]);

/** Every {@link Visibility}. */
export const VISIBILITIES: readonly Visibility[] = Object.freeze(['public', 'private']);

/** Options of a room to create. */
export interface RoomOptions {
  /** Display name, 1..`MAX_ROOM_NAME_LENGTH`, no control characters. */
  name: string;
  /** Maximum members, `MIN_ROOM_CAPACITY`..`MAX_ROOM_CAPACITY`. */
  capacity: number;
  /** Whether the room is listed. */
  visibility: Visibility;
  /** Optional password, 1..`MAX_PASSWORD_LENGTH`. Never sent back by the lobby. */
  password?: string;
  /** Optional initial metadata. */
  metadata?: Metadata;
}

/** A filter on public rooms. */
export interface RoomFilter {
  /** Rooms whose metadata has every one of these entries (strict equality). */
  metadata?: Metadata;
  /** Only rooms with at least one free slot. */
  hasFreeSlots?: boolean;
}

/**
 * Which of a pair's two concurrent WebRTC attempts a signal belongs to.
 * Absent: the direct lane (peer to peer). `lane: 'turn'`: the TURN lane, a
 * connection that gathers relay candidates only, opened beside the direct
 * one when a TURN server is configured (only sent to lobbies that announce
 * `welcome.signalLanes`).
 */
export interface SignalLane {
  /** The attempt the signal belongs to: `turn`, or absent for the direct lane. */
  lane?: 'turn';
}

/** A WebRTC session description (offer or answer). */
export interface DescriptionSignal extends SignalLane {
  /** Discriminant. */
  kind: 'description';
  /** Offer or answer. */
  sdpType: 'offer' | 'answer';
  /** The SDP, at most `MAX_SDP_LENGTH`. */
  sdp: string;
}

/** A trickled ICE candidate. */
export interface CandidateSignal extends SignalLane {
  /** Discriminant. */
  kind: 'candidate';
  /** The candidate line (may be empty), at most `MAX_CANDIDATE_LENGTH`. */
  candidate: string;
  /** Media stream id, at most `MAX_SDP_MID_LENGTH`. */
  sdpMid?: string;
  /** Media line index, 0..65535. */
  sdpMLineIndex?: number;
}

/** The end of trickled candidates. */
export interface EndOfCandidatesSignal extends SignalLane {
  /** Discriminant. */
  kind: 'end-of-candidates';
}

/** A WebRTC signaling payload relayed between two members of a room. */
export type Signal = DescriptionSignal | CandidateSignal | EndOfCandidatesSignal;

/** An ICE server, as in the W3C `RTCIceServer`. */
export interface IceServer {
  /** One URL or a list of URLs (`stun:`, `stuns:`, `turn:`, `turns:`). */
  urls: string | string[];
  /** TURN username. */
  username?: string;
  /** TURN credential. */
  credential?: string;
}

/** The lobby's limits a client needs to know, announced in `welcome`. All are non-negative integers. */
export interface LobbyLimits {
  /** Largest relay payload (after the relay header), in bytes. */
  maxRelayPayloadBytes: number;
  /** Largest control frame the client may send, in bytes (at most `MAX_CONTROL_FRAME_BYTES`). */
  maxControlFrameBytes: number;
  /** Frames (control and relay) per second the client may send, sustained. */
  maxMessagesPerSecond: number;
  /** Bytes per second the client may send, sustained. */
  maxBytesPerSecond: number;
  /** How often the client should send a frame (a `ping` if idle), in milliseconds. */
  heartbeatIntervalMs: number;
  /** The lobby closes a connection silent for this long (close 4007), in milliseconds. */
  idleTimeoutMs: number;
  /** How long a dropped player may resume with the session token, in milliseconds. */
  resumeGraceMs: number;
}

/** A room, as seen by one of its members. */
export interface RoomInfo {
  /** Room id. */
  id: string;
  /** Join code (share it to invite). */
  code: string;
  /** Display name. */
  name: string;
  /** Maximum members. */
  capacity: number;
  /** Listed or not. */
  visibility: Visibility;
  /** Current metadata (possibly empty). */
  metadata: Metadata;
  /** Player id of the host. */
  hostId: string;
}

/** Another member of your room. */
export interface Member {
  /** Player id. */
  id: string;
  /** Display name. */
  name: string;
  /** The member's per-room relay index (source index of its relay frames). */
  peerIndex: number;
  /** Optional member metadata (set by the lobby, e.g. from the authenticate hook). */
  metadata?: Metadata;
  /** Whether this member is the host. */
  isHost: boolean;
  /**
   * A random nonce the lobby issued for the pair (you, this member); the
   * member receives the same value for the pair. Used to validate a direct link.
   */
  pairNonce: string;
}

/** A public room in a listing. Never carries the password or the join code. */
export interface RoomSummary {
  /** Room id (join with `room:join { roomId }`). */
  id: string;
  /** Display name. */
  name: string;
  /** Current member count. */
  members: number;
  /** Maximum members. */
  capacity: number;
  /** Whether joining needs a password. */
  hasPassword: boolean;
  /** Current metadata (possibly empty). */
  metadata: Metadata;
}

// ---------------------------------------------------------------- client → lobby

/** First message of a connection. Answered by `welcome` (or `error` + close). */
export interface HelloMessage {
  /** Message type discriminator. */
  type: 'hello';
  /** Correlates the answer. */
  requestId: number;
  /** The client's lobby protocol version. */
  protocolVersion: number;
  /** Desired display name. */
  name?: string;
  /** Opaque credentials for the lobby's authenticate hook. */
  auth?: string;
  /** Session token from a previous `welcome`, to resume that player. */
  resumeToken?: string;
  /**
   * Sent with `resumeToken` by a client that was in a room: lets a lobby
   * that lost its state (a restart) restore the same player in the same
   * room. Ignored when the token is still known.
   */
  restore?: RoomRestore;
}

/** What a client brings back to a restarted lobby (`hello.restore`). */
export interface RoomRestore {
  /** The latest `room:joined.ticket`: sealed by the lobby, opaque to clients. */
  ticket: string;
  /** The room metadata the client last saw (the restored room starts with it). */
  metadata?: Metadata;
}

/** Create a room and join it. */
export interface RoomCreateMessage extends RoomOptions {
  /** Message type discriminator. */
  type: 'room:create';
  /** Correlates the answer. */
  requestId: number;
}

/** List public rooms. */
export interface RoomListMessage {
  /** Message type discriminator. */
  type: 'room:list';
  /** Correlates the answer. */
  requestId: number;
  /** Optional filter. */
  filter?: RoomFilter;
  /** Most rooms to return, 1..`MAX_ROOMS_LISTED` (default: the lobby's choice, at most that). */
  limit?: number;
  /** Rooms of the full, ordered list to skip (paging): 0.. . Default 0. */
  offset?: number;
}

/** Join a room by id or by code (exactly one of the two). */
export type RoomJoinMessage = {
  /** Message type discriminator. */
  type: 'room:join';
  /** Correlates the answer. */
  requestId: number;
  /** The room's password, if it has one. */
  password?: string;
} & (
  | {
      /** Id of the room to join. */
      roomId: string;
      /** Not used with `roomId`. */
      code?: undefined;
    }
  | {
      /** Short join code of the room to join. */
      code: string;
      /** Not used with `code`. */
      roomId?: undefined;
    }
);

/** Join the best matching public room, or create one with `create` if none matches. */
export interface RoomQuickJoinMessage {
  /** Message type discriminator. */
  type: 'room:quick-join';
  /** Correlates the answer. */
  requestId: number;
  /** Which rooms qualify (rooms with a password never do; full rooms never do). */
  filter?: RoomFilter;
  /** Room to create when none matches; without it the answer is `error` `NoMatchingRoom`. */
  create?: RoomOptions;
}

/** Leave the current room. */
export interface RoomLeaveMessage {
  /** Message type discriminator. */
  type: 'room:leave';
  /** Correlates the answer. */
  requestId: number;
}

/** Replace the room's metadata (host only). */
export interface RoomSetMetadataMessage {
  /** Message type discriminator. */
  type: 'room:set-metadata';
  /** Correlates the answer. */
  requestId: number;
  /** The new metadata (replaces the old map). */
  metadata: Metadata;
}

/** Send a WebRTC signal to another member of the room. There is no `from`: the lobby stamps it. */
export interface ClientSignalMessage {
  /** Message type discriminator. */
  type: 'signal';
  /** Correlates an `error` answer (no answer on success). */
  requestId: number;
  /** Recipient player id. */
  to: string;
  /** The signal. */
  signal: Signal;
}

/** Heartbeat / RTT probe. */
export interface PingMessage {
  /** Message type discriminator. */
  type: 'ping';
  /** Correlates the answer. */
  requestId: number;
  /** Any finite number (typically the client's clock in ms), echoed in `pong`. */
  t: number;
}

/**
 * The NAT behaviour a client saw on one pair, from its WebRTC stats: whether
 * ICE ever connected, and the candidate types of the selected candidate
 * pair of the latest link that connected. No address is sent.
 */
export interface TelemetryNat {
  /** What the pair's WebRTC attempts achieved so far. */
  ice: TelemetryIceOutcome;
  /** This side's candidate type on the selected pair (absent: no link connected yet). */
  local?: IceCandidateType;
  /** The peer's candidate type on the selected pair (absent: no link connected yet). */
  remote?: IceCandidateType;
}

/** One pair as a client sees it, in a telemetry report. */
export interface TelemetryPair {
  /** The other player. */
  peerId: string;
  /** The path the pair's traffic takes now: the lobby relay, a TURN server, or direct. */
  path: 'relay' | 'turn' | 'direct';
  /** From meeting the peer to the first validated direct link, ms (absent: never direct). */
  timeToDirectMs?: number;
  /** Smoothed RTT on the active path, ms. */
  rttMs?: number;
  /**
   * Fallbacks to the relay since the last report, by reason (at most 8
   * reasons). Decoding maps a reason outside the fixed set to `other`.
   */
  fallbacks?: { reason: TelemetryFallbackReason; count: number }[];
  /** The NAT behaviour seen on this pair (absent: an older client). */
  nat?: TelemetryNat;
}

/**
 * Connectivity telemetry (client → lobby, not answered): what each of the
 * client's pairs is doing. Rate-limited by the lobby; a client may turn it off.
 */
export interface TelemetryMessage {
  /** Message type discriminator. */
  type: 'telemetry';
  /** Like every client message (nothing answers it). */
  requestId: number;
  /** At most 63 pairs. */
  pairs: TelemetryPair[];
}

/** Every message a client sends to the lobby (discriminated by `type`). */
export type ClientMessage =
  | HelloMessage
  | RoomCreateMessage
  | RoomListMessage
  | RoomJoinMessage
  | RoomQuickJoinMessage
  | RoomLeaveMessage
  | RoomSetMetadataMessage
  | ClientSignalMessage
  | PingMessage
  | TelemetryMessage;

// ---------------------------------------------------------------- lobby → client

/** Answer to `hello`. */
export interface WelcomeMessage {
  /** Message type discriminator. */
  type: 'welcome';
  /** The `hello`'s request id. */
  requestId: number;
  /** The protocol version the lobby speaks on this connection. */
  protocolVersion: number;
  /** Your player id. */
  playerId: string;
  /** Secret token (≥ 128 random bits) to resume this player after a disconnect (`hello.resumeToken`). */
  sessionToken: string;
  /** Whether this connection resumed an earlier session (an unsolicited `room:joined` came first if still in a room). */
  resumed: boolean;
  /** True when the lobby had lost the session (it restarted) and restored player and room from `hello.restore`. */
  restored?: boolean;
  /** ICE servers to use for direct links (may be empty). */
  iceServers: IceServer[];
  /** The lobby's limits. */
  limits: LobbyLimits;
  /** The lobby relays `signal.lane` (older lobbies drop it, so clients then open one attempt at a time). */
  signalLanes?: boolean;
}

/** You are in a room. */
export interface RoomJoinedMessage {
  /** Message type discriminator. */
  type: 'room:joined';
  /** The request's id; absent when unsolicited (after a resume). */
  requestId?: number;
  /** The room. */
  room: RoomInfo;
  /** Your own per-room data. */
  you: {
    /** Your peer index in this room: others see it as the source of your relay frames. */
    peerIndex: number;
  };
  /** The other members (not you). */
  members: Member[];
  /**
   * Sealed room ticket (opaque; ≤ `MAX_TICKET_LENGTH` characters): keep the
   * latest and send it as `hello.restore.ticket` when resuming, so a
   * restarted lobby can restore this player in this room.
   */
  ticket?: string;
  /**
   * True when the room was restored after a lobby restart: members missing
   * from `members` may still come back (as `presence:join` of a known id)
   * within `limits.resumeGraceMs`.
   */
  restored?: boolean;
}

/** Answer to `room:list`. */
export interface RoomListResultMessage {
  /** Message type discriminator. */
  type: 'room:list-result';
  /** The request's id. */
  requestId: number;
  /** At most `MAX_ROOMS_LISTED` public rooms. */
  rooms: RoomSummary[];
  /** How many rooms match in all (for paging with `offset`); absent from lobbies before paging. */
  total?: number;
}

/** You are no longer in a room. */
export interface RoomLeftMessage {
  /** Message type discriminator. */
  type: 'room:left';
  /** The `room:leave` request's id; absent when not requested (kicked, room closed). */
  requestId?: number;
  /** Why. */
  reason: LeaveReason;
}

/** A member joined your room. */
export interface PresenceJoinMessage {
  /** Message type discriminator. */
  type: 'presence:join';
  /** The newcomer (with the pair nonce for you and them). */
  member: Member;
  /**
   * A fresh room ticket for you (the room's members changed): replaces the
   * one from `room:joined`. Absent from lobbies that do not seal tickets.
   */
  ticket?: string;
}

/** A member left your room. */
export interface PresenceLeaveMessage {
  /** Message type discriminator. */
  type: 'presence:leave';
  /** Who. */
  playerId: string;
  /** Why. */
  reason: LeaveReason;
  /**
   * A fresh room ticket for you (the room's members changed): replaces the
   * one from `room:joined`. Absent from lobbies that do not seal tickets.
   */
  ticket?: string;
}

/** A member's connection to the lobby dropped; direct links may still work. */
export interface PresenceReconnectingMessage {
  /** Message type discriminator. */
  type: 'presence:reconnecting';
  /** Who. */
  playerId: string;
}

/** A reconnecting member resumed (same id, same peer index). */
export interface PresenceBackMessage {
  /** Message type discriminator. */
  type: 'presence:back';
  /** Who. */
  playerId: string;
}

/** The room has a new host. */
export interface HostChangeMessage {
  /** Message type discriminator. */
  type: 'host:change';
  /** The new host's player id. */
  hostId: string;
}

/** The room's metadata changed. */
export interface RoomMetadataMessage {
  /** Message type discriminator. */
  type: 'room:metadata';
  /** The `room:set-metadata` request's id, only in the copy sent to the member who asked. */
  requestId?: number;
  /** The complete new metadata. */
  metadata: Metadata;
}

/** A signal from another member, stamped by the lobby. */
export interface ServerSignalMessage {
  /** Message type discriminator. */
  type: 'signal';
  /** Sender's player id (set by the lobby, never by a client). */
  from: string;
  /** The signal. */
  signal: Signal;
}

/** A request failed, or a connection-level problem. */
export interface ErrorMessage {
  /** Message type discriminator. */
  type: 'error';
  /** The failed request's id, when the error answers a request whose id could be read. */
  requestId?: number;
  /** A `LobbyErrorCode` value (unknown codes are possible from newer lobbies). */
  code: number;
  /** Human-readable text, at most `MAX_ERROR_MESSAGE_LENGTH`. */
  message: string;
  /** With `LobbyErrorCode.Redirect`: where the room lives (a cluster's other node). */
  redirect?: LobbyRedirect;
}

/**
 * Where to go instead (a lobby cluster: the room's relay lives on one node).
 * The client connects to `url` as a new player and joins `roomId`; a
 * redirected `hello` (a resume or a restore) is sent again, unchanged, to `url`.
 */
export interface LobbyRedirect {
  /** The owning node's public WebSocket URL (`ws:` or `wss:`). */
  url: string;
  /** The room to join there (absent when a `hello` was redirected). */
  roomId?: string;
}

/** Answer to `ping`. */
export interface PongMessage {
  /** Message type discriminator. */
  type: 'pong';
  /** The `ping`'s request id. */
  requestId: number;
  /** The `ping`'s `t`, unchanged. */
  t: number;
}

/** A message from the game's server code to a room or a player. */
export interface ServerPushMessage {
  /** Message type discriminator. */
  type: 'server:message';
  /** `room`: to every member of your room; `player`: to you alone. */
  scope: 'room' | 'player';
  /** What it is about (1..32 characters of `[A-Za-z0-9_.:-]`), for the game to dispatch on. */
  topic: string;
  /** The content: flat metadata (strings, numbers, booleans; ≤ 1 KiB encoded). */
  data: Metadata;
}

/** Fresh STUN/TURN servers for new direct attempts: replaces `welcome.iceServers`. */
export interface IceServersMessage {
  /** Message type discriminator. */
  type: 'ice:servers';
  /** The servers, TURN entries with fresh credentials. */
  iceServers: IceServer[];
}

/** Every message the lobby sends to a client (discriminated by `type`). */
export type ServerMessage =
  | WelcomeMessage
  | RoomJoinedMessage
  | RoomListResultMessage
  | RoomLeftMessage
  | PresenceJoinMessage
  | PresenceLeaveMessage
  | PresenceReconnectingMessage
  | PresenceBackMessage
  | HostChangeMessage
  | RoomMetadataMessage
  | ServerSignalMessage
  | ErrorMessage
  | PongMessage
  | ServerPushMessage
  | IceServersMessage;
