/**
 * Counts what the load clients receive: deliveries, bytes, deliveries per
 * sender (for the saturation window) and, when asked, one-way latencies.
 */
import type { BenchClient } from './bench-client.js';
import { payloadSender, payloadSentAt } from './payload.js';

/** Tallies relayed frames received by every attached client. */
export class DeliveryRecorder {
  /** Frames received. */
  deliveries = 0;
  /** Bytes received (whole WebSocket messages: each server's framing included). */
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

  /** Routes `client`'s deliveries to this recorder. */
  attach(client: BenchClient): void {
    client.onPayload = (payload, wireBytes) => {
      this.deliveries++;
      this.bytes += wireBytes;
      this.perSender[payloadSender(payload)]!++;
      if (this.latencies !== undefined) this.latencies.push(performance.now() - payloadSentAt(payload));
      this.onDelivery?.();
    };
  }
}
