import { ErrorCode, HandoffError } from '@handoff/protocol';
import { type LobbyRedirect, lobbyErrorCodeName } from '@handoff/protocol/lobby';

/** The lobby answered a request with an `error`. `lobbyCode` is the lobby's `LobbyErrorCode`. */
export class LobbyRequestError extends HandoffError {
  /** The lobby's error code (`LobbyErrorCode`, e.g. 7 = RoomFull). */
  readonly lobbyCode: number;
  /** The code's name, e.g. `RoomFull`. */
  readonly lobbyCodeName: string;

  /** With `LobbyErrorCode.Redirect` (a cluster): where the room lives. `LobbyClient` follows it by itself. */
  readonly redirect: LobbyRedirect | undefined;

  constructor(lobbyCode: number, message: string, redirect?: LobbyRedirect) {
    super(ErrorCode.LobbyRefused, message);
    this.name = 'LobbyRequestError';
    this.lobbyCode = lobbyCode;
    this.lobbyCodeName = lobbyErrorCodeName(lobbyCode) ?? `code ${lobbyCode}`;
    this.redirect = redirect;
  }
}

/** A request got no answer within its timeout. */
export class RequestTimeoutError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.Timeout, message);
    this.name = 'RequestTimeoutError';
  }
}

/** The caller's `AbortSignal` fired. */
export class OperationAbortedError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.Aborted, message);
    this.name = 'OperationAbortedError';
  }
}

/** The lobby connection closed (or could not be opened). `closeCode` is the WebSocket close code, if any. */
export class LobbyConnectionError extends HandoffError {
  /** WebSocket close code (4000+ are the lobby's, see `LobbyCloseCode`), or undefined if it never opened. */
  readonly closeCode: number | undefined;

  constructor(message: string, closeCode?: number) {
    super(ErrorCode.ConnectionClosed, message);
    this.name = 'LobbyConnectionError';
    this.closeCode = closeCode;
  }
}

/**
 * No WebSocket implementation in this runtime: Node 20 has no global
 * `WebSocket`, and the optional `ws` package is not installed. Install it
 * (`npm install ws`) or pass `options.WebSocket`. Node 22+ and browsers
 * have their own.
 */
export class WebSocketUnavailableError extends HandoffError {
  /** The package that would provide a WebSocket here (`'ws'`). */
  readonly packageName: string;

  constructor(message: string, packageName: string, options?: { cause?: unknown }) {
    super(ErrorCode.ConnectionClosed, message, options);
    this.name = 'WebSocketUnavailableError';
    this.packageName = packageName;
  }
}

/** A player id that is not (or no longer) a member of the room. */
export class UnknownPeerError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.UnknownPeer, message);
    this.name = 'UnknownPeerError';
  }
}
