export type { RefuseMessage, SessionHandlers } from './delivery-queue.js';
export { SEND_RATE_DEFAULTS, type SendRateOptions } from './send-rate.js';
export { Session } from './session.js';
export {
  type ChannelDefinition,
  type ChannelKind,
  type ResolvedSessionOptions,
  SESSION_DEFAULTS,
  type SessionOptions,
} from './session-options.js';
export type { SessionStats } from './session-stats.js';
export { FrameType, MAX_CHANNELS, SESSION_VERSION } from './wire-format.js';
