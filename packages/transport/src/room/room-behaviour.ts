import type { SessionOptions } from '@handoff/protocol';
import type { LinkConditioner } from '../conditioner/link-conditioner.js';
import type { DirectRetry } from '../direct/direct-controller.js';
import type { DirectTiming } from '../direct/direct-link.js';
import type { RtcPeerConnectionConstructor } from '../direct/webrtc.js';

/** Room behaviour options. */
export interface RoomBehaviour {
  /** Tick of acknowledgements and retransmission, ms. Default 10. */
  tickMs?: number;
  /** Session options other than the channels (window sizes, datagram size...). */
  session?: Omit<SessionOptions, 'channels'>;
  /**
   * `auto` (default): try a direct WebRTC link to every peer and move traffic
   * onto it once validated. With a TURN server, a TURN-relayed link is
   * tried beside it (from 300 ms on) and used while direct fails (path
   * `turn`); direct keeps being retried, and wins when it works.
   * `never` (privacy mode): the lobby relay only; no ICE candidate ever leaves
   * this client, so no player learns its IP address. `turn-only` (privacy
   * over UDP): WebRTC through a TURN server only (`iceTransportPolicy:
   * 'relay'`): peers see the TURN server's address, never this player's; it
   * needs TURN servers (the lobby's `turn` option, or `iceServers`).
   */
  direct?: 'auto' | 'never' | 'turn-only';
  /** Heartbeat and timeouts of direct links. */
  directTiming?: Partial<DirectTiming>;
  /** Backoff between direct attempts. */
  directRetry?: Partial<DirectRetry>;
  /** A W3C `RTCPeerConnection` implementation to use instead of the platform's. */
  RTCPeerConnection?: RtcPeerConnectionConstructor;
  /**
   * Simulated latency, jitter, loss and rate cap on outgoing traffic, per
   * path (also settable later: `room.conditioner`).
   */
  conditioner?: LinkConditioner;
}

/**
 * Default direct-link timing: a heartbeat every 450 ms; a link silent for
 * 1.4 s (three missed heartbeats) is dead, so traffic is back on the relay
 * within 1.5 s (the check runs every 100 ms).
 */
export const DIRECT_TIMING_DEFAULTS: DirectTiming = {
  heartbeatIntervalMs: 450,
  deadAfterMs: 1400,
  attemptTimeoutMs: 10_000,
};

/** Default backoff between direct attempts. */
export const DIRECT_RETRY_DEFAULTS: DirectRetry = { initialDelayMs: 1000, maxDelayMs: 30_000 };
