import type { SessionCounters } from './session-stats.js';

/**
 * Called by a handler to refuse an unreliable or sequenced message it could
 * not use (a position snapshot that failed to decode): the packet that
 * carried it is then never acknowledged, so the sender's `delivered` does
 * not fire for anything in it (a delta codec must not take a snapshot the
 * receiver failed to decode as a baseline). Does nothing for reliable
 * messages: they are delivered.
 */
export type RefuseMessage = () => void;

/** Receives what a session delivers. Exceptions thrown here propagate out of `receive` after the datagram is fully applied. */
export interface SessionHandlers {
  /**
   * A message arrived on channel index `channel`. `payload` may view the
   * received datagram's buffer: copy it if you reuse datagram buffers. Call
   * `refuse` for an unreliable message your codec could not use.
   */
  message(channel: number, payload: Uint8Array, refuse: RefuseMessage): void;
  /** A message sent with a `token` was acknowledged by the peer (unreliable: its packet was acked). */
  delivered?(channel: number, token: number): void;
  /**
   * A sequenced message arrived after a newer one and was not delivered.
   * Its packet is still acknowledged, so a delta codec whose baselines
   * follow acknowledgements (the position codec) should record it here,
   * and call `refuse` when it cannot (the packet is then left unacknowledged).
   */
  stale?(channel: number, payload: Uint8Array, refuse: RefuseMessage): void;
}

/**
 * What one datagram delivers, in the order it is handed out. Reused from
 * datagram to datagram: lists are overwritten by index and never shrunk
 * (a fresh set of lists per datagram was a main source of garbage on the
 * receive path, #11), and `clear` drops the payload references.
 */
class Deliveries {
  messages = 0;
  readonly messageChannels: number[] = [];
  readonly messagePayloads: (Uint8Array | undefined)[] = [];
  readonly messageRefusable: boolean[] = [];
  stale = 0;
  readonly staleChannels: number[] = [];
  readonly stalePayloads: (Uint8Array | undefined)[] = [];
  delivered = 0;
  readonly tokenChannels: number[] = [];
  readonly tokens: number[] = [];

  get empty(): boolean {
    return this.messages === 0 && this.stale === 0 && this.delivered === 0;
  }

  clear(): void {
    this.messagePayloads.fill(undefined, 0, this.messages);
    this.stalePayloads.fill(undefined, 0, this.stale);
    this.messages = 0;
    this.stale = 0;
    this.delivered = 0;
  }
}

/**
 * Collects deliveries while a datagram is applied and hands them to the
 * handlers only once the session's state is consistent again, so game code
 * that throws or re-enters the session cannot leave it half-updated.
 */
export class DeliveryQueue {
  /** Where deliveries are queued now. */
  private pending = new Deliveries();
  /** Emptied sets waiting for reuse (more than one only while handlers re-enter the session). */
  private readonly spare: Deliveries[] = [];
  /** A handler refused an unreliable message during the last {@link flush}. */
  refused = false;
  private readonly refuse: RefuseMessage = () => {
    this.refused = true;
  };
  private readonly ignoreRefusal: RefuseMessage = () => {};

  /** Queues a delivery; `refusable` for unreliable kinds, whose handler may refuse them. */
  pushMessage(channel: number, payload: Uint8Array, refusable: boolean): void {
    const pending = this.pending;
    const i = pending.messages++;
    pending.messageChannels[i] = channel;
    pending.messagePayloads[i] = payload;
    pending.messageRefusable[i] = refusable;
  }

  pushStale(channel: number, payload: Uint8Array): void {
    const pending = this.pending;
    const i = pending.stale++;
    pending.staleChannels[i] = channel;
    pending.stalePayloads[i] = payload;
  }

  pushDelivered(channel: number, token: number): void {
    const pending = this.pending;
    const i = pending.delivered++;
    pending.tokenChannels[i] = channel;
    pending.tokens[i] = token;
  }

  /** Calls the handlers for everything queued; rethrows the first handler exception after all ran. */
  flush(handlers: SessionHandlers, counters: SessionCounters): void {
    this.refused = false;
    const batch = this.pending;
    if (batch.empty) return;
    // Swap the set first so a handler that re-enters the session queues into another one and cannot disturb this loop.
    this.pending = this.spare.pop() ?? new Deliveries();
    try {
      this.hand(batch, handlers, counters);
    } finally {
      batch.clear();
      this.spare.push(batch);
    }
  }

  private hand(batch: Deliveries, handlers: SessionHandlers, counters: SessionCounters): void {
    counters.messagesReceived += batch.messages;
    let failure: unknown;
    let failed = false;
    for (let i = 0; i < batch.messages; i++) {
      try {
        handlers.message(
          batch.messageChannels[i]!,
          batch.messagePayloads[i]!,
          batch.messageRefusable[i]! ? this.refuse : this.ignoreRefusal,
        );
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
    const stale = handlers.stale;
    if (stale !== undefined) {
      for (let i = 0; i < batch.stale; i++) {
        try {
          stale(batch.staleChannels[i]!, batch.stalePayloads[i]!, this.refuse);
        } catch (error) {
          if (!failed) failure = error;
          failed = true;
        }
      }
    }
    const delivered = handlers.delivered;
    if (delivered !== undefined) {
      for (let i = 0; i < batch.delivered; i++) {
        try {
          delivered(batch.tokenChannels[i]!, batch.tokens[i]!);
        } catch (error) {
          if (!failed) failure = error;
          failed = true;
        }
      }
    }
    if (failed) throw failure;
  }
}
