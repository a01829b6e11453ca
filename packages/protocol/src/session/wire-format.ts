/**
 * Constants of the session datagram format (see docs/protocol.md, "Session
 * datagrams"). Changing any value here changes the wire format.
 *
 * @module
 */

/** Session format version carried in the top two bits of every datagram. */
export const SESSION_VERSION = 1;

/** Flag bit: the datagram carries an acknowledgement block. */
export const FLAG_ACK = 0x20;
/** Mask of the 3-bit NACK length code (see {@link NACK_LENGTHS}). */
export const NACK_BYTES_MASK = 0x1c;
/** Shift of the NACK length code inside the flags byte. */
export const NACK_BYTES_SHIFT = 2;
/** NACK bitfield length in bytes for each 3-bit length code: 0–4 literally, then 8, 16, 32. */
export const NACK_LENGTHS: readonly number[] = [0, 1, 2, 3, 4, 8, 16, 32];
/** Reserved flag bits; a datagram with any of them set is malformed. */
export const RESERVED_FLAGS_MASK = 0x03;

/** How many packets before the acknowledged one the NACK bitfield can describe (32 bytes of bits). */
export const ACK_BITFIELD_PACKETS = 256;

/** Frame types (top 3 bits of a frame's first byte; the low 5 bits hold the channel index). */
export const FrameType = {
  /** Unreliable or sequenced message: varint length, payload. */
  Unreliable: 0,
  /** Whole reliable message: u16 message id, varint length, payload. */
  Reliable: 1,
  /** Piece of a reliable message: u16 id, varint index, varint count, varint length, payload. */
  Fragment: 2,
  /** Cumulative channel acknowledgement: u16 next expected message id. */
  ChannelAck: 3,
  /** Empty, ack-eliciting frame used to measure RTT and keep a path alive. */
  Ping: 4,
} as const;

/** Most channels a session can declare (5-bit channel field). */
export const MAX_CHANNELS = 32;

/** Largest ack delay the wire can carry, in units of {@link ACK_DELAY_UNIT_MS}. */
export const MAX_ACK_DELAY_UNITS = 0x3fff;
/** Unit of the ack delay field, in milliseconds (100 µs). */
export const ACK_DELAY_UNIT_MS = 0.1;

/** Largest possible datagram header: flags, sequence, ack, 2-byte ack delay, 2-byte coverage, 32 NACK bytes. */
export const MAX_HEADER_BYTES = 1 + 2 + 2 + 2 + 2 + 32;

/** Bytes a LEB128 varint needs for `value` (value < 2^28). */
export function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4;
}

/** Largest value a session varint may carry (4 bytes of LEB128). */
export const MAX_VARINT = 0x0fffffff;

/**
 * Maps a 16-bit wire sequence to the unwrapped counter value nearest to
 * `reference` (an unwrapped counter), so comparisons never see wrap-around.
 */
export function unwrap16(value: number, reference: number): number {
  const delta = ((value - (reference & 0xffff) + 0x8000) & 0xffff) - 0x8000;
  return reference + delta;
}
