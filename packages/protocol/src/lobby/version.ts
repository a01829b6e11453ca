/**
 * Lobby protocol versioning.
 *
 * @module
 */

/**
 * The lobby protocol version this build speaks, sent in `hello` and echoed in
 * `welcome`. Bumped on any incompatible wire change.
 */
export const LOBBY_PROTOCOL_VERSION = 2;

/**
 * The first version with relay bundles (`FrameKind.Bundle`): a lobby sends
 * relayed datagrams to a client of this version or later as bundles, and to
 * an older client as one relay frame each.
 */
export const RELAY_BUNDLE_PROTOCOL_VERSION = 2;

/** Every lobby protocol version this build can speak. */
export const SUPPORTED_LOBBY_PROTOCOL_VERSIONS: readonly number[] = Object.freeze([
  1,
  LOBBY_PROTOCOL_VERSION,
]);

/** True when this build speaks lobby protocol `version`. */
export function isSupportedLobbyProtocolVersion(version: number): boolean {
  return SUPPORTED_LOBBY_PROTOCOL_VERSIONS.includes(version);
}
