/**
 * The Handoff client that games embed: a lobby connection with rooms,
 * presence, signaling and the relay, which reconnects and resumes by itself.
 * (Peer links with the direct WebRTC upgrade build on it.)
 *
 * @packageDocumentation
 */
export type { ReconnectOptions } from './lobby-client/backoff.js';
export { connect } from './lobby-client/connect.js';
export {
  LobbyConnectionError,
  LobbyRequestError,
  OperationAbortedError,
  RequestTimeoutError,
} from './lobby-client/errors.js';
export type { LobbyClientEvents } from './lobby-client/events.js';
export { type ConnectionState, type ConnectOptions, LobbyClient } from './lobby-client/lobby-client.js';
export type { RequestOptions } from './lobby-client/pending-requests.js';
export type { LobbySocket, LobbySocketConstructor } from './lobby-client/websocket.js';
