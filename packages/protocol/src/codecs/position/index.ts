/**
 * Position codec: quantized, bit-packed, delta-coded entity snapshots.
 * See `docs/position-codec.md` for the wire format.
 *
 * @module
 */

export { createPositionCodec } from './codec.js';
export {
  DEFAULT_BOUND,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_MAX_ENTITIES,
  DEFAULT_MAX_ENTITY_ID,
  DEFAULT_RESOLUTION,
  DEFAULT_YAW_BITS,
  type PositionCodecOptions,
  type ResolvedPositionCodecOptions,
} from './options.js';
export type {
  DecodedSnapshot,
  EncodedSnapshot,
  EntityState,
  PositionCodec,
  PositionDecoder,
  PositionEncoder,
} from './types.js';
