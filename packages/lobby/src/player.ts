import type { Metadata } from '@handoff/protocol/lobby';
import { TELEMETRY_REPORT_BURST } from './admin/telemetry.js';
import type { ClientConnection } from './client-connection.js';
import type { LobbyLimitOptions } from './options.js';
import type { Room } from './room.js';
import { TokenBucket } from './token-bucket.js';

/**
 * A player known to the lobby. Outlives its connection by the resume grace
 * period, so a player whose socket drops keeps its id, room and peer index.
 */
export class Player {
  /** Current connection, or undefined while the player is reconnecting. */
  connection: ClientConnection | undefined;
  /** Session token the player may resume with (replaced on every resume: single use). */
  token: string;
  /** The room the player is in. */
  room: Room | undefined;
  /** Peer index in `room`. */
  peerIndex = -1;
  /** Fires when the resume grace period ends. */
  graceTimer: NodeJS.Timeout | undefined;
  /** In a cluster: its identity was handed to another node with a redirect, so a dropped socket ends it here at once. */
  movedToNode = false;
  readonly roomCreations: TokenBucket;
  readonly signals: TokenBucket;
  readonly wrongPasswords: TokenBucket;
  readonly failedCodeLookups: TokenBucket;
  readonly roomLists: TokenBucket;
  /** Telemetry reports: `limits.maxTelemetryReportsPerSecond` (bursts of {@link TELEMETRY_REPORT_BURST}); more are dropped unanswered. */
  readonly telemetryReports: TokenBucket;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly metadata: Metadata | undefined,
    token: string,
    limits: LobbyLimitOptions,
    now: number,
  ) {
    this.token = token;
    this.roomCreations = new TokenBucket(
      limits.maxRoomsCreatedPerMinute / 60,
      limits.maxRoomsCreatedPerMinute,
      now,
    );
    this.signals = new TokenBucket(limits.maxSignalsPerSecond, limits.maxSignalsPerSecond, now);
    this.wrongPasswords = new TokenBucket(
      limits.maxWrongPasswordsPerMinute / 60,
      limits.maxWrongPasswordsPerMinute,
      now,
    );
    this.failedCodeLookups = new TokenBucket(
      limits.maxFailedCodeLookupsPerMinute / 60,
      limits.maxFailedCodeLookupsPerMinute,
      now,
    );
    this.telemetryReports = new TokenBucket(limits.maxTelemetryReportsPerSecond, TELEMETRY_REPORT_BURST, now);
    this.roomLists = new TokenBucket(
      limits.maxRoomListsPerMinute / 60,
      Math.min(5, limits.maxRoomListsPerMinute),
      now,
    );
  }

  /** Queues a frame to the player's socket, if connected. */
  send(frame: Uint8Array): void {
    this.connection?.send(frame);
  }
}
