/**
 * The codec contract shared by every channel payload format.
 *
 * @module
 */

/**
 * Turns values of type `T` into bytes and back. `decode` must never throw
 * anything but a {@link HandoffError} subclass (usually
 * `MalformedInputError` or `InvalidMessageError`), whatever the bytes.
 */
export interface Codec<T> {
  /** Encodes a value. Throws a `HandoffError` when the value is out of the codec's limits. */
  encode(value: T): Uint8Array;
  /** Decodes bytes produced by `encode` (or hostile bytes, which yield a typed error). */
  decode(bytes: Uint8Array): T;
}
