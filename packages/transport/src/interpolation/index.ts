/**
 * Smooth rendering of remote entities: a snapshot buffer played back a
 * little in the past, whose delay follows the peer's current path.
 *
 * @module
 */
export {
  type FollowPeerPathOptions,
  followPeerPath,
  type PathChangeListener,
  type PathSource,
  pathJitterMs,
} from './follow-peer-path.js';
export type { SnapshotInterpolatorOptions } from './interpolator-options.js';
export { type Lerp, lerpAngle, lerpEntities, lerpEntityState, lerpNumber } from './lerp.js';
export {
  type InterpolatorStats,
  type PathUpdate,
  SnapshotInterpolator,
} from './snapshot-interpolator.js';
