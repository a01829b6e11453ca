/**
 * Counts what the load clients receive: deliveries, bytes, deliveries per
 * sender (for the saturation window) and, when asked, one-way latencies.
 */
import type { LoadClient } from './load-client.js';
import { deliveredSender, deliveredSentAt } from './payload.js';

/** Tallies relayed frames received by every attached client. */
export class DeliveryRecorder {
  /** Frames received. */
  deliveries = 0;
  /** Bytes received (WebSocket message bytes, header included). */
  bytes = 0;
  /** Deliveries of each sender's frames, indexed by bench sender id. */
  readonly perSender: Float64Array;
  /** Latencies in ms (now − sentAt) while recording, else undefined. */
  latencies: number[] | undefined;
  /** Called after each delivery (the saturation pump tops up windows from here). */
  onDelivery: (() => void) | undefined;

  constructor(senders: number) {
    this.perSender = new Float64Array(senders);
  }

  /** Routes `client`'s relayed frames to this recorder. */
  attach(client: LoadClient): void {
    client.onRelay = (frame) => {
      this.deliveries++;
      this.bytes += frame.length;
      this.perSender[deliveredSender(frame)]!++;
      if (this.latencies !== undefined) this.latencies.push(performance.now() - deliveredSentAt(frame));
      this.onDelivery?.();
    };
  }
}
