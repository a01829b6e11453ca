import { type ChannelDefinition, Session, type SessionOptions } from '@handoff/protocol';
import type { Member } from '@handoff/protocol/lobby';
import type { ConditionedSender, PathConditioner } from '../conditioner/path-conditioner.js';
import type { DirectController } from '../direct/direct-controller.js';
import { PeerChannelCodecs } from './channel-codecs.js';
import type { ChannelSpecs } from './channels.js';
import type { Flushable } from './flush-scheduler.js';
import { type Peer, peerFromMember } from './peer.js';
import { type DatagramPath, PeerLink } from './peer-link.js';

/**
 * How long a room's acknowledgements wait to ride on outgoing data, ms: with
 * one relay frame per flush, an ack of its own would cost a frame. 40 ms
 * covers the send interval of a game at 25 Hz or faster, so its acks never
 * cost a frame (measured: 16 players at 30 Hz send one frame per flush, 31 a
 * second each, against 51 with QUIC's 25 ms). Both ends of a room use it, so
 * each one's probe timeout allows for the other's delay.
 */
export const ROOM_ACK_DELAY_MS = 40;

/** What a {@link RemotePeer} needs from its room. */
export interface RemotePeerContext<M> {
  readonly channels: ChannelSpecs<M>;
  readonly names: readonly (keyof M & string)[];
  readonly definitions: readonly ChannelDefinition[];
  readonly session: Omit<SessionOptions, 'channels'> | undefined;
  /** The room's link conditioner of the relay path. */
  readonly relayConditioner: PathConditioner;
  /** Hands one datagram to the lobby for the peer at `peerIndex`. */
  sendRelay(peerIndex: number, datagram: Uint8Array): boolean;
  /** The session delivered a message from this peer; false when its codec refused it (see `SessionHandlers.message`). */
  deliver(from: RemotePeer<M>, channelIndex: number, payload: Uint8Array): boolean;
}

/**
 * Everything a room holds about one remote peer, in one record: the public
 * snapshot, the session and its link, the per-peer codecs, the relay route,
 * the pair nonce, the direct controller and the timer of a peer a restored
 * room waits for. Built whole, closed whole by {@link close} — so a peer is
 * never half there. Only `RemotePeers` adds, readdresses and removes it.
 */
export class RemotePeer<M> implements Flushable {
  /** The peer as the game sees it; replaced on every change, never mutated (games may hold old ones). */
  peer: Peer;
  /** Where its relay datagrams go: its relay index, or -1 while a restored room waits for it. */
  relayIndex: number;
  /** The lobby's nonce for this pair: what the direct link proves ('' when the lobby gave none). */
  pairNonce: string;
  /** Its codec state: position encoders and decoders follow this peer's acknowledgements. */
  readonly codecs: PeerChannelCodecs<M>;
  /** Its session, over whichever path is active. */
  readonly link: PeerLink;
  /** The relay path: through the link conditioner, then the lobby. */
  readonly relay: DatagramPath;
  /** Keeps a direct link to this peer going; undefined in privacy mode or without a pair nonce. */
  direct: DirectController | undefined;
  /** Removes the peer when a restored room's grace period ends without it (set while awaited). */
  awaitTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly relaySender: ConditionedSender;
  private closed = false;

  constructor(member: Member, context: RemotePeerContext<M>) {
    this.peer = peerFromMember(member);
    this.relayIndex = member.peerIndex;
    this.pairNonce = member.pairNonce;
    const codecs = new PeerChannelCodecs(context.channels, context.names);
    this.codecs = codecs;
    const session = new Session(
      {
        ackDelayMs: ROOM_ACK_DELAY_MS,
        maxAckDelayMs: ROOM_ACK_DELAY_MS,
        ...context.session,
        channels: context.definitions,
      },
      {
        message: (channel, payload, refuse) => {
          if (!context.deliver(this, channel, payload)) refuse();
        },
        delivered: (channel, token) => codecs.delivered(channel, token),
        stale: (channel, payload, refuse) => {
          if (!codecs.recordStale(channel, payload)) refuse();
        },
      },
    );
    // The index is read when the datagram leaves, not when it was sent: a
    // datagram the conditioner delays goes to where the peer is by then.
    this.relaySender = context.relayConditioner.sender(
      (datagram) => this.relayIndex >= 0 && context.sendRelay(this.relayIndex, datagram),
    );
    this.relay = { kind: 'relay', send: (datagram) => this.relaySender.send(datagram) };
    this.link = new PeerLink(this.peer.id, session, this.relay);
  }

  /** Player id. */
  get id(): string {
    return this.peer.id;
  }

  /** True once the peer was removed: nothing is sent or delivered any more. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends what the session has ready. */
  flush(now: number): void {
    if (!this.closed) this.link.flush(now);
  }

  /** Replaces the public snapshot with a changed copy and returns it. */
  update(change: Partial<Peer>): Peer {
    this.peer = { ...this.peer, ...change };
    return this.peer;
  }

  /** Stops everything the peer owns: the await timer, the direct link, datagrams held by the conditioner. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.awaitTimer);
    this.awaitTimer = undefined;
    this.direct?.close();
    this.relaySender.close();
  }
}
