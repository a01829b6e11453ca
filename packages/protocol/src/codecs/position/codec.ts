/**
 * The position codec factory.
 *
 * @module
 */

import { SnapshotDecoder } from './decoder.js';
import { SnapshotEncoder } from './encoder.js';
import { type PositionCodecOptions, resolvePositionOptions } from './options.js';
import { Quantizer } from './quantizer.js';
import type { PositionCodec } from './types.js';
import { computeLayout } from './wire-format.js';

/**
 * Creates a position codec: bit-packed, quantized entity snapshots,
 * delta-coded against the newest snapshot the receiver acknowledged
 * (Quake 3 / Gaffer on Games model). Both peers must use identical options.
 * The wire format is specified in `docs/position-codec.md`.
 *
 * @example
 * ```ts
 * const codec = createPositionCodec({ yaw: true });
 * const encoder = codec.createEncoder(); // per receiving peer
 * const decoder = codec.createDecoder(); // per sending peer
 * const { bytes, sequence } = encoder.encode([{ id: 1, x: 3.5, y: 0, z: -12, yaw: 1.57 }]);
 * const snapshot = decoder.decode(bytes);
 * encoder.acknowledge(sequence); // once the peer reports it decoded it
 * ```
 *
 * @throws {InvalidOptionError} when an option is out of its documented range.
 */
export function createPositionCodec(options: PositionCodecOptions = {}): PositionCodec {
  const resolved = resolvePositionOptions(options);
  const layout = computeLayout(resolved);
  const quantizer = new Quantizer(layout);
  return Object.freeze({
    options: resolved,
    createEncoder: () => new SnapshotEncoder(resolved, layout, quantizer),
    createDecoder: () => new SnapshotDecoder(resolved, layout, quantizer),
  });
}
