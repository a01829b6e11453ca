import type { Member, Metadata } from '@handoff/protocol/lobby';

/** Which path a peer's traffic takes. */
export type PathKind = 'relay' | 'turn' | 'direct';

/** A member of the room, as the game sees it. */
export interface Peer {
  /** Player id. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Metadata the lobby attached (e.g. from your authenticate hook). */
  readonly metadata: Metadata | undefined;
  /** Whether this peer is the room's host. */
  readonly isHost: boolean;
  /** The peer's relay index in this room. */
  readonly peerIndex: number;
  /** The path its traffic takes now. */
  readonly path: PathKind;
  /** True while the peer's lobby connection is down (it may come back). */
  readonly reconnecting: boolean;
}

/** A peer built from the lobby's member record. */
export function peerFromMember(member: Member): Peer {
  return {
    id: member.id,
    name: member.name,
    metadata: member.metadata,
    isHost: member.isHost,
    peerIndex: member.peerIndex,
    path: 'relay',
    reconnecting: false,
  };
}
