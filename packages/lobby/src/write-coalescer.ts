import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Something that has frames waiting to be written. */
export interface Flushable {
  flush(): void;
}

/**
 * Batches every socket write of one event-loop turn: connections with queued
 * frames register here, and one `setImmediate` writes them all, each socket
 * corked so its frames leave in a single `writev` system call. Relaying a
 * 30 Hz game to 32 members is thousands of tiny frames a second; one syscall
 * per frame is what made the naive relay slow.
 */
export class WriteCoalescer {
  private pending: Flushable[] = [];
  private scheduled = false;
  private readonly run = (): void => {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const connection of batch) connection.flush();
  };

  /** Flushes `connection` at the end of this turn. Call once per connection per turn. */
  schedule(connection: Flushable): void {
    this.pending.push(connection);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }
}

/** The TCP socket under a `ws` WebSocket (a private field of ws 8; undefined if that ever changes). */
export function underlyingSocket(ws: WebSocket): Socket | undefined {
  const socket = (ws as unknown as { _socket?: unknown })._socket;
  return socket !== null && typeof socket === 'object' && 'cork' in socket ? (socket as Socket) : undefined;
}
