import type { ServerMessage } from '@handoff/protocol/lobby';
import {
  LobbyConnectionError,
  LobbyRequestError,
  OperationAbortedError,
  RequestTimeoutError,
} from './errors.js';

interface Pending {
  /** Settles with the answer; runs synchronously inside {@link PendingRequests.answer}. */
  resolve(message: ServerMessage): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
  cleanup(): void;
}

/** Options every request takes. */
export interface RequestOptions {
  /** Give up after this many ms (`RequestTimeoutError`). Default: the client's `requestTimeoutMs`. */
  timeoutMs?: number;
  /** Abort the wait (`OperationAbortedError`). The lobby may still carry the request out. */
  signal?: AbortSignal;
}

/** Requests waiting for their answer, by request id. */
export class PendingRequests {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** A fresh request id (u32, wrapping, never 0). */
  allocate(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    return id;
  }

  /**
   * Waits for the answer to `requestId`; `error` answers reject with
   * `LobbyRequestError`. `adopt`, if given, turns the answer into the result
   * synchronously, as the answer is routed — before any later frame from the
   * lobby is handled (a joined room must exist before the presence events
   * that follow its `room:joined` in the same read). If it throws, the
   * request rejects with that error.
   */
  wait<T = ServerMessage>(
    requestId: number,
    description: string,
    timeoutMs: number,
    signal?: AbortSignal,
    adopt?: (message: ServerMessage) => T,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new OperationAbortedError(`${description}: aborted`));
        return;
      }
      const onAbort = (): void => {
        this.settle(requestId)?.reject(new OperationAbortedError(`${description}: aborted`));
      };
      const timer = setTimeout(() => {
        this.settle(requestId)?.reject(
          new RequestTimeoutError(`${description}: no answer in ${timeoutMs} ms`),
        );
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(requestId, {
        resolve: (message) => {
          if (adopt === undefined) {
            resolve(message as T);
            return;
          }
          try {
            resolve(adopt(message));
          } catch (error) {
            reject(error as Error);
          }
        },
        reject,
        timer,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
    });
  }

  /** Routes an answer; returns false if nobody waits for it. */
  answer(message: ServerMessage): boolean {
    if (!('requestId' in message) || message.requestId === undefined) return false;
    const pending = this.settle(message.requestId);
    if (pending === undefined) return false;
    if (message.type === 'error')
      pending.reject(new LobbyRequestError(message.code, message.message, message.redirect));
    else pending.resolve(message);
    return true;
  }

  /** Fails every waiting request (the connection dropped: each may or may not have been carried out). */
  failAll(reason: string, closeCode?: number): void {
    for (const id of [...this.pending.keys()])
      this.settle(id)?.reject(new LobbyConnectionError(reason, closeCode));
  }

  private settle(requestId: number): Pending | undefined {
    const pending = this.pending.get(requestId);
    if (pending === undefined) return undefined;
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    pending.cleanup();
    return pending;
  }
}
