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

/** A player id that is not (or no longer) a member of the room. */
export class UnknownPeerError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.UnknownPeer, message);
    this.name = 'UnknownPeerError';
  }
}
