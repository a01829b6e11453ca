/**
 * Lobby error codes, carried by `error` messages. Numbers are stable: never
 * renumber, only append. Clients must treat an unknown code like
 * {@link LobbyErrorCode.Internal}.
 *
 * @module
 */

/** Stable numeric codes of lobby `error` messages. */
export const LobbyErrorCode = {
  /** The request was malformed or failed validation (a field's type, length, range or enum value). */
  BadRequest: 1,
  /** The client's protocol version is not supported (followed by close 4001). */
  UnsupportedVersion: 2,
  /** The authenticate hook rejected the credentials (followed by close 4002). */
  AuthFailed: 3,
  /** A request other than `hello` arrived before `welcome`, or `hello` was sent twice. */
  NotWelcomed: 4,
  /** Too many requests; slow down. The request was not executed. */
  RateLimited: 5,
  /** No room with that id or code. */
  RoomNotFound: 6,
  /** The room is at capacity. */
  RoomFull: 7,
  /** The room's password is missing or wrong. */
  WrongPassword: 8,
  /** The player is already in a room (leave it first). */
  AlreadyInRoom: 9,
  /** The request needs a room and the player is in none. */
  NotInRoom: 10,
  /** Only the room's host may do this. */
  NotHost: 11,
  /** The `signal` target is not a member of the sender's room. */
  PeerNotFound: 12,
  /** The client created too many rooms. */
  TooManyRooms: 13,
  /** `room:quick-join` found no matching room and had no `create` options. */
  NoMatchingRoom: 14,
  /** The frame exceeded a size limit. */
  MessageTooLarge: 15,
  /** The lobby is shutting down or over capacity; try again later. */
  Unavailable: 16,
  /** Unexpected server-side failure. */
  Internal: 17,
  /** The game's server code refused (a `canCreateRoom` / `canJoinRoom` hook); the message says why. */
  Refused: 18,
  /** This player or address is banned for now. */
  Banned: 19,
  /**
   * The room lives on another node of the cluster: the `error` carries
   * `redirect` (that node's public URL, and the room id). `@handoff/transport`
   * follows it by itself. (20: 18 and 19 are taken by Refused and Banned.)
   */
  Redirect: 20,
} as const;

/** One of the values of {@link LobbyErrorCode}. */
export type LobbyErrorCodeValue = (typeof LobbyErrorCode)[keyof typeof LobbyErrorCode];

/** Reverse lookup: the name of a known lobby error code, or `undefined`. */
export function lobbyErrorCodeName(code: number): keyof typeof LobbyErrorCode | undefined {
  for (const [name, value] of Object.entries(LobbyErrorCode)) {
    if (value === code) return name as keyof typeof LobbyErrorCode;
  }
  return undefined;
}
