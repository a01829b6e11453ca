/**
 * Messages on the direct data channel. Session datagrams start with a byte
 * whose top two bits are `01` (the session version); control frames use
 * small first bytes that can never be a session datagram:
 *
 * | first byte | frame | body |
 * |---|---|---|
 * | 0x01 | proof | 32 bytes: SHA-256(pairNonce ‖ ":" ‖ senderId) |
 * | 0x02 | proof accepted | — |
 * | 0x03 | heartbeat | u32 sequence |
 * | 0x04 | heartbeat echo | u32 sequence |
 */
export const DirectFrame = {
  Proof: 0x01,
  ProofAccepted: 0x02,
  Heartbeat: 0x03,
  HeartbeatEcho: 0x04,
} as const;

/** True when the bytes are a session datagram rather than a direct control frame. */
export function isSessionDatagram(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0]! >>> 6 === 1;
}

/** Builds a control frame. */
export function directFrame(kind: number, body?: Uint8Array | number): Uint8Array {
  if (body === undefined) return Uint8Array.of(kind);
  if (typeof body === 'number') {
    const frame = new Uint8Array(5);
    frame[0] = kind;
    new DataView(frame.buffer).setUint32(1, body >>> 0);
    return frame;
  }
  const frame = new Uint8Array(1 + body.length);
  frame[0] = kind;
  frame.set(body, 1);
  return frame;
}

/** The u32 of a heartbeat frame, or undefined if the frame is too short. */
export function heartbeatSequence(frame: Uint8Array): number | undefined {
  return frame.length >= 5 ? new DataView(frame.buffer, frame.byteOffset, 5).getUint32(1) : undefined;
}
