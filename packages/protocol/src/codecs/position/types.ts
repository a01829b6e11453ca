/**
 * Public types of the position codec.
 *
 * @module
 */

import type { ResolvedPositionCodecOptions } from './options.js';

/**
 * The state of one entity in a snapshot. Units are world units (positions),
 * radians (yaw) and the game's velocity unit (velocity).
 *
 * Which fields are required depends on the codec options: `z` in 3D, `yaw`
 * when `yaw` is enabled, `vx`/`vy` (and `vz` in 3D) when `velocity` is
 * enabled. Fields the options do not enable are ignored by `encode` and
 * absent from decoded entities.
 */
export interface EntityState {
  /** Entity id: an integer in [0, `maxEntityId`], unique within a snapshot. */
  id: number;
  /** Position on the x axis, within `bounds.min[0]..bounds.max[0]`. */
  x: number;
  /** Position on the y axis, within `bounds.min[1]..bounds.max[1]`. */
  y: number;
  /** Position on the z axis (3D only), within `bounds.min[2]..bounds.max[2]`. */
  z?: number;
  /** Heading in radians, any finite value; decoded values are in [0, 2π). */
  yaw?: number;
  /** Velocity along x, in [−velocity.max, velocity.max]. */
  vx?: number;
  /** Velocity along y, in [−velocity.max, velocity.max]. */
  vy?: number;
  /** Velocity along z (3D only), in [−velocity.max, velocity.max]. */
  vz?: number;
}

/** The result of {@link PositionEncoder.encode}. */
export interface EncodedSnapshot {
  /**
   * The datagram payload, owned by the caller: later encodes never change it.
   * To save an allocation per snapshot it is a view into a buffer (a few KiB)
   * that it shares with other snapshots of the same encoder: mind
   * `byteOffset`/`byteLength`, and do not transfer or detach its `buffer`.
   */
  bytes: Uint8Array;
  /** The snapshot's 16-bit sequence number (0–65535, wraps). Acknowledge it when the peer reports receipt. */
  sequence: number;
  /** Sequence of the snapshot this one is delta-coded against, or `null` for a full snapshot. */
  baseline: number | null;
}

/** The result of {@link PositionDecoder.decode}. */
export interface DecodedSnapshot {
  /** The snapshot's 16-bit sequence number. */
  sequence: number;
  /** The baseline it was delta-coded against, or `null` for a full snapshot. */
  baseline: number | null;
  /** Every entity in the snapshot, sorted by ascending id, with quantized values. */
  entities: EntityState[];
}

/**
 * Encodes snapshots for ONE receiving peer: it remembers which snapshots that
 * peer acknowledged and codes each new snapshot against the newest of them.
 */
export interface PositionEncoder {
  /**
   * Quantizes and encodes a snapshot (entities in any order) and assigns it
   * the next 16-bit sequence number (starting at 0, wrapping after 65535).
   * All-or-nothing: on error no sequence is consumed and no state changes.
   *
   * @throws {InvalidMessageError} for non-finite values, values outside the
   *   bounds or ranges, missing required fields, ids that are not integers in
   *   [0, maxEntityId], duplicate ids, or more than `maxEntities` entities.
   */
  encode(entities: readonly EntityState[]): EncodedSnapshot;
  /**
   * Records that the receiving peer decoded snapshot `sequence`, so it may
   * serve as a baseline. Acknowledge only snapshots the peer decoded
   * successfully. Unknown, evicted (older than `historySize`) or repeated
   * acknowledgements are ignored.
   */
  acknowledge(sequence: number): void;
  /** Forgets every baseline and pending acknowledgement: the next snapshot is full. */
  reset(): void;
}

/**
 * Decodes snapshots from ONE sending peer, keeping the last `historySize`
 * decoded snapshots as possible baselines.
 */
export interface PositionDecoder {
  /**
   * Decodes one snapshot. All-or-nothing: on error the decoder's state is
   * unchanged. Snapshots may arrive lost, duplicated or out of order.
   *
   * @throws {MalformedInputError} when the bytes are not a well-formed snapshot.
   * @throws {InvalidMessageError} when the values break the options (too many
   *   entities, an id above `maxEntityId`, a duplicate id, a value out of range).
   * @throws {MissingBaselineError} when the snapshot is a delta against a
   *   baseline this decoder does not hold (never received, or evicted).
   */
  decode(bytes: Uint8Array): DecodedSnapshot;
  /**
   * Decodes a snapshot that arrived after a newer one (a sequenced channel's
   * stale message). It is kept as a baseline only when the encoder may still
   * pick it, and it never pushes out one that it may pick; the stream's
   * position (what {@link decode} moves) is unchanged. Throws like `decode`.
   */
  decodeStale(bytes: Uint8Array): DecodedSnapshot;
  /** Forgets every stored snapshot. */
  reset(): void;
}

/** A position codec: shared, validated options plus encoder/decoder factories. */
export interface PositionCodec {
  /** The options with defaults filled in. */
  readonly options: ResolvedPositionCodecOptions;
  /** Creates an encoder; use one per receiving peer. */
  createEncoder(): PositionEncoder;
  /** Creates a decoder; use one per sending peer. */
  createDecoder(): PositionDecoder;
}
