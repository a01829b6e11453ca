import type { RawClient } from '../../../packages/lobby/test/support/raw-client.js';

/**
 * A calm room beside the attacks: A relays a numbered datagram to B every
 * 10 ms, B echoes it back, and the round trips are recorded, so a test can
 * compare relay latency during an attack with the baseline before it, and
 * check that nothing was lost.
 */
export class CalmRoom {
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  private readonly sentAt = new Map<number, number>();
  private rtts: number[] = [];
  private received = 0;

  constructor(
    private readonly a: RawClient,
    b: RawClient,
  ) {
    b.ws.on('message', (data: Buffer) => {
      if (data[0] === 0x00) return;
      // Echo every relayed datagram back to A (index 0).
      for (const relay of b.relays.splice(0)) b.relayTo(0, relay.payload);
    });
    a.ws.on('message', (data: Buffer) => {
      if (data[0] === 0x00) return;
      for (const relay of a.relays.splice(0)) {
        const n = new DataView(relay.payload.buffer, relay.payload.byteOffset).getUint32(0);
        const at = this.sentAt.get(n);
        if (at === undefined) continue;
        this.sentAt.delete(n);
        this.received++;
        this.rtts.push(performance.now() - at);
      }
    });
  }

  start(): void {
    this.timer = setInterval(() => {
      const payload = new Uint8Array(32);
      new DataView(payload.buffer).setUint32(0, this.sent);
      this.sentAt.set(this.sent++, performance.now());
      this.a.relayTo(1, payload);
    }, 10);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Round-trip p99 since the last call (and resets the window), ms. */
  p99(): number {
    const sorted = this.rtts.sort((x, y) => x - y);
    this.rtts = [];
    return sorted[Math.floor(sorted.length * 0.99)] ?? 0;
  }

  /** Datagrams sent and not (yet) echoed back. */
  get missing(): number {
    return this.sent - this.received;
  }
}
