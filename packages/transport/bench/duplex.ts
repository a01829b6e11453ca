/** The one shape every contender is driven through: send bytes, hear bytes. */

/** One end of a message pipe (a Handoff room channel to one peer, a data channel, a WebSocket). */
export interface Duplex {
  /** Sends one message. */
  send(bytes: Uint8Array): void;
  /** Calls `handler` for every message that arrives; returns the unsubscribe function. */
  listen(handler: (bytes: Uint8Array) => void): () => void;
}

/** Makes `end` send every message it hears straight back; returns the unsubscribe function. */
export function echo(end: Duplex): () => void {
  return end.listen((bytes) => end.send(bytes));
}

/** Bytes of whatever a socket or channel delivered, or undefined for text. */
export function asBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}
