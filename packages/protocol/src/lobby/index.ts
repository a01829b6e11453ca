/**
 * The lobby wire schema, shared by the lobby server and the client:
 * frame kinds, relay frames, control messages (types, validation,
 * encode/decode), the message-type table, limits, error and close codes.
 * Specified in `docs/protocol.md`.
 *
 * @module
 */

export { validateClientMessage } from './client-messages.js';
export { LobbyCloseCode, type LobbyCloseCodeValue, shouldReconnectAfterClose } from './close-codes.js';
export {
  type ControlSender,
  decodeClientMessage,
  decodeControl,
  decodeServerMessage,
  encodeClientMessage,
  encodeControl,
  encodeServerMessage,
} from './control-codec.js';
export { LobbyErrorCode, type LobbyErrorCodeValue, lobbyErrorCodeName } from './error-codes.js';
export {
  expectMetadata,
  ICE_URL_PATTERN,
  ID_PATTERN,
  METADATA_KEY_PATTERN,
  metadataEncodedSize,
  ROOM_CODE_PATTERN,
  TICKET_PATTERN,
  TOKEN_PATTERN,
} from './fields.js';
export {
  BROADCAST_HEADER_BYTES,
  broadcastToRelay,
  decodeBroadcast,
  decodeRelay,
  encodeBroadcast,
  encodeRelay,
  FrameKind,
  type FrameKindValue,
  peekFrameKind,
  RELAY_HEADER_BYTES,
  type RelayFrame,
  type RelayOptions,
  readRelayPeerIndex,
  writeRelayPeerIndex,
} from './frame.js';
export * from './limits.js';
export {
  ClientMessageType,
  type ClientMessageTypeValue,
  ServerMessageType,
  type ServerMessageTypeValue,
} from './message-types.js';
export {
  BUNDLE_ENTRY_HEADER_BYTES,
  BUNDLE_HEADER_BYTES,
  DEFAULT_MAX_RELAY_BUNDLE_BYTES,
  forEachBundleEntry,
  RelayBundleWriter,
  validateBundle,
} from './relay-bundle.js';
export { validateServerMessage } from './server-messages.js';
export * from './telemetry.js';
export * from './types.js';
export {
  isSupportedLobbyProtocolVersion,
  LOBBY_PROTOCOL_VERSION,
  RELAY_BUNDLE_PROTOCOL_VERSION,
  SUPPORTED_LOBBY_PROTOCOL_VERSIONS,
} from './version.js';
