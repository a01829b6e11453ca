import type { ChannelDefinition, ChannelKind, Codec } from '@handoff/protocol';

/** One channel a game declares: its delivery guarantees and how its messages are encoded. */
export interface ChannelSpec<T> {
  /** `reliable-ordered` (chat), `reliable-unordered`, `unreliable-sequenced` (positions), `unreliable`. */
  kind: ChannelKind;
  /** Encodes messages of this channel (e.g. `chatCodec` from `@handoff/protocol`). */
  codec: Codec<T>;
}

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
 *   ping: { kind: 'unreliable', codec: myPingCodec },
 * });
 * ```
 */
export function defineChannels<M>(specs: ChannelSpecs<M>): ChannelSpecs<M> {
  return specs;
}

/** The session channel list for a spec map: names in a fixed (sorted) order, so every peer agrees. */
export function sessionChannels<M>(specs: ChannelSpecs<M>): {
  names: (keyof M & string)[];
  definitions: ChannelDefinition[];
} {
  const names = (Object.keys(specs) as (keyof M & string)[]).sort();
  return { names, definitions: names.map((name) => ({ name, kind: specs[name].kind })) };
}
