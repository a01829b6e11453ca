import type { RawClient } from '../../../packages/lobby/test/support/raw-client.js';

/** The calm room's relay round trips of the datagrams sent in one window. */
export interface CalmWindow {
  /** Datagrams sent in the window. */
  sent: number;
  /** Of those, echoed back so far. */
  echoed: number;
  /** Round-trip percentiles of the echoed ones, ms (0 when none came back). */
  p50: number;
  p99: number;
}

/**
 * A calm room beside the attacks: A relays a numbered datagram to B every
 * 10 ms, B echoes it back, and the round trips are recorded by the window
 * the datagram was *sent* in (see {@link mark}), so a window's figures
 * include its slowest datagrams even when they come back after it ended,
 * and its losses are exact once those had time to arrive.
 */
export class CalmRoom {
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  private received = 0;
  /** Send time and window of every datagram not echoed yet, by number. */
  private readonly inFlight = new Map<number, { at: number; window: number }>();
  private readonly windows = new Map<number, { sent: number; rtts: number[] }>();
  private current = 0;

  constructor(
    private readonly a: RawClient,
    b: RawClient,
  ) {
    this.windows.set(0, { sent: 0, rtts: [] });
    b.ws.on('message', (data: Buffer) => {
      if (data[0] === 0x00) return;
      // Echo every relayed datagram back to A (index 0).
      for (const relay of b.relays.splice(0)) b.relayTo(0, relay.payload);
    });
    a.ws.on('message', (data: Buffer) => {
      if (data[0] === 0x00) return;
      for (const relay of a.relays.splice(0)) {
        const n = new DataView(relay.payload.buffer, relay.payload.byteOffset).getUint32(0);
        const sent = this.inFlight.get(n);
        if (sent === undefined) continue;
        this.inFlight.delete(n);
        this.received++;
        this.windows.get(sent.window)?.rtts.push(performance.now() - sent.at);
      }
    });
  }

  start(): void {
    this.timer = setInterval(() => {
      const payload = new Uint8Array(32);
      new DataView(payload.buffer).setUint32(0, this.sent);
      this.inFlight.set(this.sent++, { at: performance.now(), window: this.current });
      const window = this.windows.get(this.current);
      if (window !== undefined) window.sent++;
      this.a.relayTo(1, payload);
    }, 10);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Starts a new window (datagrams sent from now on count in it); returns its id. */
  mark(): number {
    this.windows.set(++this.current, { sent: 0, rtts: [] });
    return this.current;
  }

  /** The figures of window `id` so far, reported once: the window is forgotten (echoes arriving later are not counted). */
  report(id: number): CalmWindow {
    const window = this.windows.get(id) ?? { sent: 0, rtts: [] };
    this.windows.delete(id);
    const sorted = [...window.rtts].sort((x, y) => x - y);
    const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
    return { sent: window.sent, echoed: sorted.length, p50: at(0.5), p99: at(0.99) };
  }

  /** Datagrams sent and not (yet) echoed back, since the start. */
  get missing(): number {
    return this.sent - this.received;
  }
}
