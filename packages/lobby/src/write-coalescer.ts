import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Something that has frames waiting to be written. */
export interface Flushable {
  flush(): void;
}

/**
 * Batches socket writes: connections with queued frames register here and
 * are written together, each socket corked so its frames leave in a single
 * `writev` system call. Control replies go at the end of the current
 * event-loop turn ({@link schedule}); relayed datagrams may wait up to
 * `relayFlushWindowMs` ({@link scheduleRelay}) so that datagrams from several
 * senders to one recipient share one frame and one system call — relaying a
 * 60 Hz room of 32 is tens of thousands of tiny datagrams a second, and the
 * per-write cost (half of it in the kernel) is what a relay pays for.
 */
export class WriteCoalescer {
  private pending: Flushable[] = [];
  private scheduled = false;
  private windowed: Flushable[] = [];
  private windowTimer: NodeJS.Timeout | undefined;
  private readonly run = (): void => {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const connection of batch) connection.flush();
  };
  private readonly runWindow = (): void => {
    this.windowTimer = undefined;
    const batch = this.windowed;
    this.windowed = [];
    for (const connection of batch) connection.flush();
  };

  constructor(
    /** How long relayed datagrams may wait to share a frame, ms; 0 = the end of the turn. */
    readonly relayFlushWindowMs = 0,
  ) {}

  /** Flushes `connection` at the end of this turn. Call once per connection per flush. */
  schedule(connection: Flushable): void {
    this.pending.push(connection);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  /** Flushes `connection` within the relay flush window (or at the end of the turn without one). */
  scheduleRelay(connection: Flushable): void {
    if (this.relayFlushWindowMs <= 0) {
      this.schedule(connection);
      return;
    }
    this.windowed.push(connection);
    this.windowTimer ??= setTimeout(this.runWindow, this.relayFlushWindowMs);
  }

  /** Stops the window timer (the server is closing). */
  stop(): void {
    if (this.windowTimer !== undefined) clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
    this.windowed = [];
  }
}

/** The TCP socket under a `ws` WebSocket (a private field of ws 8; undefined if that ever changes). */
export function underlyingSocket(ws: WebSocket): Socket | undefined {
  const socket = (ws as unknown as { _socket?: unknown })._socket;
  return socket !== null && typeof socket === 'object' && 'cork' in socket ? (socket as Socket) : undefined;
}
