/**
 * The 32-byte game payload every bench client broadcasts: who sent it and
 * when (`performance.now()` of this process, so a receiver in the same
 * process computes the one-way latency on the same clock).
 *
 * Layout: u16 sender (BE) · 6 zero bytes · f64 sentAt (BE) · 16 zero bytes.
 */
import { FrameKind } from '@handoff/protocol/lobby';

/** Payload size, bytes. */
export const PAYLOAD_BYTES = 32;

/** A broadcast frame `[0x02][payload]` from `sender`, stamped now. */
export function broadcastFrame(sender: number): Buffer {
  const frame = Buffer.alloc(1 + PAYLOAD_BYTES);
  frame[0] = FrameKind.Broadcast;
  frame.writeUInt16BE(sender, 1);
  frame.writeDoubleBE(performance.now(), 1 + 8);
  return frame;
}

/**
 * Where the payload starts in a delivered frame: the lobby delivers
 * `[0x01][u16 sender index][payload]`, the raw relay forwards the sender's
 * `[0x02][payload]` unchanged.
 */
function payloadOffset(frame: Buffer): number {
  return frame[0] === FrameKind.Relay ? 3 : 1;
}

/** The bench sender id in a delivered frame. */
export function deliveredSender(frame: Buffer): number {
  return frame.readUInt16BE(payloadOffset(frame));
}

/** The `performance.now()` at which a delivered frame was sent. */
export function deliveredSentAt(frame: Buffer): number {
  return frame.readDoubleBE(payloadOffset(frame) + 8);
}
