import type { ChannelKind } from './session-options.js';

/** Numeric channel kinds used on the hot path (string compares are slower). */
export const Kind = {
  ReliableOrdered: 0,
  ReliableUnordered: 1,
  Sequenced: 2,
  Unreliable: 3,
} as const;

/** Maps a declared {@link ChannelKind} to its numeric code. */
export const KIND_CODES: Readonly<Record<ChannelKind, number>> = {
  'reliable-ordered': Kind.ReliableOrdered,
  'reliable-unordered': Kind.ReliableUnordered,
  'unreliable-sequenced': Kind.Sequenced,
  unreliable: Kind.Unreliable,
};

/** Whether a numeric kind is one of the two reliable ones. */
export function isReliableKind(kind: number): boolean {
  return kind === Kind.ReliableOrdered || kind === Kind.ReliableUnordered;
}
