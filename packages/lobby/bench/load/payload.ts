/**
 * The 32-byte game payload every bench client broadcasts: who sent it and
 * when (`performance.now()` of this process, so a receiver in the same
 * process computes the one-way latency on the same clock).
 *
 * Layout: u16 sender (BE) · 6 zero bytes · f64 sentAt (BE) · 16 zero bytes.
 */

/** Payload size, bytes. */
export const PAYLOAD_BYTES = 32;

/** A payload from `sender`, stamped now. */
export function stampedPayload(sender: number): Uint8Array {
  const payload = new Uint8Array(PAYLOAD_BYTES);
  const view = new DataView(payload.buffer);
  view.setUint16(0, sender);
  view.setFloat64(8, performance.now());
  return payload;
}

/** The bench sender id of a delivered payload. */
export function payloadSender(payload: Uint8Array): number {
  return (payload[0]! << 8) | payload[1]!;
}

/** The `performance.now()` at which a delivered payload was sent. */
export function payloadSentAt(payload: Uint8Array): number {
  return new DataView(payload.buffer, payload.byteOffset + 8, 8).getFloat64(0);
}
