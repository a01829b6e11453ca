/**
 * Unreliable and sequenced messages waiting for the next `poll`. A session
 * keeps two and alternates them (one drains while the other collects what
 * stays queued), so the lists are overwritten by index and never shrunk:
 * fresh lists per poll were a main source of garbage on the send path (#11).
 */
export class UnreliableQueue {
  /** Messages queued. */
  length = 0;
  readonly channels: number[] = [];
  readonly payloads: (Uint8Array | undefined)[] = [];
  readonly tokens: number[] = [];

  push(channel: number, payload: Uint8Array, token: number): void {
    const i = this.length++;
    this.channels[i] = channel;
    this.payloads[i] = payload;
    this.tokens[i] = token;
  }

  /** Bytes the queued messages take in datagrams: payload plus a frame header each (an estimate the pacer uses). */
  frameBytes(): number {
    let bytes = 0;
    for (let i = 0; i < this.length; i++) bytes += this.payloads[i]!.length + 2;
    return bytes;
  }

  /** Payload bytes queued. */
  payloadBytes(): number {
    let bytes = 0;
    for (let i = 0; i < this.length; i++) bytes += this.payloads[i]!.length;
    return bytes;
  }

  /** Empties the queue and lets go of the payloads. */
  clear(): void {
    this.payloads.fill(undefined, 0, this.length);
    this.length = 0;
  }
}
