/**
 * The Handoff client that games embed: a lobby connection with rooms,
 * presence, signaling and the relay, which reconnects and resumes by itself.
 * (Peer links with the direct WebRTC upgrade build on it.)
 *
 * @packageDocumentation
 */

export type { LinkConditioner, LinkConditions } from './conditioner/link-conditioner.js';
export { type DirectRetry, TURN_LANE_DELAY_MS } from './direct/direct-controller.js';
export type { DirectTiming } from './direct/direct-link.js';
export { type RtcPeerConnectionConstructor, WebRtcUnavailableError } from './direct/webrtc.js';
export * from './interpolation/index.js';
export type { ReconnectOptions } from './lobby-client/backoff.js';
export { connect } from './lobby-client/connect.js';
export {
  LobbyConnectionError,
  LobbyRequestError,
  OperationAbortedError,
  RequestTimeoutError,
  UnknownPeerError,
  WebSocketUnavailableError,
} from './lobby-client/errors.js';
export type { LobbyClientEvents } from './lobby-client/events.js';
export {
  type ConnectionState,
  type ConnectOptions,
  DEFAULT_CHANNELS,
  type DefaultChannels,
  LobbyClient,
} from './lobby-client/lobby-client.js';
export type { RequestOptions } from './lobby-client/pending-requests.js';
export type { LobbySocket, LobbySocketConstructor } from './lobby-client/websocket.js';
export {
  type ChannelSpec,
  type ChannelSpecs,
  type CodecChannelSpec,
  defineChannels,
  type PositionChannelSpec,
  positionChannel,
} from './room/channels.js';
export type { PathKind, Peer } from './room/peer.js';
export type { PathTraffic, PeerStats } from './room/peer-link.js';
export {
  DIRECT_RETRY_DEFAULTS,
  DIRECT_TIMING_DEFAULTS,
  Room,
  type RoomBehaviour,
  type RoomEvents,
  type RoomMessage,
} from './room/room.js';
export { TELEMETRY_INTERVAL_MS } from './room/telemetry-reporter.js';
