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
 * Collects deliveries while a datagram is applied and hands them to the
 * handlers only once the session's state is consistent again, so game code
 * that throws or re-enters the session cannot leave it half-updated.
 */
export class DeliveryQueue {
  private messageChannels: number[] = [];
  private messagePayloads: Uint8Array[] = [];
  private messageRefusable: boolean[] = [];
  /** A handler refused an unreliable message during the last {@link flush}. */
  refused = false;
  private readonly refuse: RefuseMessage = () => {
    this.refused = true;
  };
  private readonly ignoreRefusal: RefuseMessage = () => {};
  private tokenChannels: number[] = [];
  private tokens: number[] = [];
  private staleChannels: number[] = [];
  private stalePayloads: Uint8Array[] = [];

  /** Queues a delivery; `refusable` for unreliable kinds, whose handler may refuse them. */
  pushMessage(channel: number, payload: Uint8Array, refusable: boolean): void {
    this.messageChannels.push(channel);
    this.messagePayloads.push(payload);
    this.messageRefusable.push(refusable);
  }

  pushStale(channel: number, payload: Uint8Array): void {
    this.staleChannels.push(channel);
    this.stalePayloads.push(payload);
  }

  pushDelivered(channel: number, token: number): void {
    this.tokenChannels.push(channel);
    this.tokens.push(token);
  }

  /** Calls the handlers for everything queued; rethrows the first handler exception after all ran. */
  flush(handlers: SessionHandlers, counters: SessionCounters): void {
    this.refused = false;
    if (
      this.messageChannels.length === 0 &&
      this.tokenChannels.length === 0 &&
      this.staleChannels.length === 0
    ) {
      return;
    }
    // Swap the lists first so a handler that re-enters the session cannot disturb this loop.
    const channels = this.messageChannels;
    const payloads = this.messagePayloads;
    const refusable = this.messageRefusable;
    const tokenChannels = this.tokenChannels;
    const tokens = this.tokens;
    this.messageChannels = [];
    this.messagePayloads = [];
    this.messageRefusable = [];
    this.tokenChannels = [];
    this.tokens = [];
    const staleChannels = this.staleChannels;
    const stalePayloads = this.stalePayloads;
    this.staleChannels = [];
    this.stalePayloads = [];
    counters.messagesReceived += channels.length;
    let failure: unknown;
    let failed = false;
    for (let i = 0; i < channels.length; i++) {
      try {
        handlers.message(channels[i]!, payloads[i]!, refusable[i]! ? this.refuse : this.ignoreRefusal);
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
    const stale = handlers.stale;
    if (stale !== undefined) {
      for (let i = 0; i < staleChannels.length; i++) {
        try {
          stale(staleChannels[i]!, stalePayloads[i]!, this.refuse);
        } catch (error) {
          if (!failed) failure = error;
          failed = true;
        }
      }
    }
    const delivered = handlers.delivered;
    if (delivered !== undefined) {
      for (let i = 0; i < tokenChannels.length; i++) {
        try {
          delivered(tokenChannels[i]!, tokens[i]!);
        } catch (error) {
          if (!failed) failure = error;
          failed = true;
        }
      }
    }
    if (failed) throw failure;
  }
}
