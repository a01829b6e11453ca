/**
 * The Handoff lobby server: rooms, identity, WebRTC signaling, a relay that
 * carries game traffic from the first moment, and a STUN responder — one
 * process, every input validated, every limit a named option.
 *
 * @example
 * ```ts
 * import { createLobbyServer } from '@handoff/lobby';
 *
 * const lobby = createLobbyServer({ port: 8080, limits: { maxMembersPerRoom: 8 } });
 * const { port } = await lobby.start();
 * console.log(`lobby on ws://localhost:${port}`);
 * process.on('SIGTERM', () => lobby.stop().then(() => process.exit(0)));
 * ```
 *
 * @packageDocumentation
 */
export {
  type PairView,
  TELEMETRY_REPORT_BURST,
  TELEMETRY_REPORTS_PER_SECOND,
  type TelemetryReportOutcome,
} from './admin/telemetry.js';
export type { LobbyEvents } from './events.js';
export { createLobbyServer, type LobbyAddress, LobbyServer } from './lobby-server.js';
export {
  type Authenticate,
  type AuthenticatedPlayer,
  type AuthenticateRequest,
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  DEFAULT_RELAY_FLUSH_WINDOW_MS,
  LOBBY_LIMIT_DEFAULTS,
  type LobbyLimitOptions,
  type LobbyServerOptions,
  MIN_RESUME_SECRET_LENGTH,
} from './options.js';
export type { StunRejectReason } from './stun/binding-responder.js';
export {
  createStunServer,
  DEFAULT_STUN_MAX_REQUESTS_PER_SECOND_PER_IP,
  DEFAULT_STUN_MAX_TRACKED_IPS,
  DEFAULT_STUN_SOFTWARE,
  type StunRequestEvent,
  type StunServer,
  type StunServerAddress,
  type StunServerOptions,
} from './stun/stun-server.js';
export {
  DEFAULT_TURN_TTL_SECONDS,
  type TurnOptions,
  turnCredential,
} from './turn-credentials.js';
