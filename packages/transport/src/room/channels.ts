import type { ChannelDefinition, ChannelKind, Codec, EntityState, PositionCodec } from '@handoff/protocol';

/** A channel whose messages a stateless codec encodes (chat, game events...). */
export interface CodecChannelSpec<T> {
  /** `reliable-ordered` (chat), `reliable-unordered`, `unreliable-sequenced`, `unreliable`. */
  kind: ChannelKind;
  /** Encodes messages of this channel (e.g. `chatCodec` from `@handoff/protocol`). */
  codec: Codec<T>;
}

/**
 * A position channel: entity snapshots, quantized and delta-coded per peer
 * against the last snapshot that peer acknowledged (see {@link positionChannel}).
 */
export interface PositionChannelSpec {
  /** Always `unreliable-sequenced`: newest wins. */
  kind: 'unreliable-sequenced';
  /** The position codec (bounds, resolution, yaw, velocity). */
  positions: PositionCodec;
}

/** One channel a game declares. A channel of entity snapshots may use the position codec. */
export type ChannelSpec<T> = T extends readonly EntityState[]
  ? CodecChannelSpec<T> | PositionChannelSpec
  : CodecChannelSpec<T>;

/** A game's channels: message type per channel name. Every player must declare the same map. */
export type ChannelSpecs<M> = { readonly [K in keyof M]: ChannelSpec<M[K]> };

/**
 * Declares a game's channels with their message types, for type-safe
 * `room.send(peer, 'chat', { text })`.
 *
 * @example
 * ```ts
 * const channels = defineChannels({
 *   chat: { kind: 'reliable-ordered', codec: chatCodec },
 *   pos: positionChannel(createPositionCodec({ yaw: true })),
 * });
 * ```
 */
export function defineChannels<M>(specs: ChannelSpecs<M>): ChannelSpecs<M> {
  return specs;
}

/** A position channel for entity snapshots (`room.broadcast('pos', [{ id, x, y, z, yaw }])`). */
export function positionChannel(positions: PositionCodec): PositionChannelSpec {
  return { kind: 'unreliable-sequenced', positions };
}

/** Whether a channel spec uses the position codec. */
export function isPositionChannel(
  spec: CodecChannelSpec<unknown> | PositionChannelSpec,
): spec is PositionChannelSpec {
  return 'positions' in spec;
}

/** The session channel list for a spec map: names in a fixed (sorted) order, so every peer agrees. */
export function sessionChannels<M>(specs: ChannelSpecs<M>): {
  names: (keyof M & string)[];
  definitions: ChannelDefinition[];
} {
  const names = (Object.keys(specs) as (keyof M & string)[]).sort();
  return { names, definitions: names.map((name) => ({ name, kind: specs[name].kind })) };
}
