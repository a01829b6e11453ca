/**
 * The closed vocabularies of connectivity telemetry (`telemetry` messages).
 * The lobby turns these values into Prometheus labels, so every one is a
 * fixed set: a client cannot create new label values (an unknown fallback
 * reason becomes `other` when decoded).
 *
 * @module
 */

import { MAX_ROOM_CAPACITY } from './limits.js';

/**
 * Why a pair fell back from a WebRTC link to the relay, as `@handoff/transport`
 * reports it:
 * - `connection-failed` / `connection-closed`: the `RTCPeerConnection` state became `failed` / `closed`;
 * - `channel-closed`: the data channel closed;
 * - `heartbeats-missed`: no heartbeat answered in time (the path died silently);
 * - `timeout`: an attempt was not validated in time;
 * - `pair-proof`: the pair nonce proof could not be made or was wrong;
 * - `signaling`: a description or candidate from the peer could not be applied;
 * - `offer-failed`: creating the offer failed;
 * - `no-webrtc`: no WebRTC implementation could be loaded;
 * - `replaced`: a new attempt replaced the link;
 * - `not-relayed`: `turn-only` refused a link that was not relayed;
 * - `other`: anything else (also what an unknown reason decodes to).
 */
export const TELEMETRY_FALLBACK_REASONS = [
  'connection-failed',
  'connection-closed',
  'channel-closed',
  'heartbeats-missed',
  'timeout',
  'pair-proof',
  'signaling',
  'offer-failed',
  'no-webrtc',
  'replaced',
  'not-relayed',
  'other',
] as const;

/** One of {@link TELEMETRY_FALLBACK_REASONS}. */
export type TelemetryFallbackReason = (typeof TELEMETRY_FALLBACK_REASONS)[number];

const FALLBACK_REASONS: ReadonlySet<string> = new Set(TELEMETRY_FALLBACK_REASONS);

/** `reason` if it is one of {@link TELEMETRY_FALLBACK_REASONS}, else `other`. */
export function telemetryFallbackReason(reason: string): TelemetryFallbackReason {
  return FALLBACK_REASONS.has(reason) ? (reason as TelemetryFallbackReason) : 'other';
}

/** ICE candidate types (RFC 8445): host, server reflexive, peer reflexive, relayed (TURN). */
export const ICE_CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;

/** One of {@link ICE_CANDIDATE_TYPES}. */
export type IceCandidateType = (typeof ICE_CANDIDATE_TYPES)[number];

/**
 * What a pair's WebRTC attempts achieved so far, from this side:
 * - `untried`: no attempt has run (direct off, no WebRTC, or not started yet);
 * - `unreached`: attempts ran but ICE never connected (blocked UDP, NATs that cannot be traversed without TURN);
 * - `reached`: ICE connected at least once (the NATs let a candidate pair through).
 */
export const TELEMETRY_ICE_OUTCOMES = ['untried', 'unreached', 'reached'] as const;

/** One of {@link TELEMETRY_ICE_OUTCOMES}. */
export type TelemetryIceOutcome = (typeof TELEMETRY_ICE_OUTCOMES)[number];

/** Most pairs in one telemetry report (every other member of a room of 64). */
export const MAX_TELEMETRY_PAIRS = MAX_ROOM_CAPACITY - 1;

/** Most fallback reasons in one pair of a telemetry report. */
export const MAX_TELEMETRY_FALLBACK_REASONS = 8;
