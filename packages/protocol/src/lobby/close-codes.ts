/**
 * WebSocket close codes used by the lobby (the 4000–4999 private range).
 * Numbers are stable: never renumber, only append.
 *
 * @module
 */

/** Stable WebSocket close codes sent by the lobby. */
export const LobbyCloseCode = {
  /** The client broke the protocol: undecodable frame, unknown frame kind, bad relay header. */
  ProtocolError: 4000,
  /** The `hello` protocol version is not supported. */
  UnsupportedVersion: 4001,
  /** The authenticate hook rejected the client. */
  AuthFailed: 4002,
  /** The client exceeded its message or byte rate repeatedly. */
  RateLimited: 4003,
  /** A frame exceeded the maximum frame size. */
  MessageTooLarge: 4004,
  /** The client did not drain its socket: the lobby's send queue for it overflowed. */
  SlowConsumer: 4005,
  /** Too many connections from the client's address. */
  TooManyConnections: 4006,
  /** No frame (or heartbeat) within the idle timeout. */
  IdleTimeout: 4007,
  /** The lobby is shutting down; reconnect (to another instance) later. */
  ServerShutdown: 4008,
  /** The same session was resumed on another connection; this one is obsolete. */
  SessionReplaced: 4009,
  /** The resume token is unknown, expired or already used. */
  InvalidResumeToken: 4010,
  /** An operator or the game server removed the player. */
  Kicked: 4011,
  /** No `hello` within the handshake timeout. */
  HandshakeTimeout: 4012,
} as const;

/** One of the values of {@link LobbyCloseCode}. */
export type LobbyCloseCodeValue = (typeof LobbyCloseCode)[keyof typeof LobbyCloseCode];

/**
 * Whether a client should reconnect automatically (with backoff) after the
 * lobby closed with `code`. Unknown 4xxx codes: no; other codes (network
 * errors, 1001, 1006, ...): yes.
 */
export function shouldReconnectAfterClose(code: number): boolean {
  switch (code) {
    case LobbyCloseCode.RateLimited:
    case LobbyCloseCode.SlowConsumer:
    case LobbyCloseCode.TooManyConnections:
    case LobbyCloseCode.IdleTimeout:
    case LobbyCloseCode.ServerShutdown:
    case LobbyCloseCode.HandshakeTimeout:
      return true;
    case LobbyCloseCode.InvalidResumeToken:
      // Reconnect, but as a new player (without the resume token).
      return true;
    default:
      return code < 4000 || code > 4999;
  }
}
