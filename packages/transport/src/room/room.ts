import { type HandoffError, Session, type SessionOptions } from '@handoff/protocol';
import type { LeaveReason, Member, Metadata, RoomJoinedMessage, Signal } from '@handoff/protocol/lobby';
import { EventEmitter } from 'eventemitter3';
import { loadDefaultRtcPeerConnection } from '#webrtc';
import { DirectController, type DirectRetry } from '../direct/direct-controller.js';
import type { DirectTiming } from '../direct/direct-link.js';
import type { LinkConditioner } from '../direct/link-conditioner.js';
import type { RtcPeerConnectionConstructor } from '../direct/webrtc.js';
import { UnknownPeerError } from '../lobby-client/errors.js';
import type { LobbyClient } from '../lobby-client/lobby-client.js';
import { PeerChannelCodecs } from './channel-codecs.js';
import { type ChannelSpecs, sessionChannels } from './channels.js';
import { FlushScheduler } from './flush-scheduler.js';
import { type PathKind, type Peer, peerFromMember } from './peer.js';
import { type DatagramPath, PeerLink, type PeerStats } from './peer-link.js';
import { aggregateStats, type RoomStats } from './room-stats.js';

/**
 * A message delivered to the game, typed by channel. On position channels
 * `sequence` is the sender's 16-bit snapshot number (one per snapshot it
 * sent this player, wrapping after 65535): with a fixed send rate it places
 * snapshots on the sender's timeline (`SnapshotInterpolator.push`'s
 * `sentAtMs`) better than arrival times can.
 */
export type RoomMessage<M> = {
  [K in keyof M]: { from: Peer; channel: K; message: M[K]; sequence?: number };
}[keyof M];

/** Events of a {@link Room} (eventemitter3). */
export interface RoomEvents<M> {
  /** A player joined the room. */
  'peer:join': (peer: Peer) => void;
  /** A player left the room for good. */
  'peer:leave': (peer: Peer, reason: LeaveReason) => void;
  /** A player's lobby connection dropped; it may come back (its direct link, if any, keeps working). */
  'peer:reconnecting': (peer: Peer) => void;
  /** A reconnecting player is back. */
  'peer:back': (peer: Peer) => void;
  /** The host changed. */
  'host:change': (hostId: string) => void;
  /** The room's metadata changed. */
  'metadata:change': (metadata: Metadata) => void;
  /** A message arrived. */
  message: (event: RoomMessage<M>) => void;
  /** A message arrived but its codec refused it (the sender's bug, or a hostile peer). */
  'message:error': (event: { from: Peer; channel: string; error: HandoffError }) => void;
  /** A peer's traffic moved to another path. */
  'path:change': (event: { peer: Peer; from: PathKind; to: PathKind; reason: string }) => void;
  /** This player is no longer in the room (it left, was removed, or its session could not be resumed). */
  'room:left': (reason: LeaveReason | 'session-lost') => void;
}

/** Room behaviour options. */
export interface RoomBehaviour {
  /** Tick of acknowledgements and retransmission, ms. Default 10. */
  tickMs?: number;
  /** Session options other than the channels (window sizes, datagram size...). */
  session?: Omit<SessionOptions, 'channels'>;
  /**
   * `auto` (default): try a direct WebRTC link to every peer and move traffic
   * onto it once validated. `never` (privacy mode): relay only; no ICE
   * candidate ever leaves this client, so no player learns its IP address.
   */
  direct?: 'auto' | 'never';
  /** Heartbeat and timeouts of direct links. */
  directTiming?: Partial<DirectTiming>;
  /** Backoff between direct attempts. */
  directRetry?: Partial<DirectRetry>;
  /** A W3C `RTCPeerConnection` implementation to use instead of the platform's. */
  RTCPeerConnection?: RtcPeerConnectionConstructor;
  /** Simulated latency, jitter and loss on outgoing traffic, per path (also settable later: `room.conditioner`). */
  conditioner?: LinkConditioner;
}

/**
 * Default direct-link timing: a heartbeat every 450 ms; a link silent for
 * 1.4 s (three missed heartbeats) is dead, so traffic is back on the relay
 * within 1.5 s (the check runs every 100 ms).
 */
export const DIRECT_TIMING_DEFAULTS: DirectTiming = {
  heartbeatIntervalMs: 450,
  deadAfterMs: 1400,
  attemptTimeoutMs: 10_000,
};

/** Default backoff between direct attempts. */
export const DIRECT_RETRY_DEFAULTS: DirectRetry = { initialDelayMs: 1000, maxDelayMs: 30_000 };

/**
 * A room the player is in: its peers, and typed channels to them. Every
 * peer gets a reliable session at once, carried by the lobby's relay from
 * the first moment.
 */
export class Room<M> extends EventEmitter<RoomEvents<M>> {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly capacity: number;
  private hostId: string;
  private roomMetadata: Metadata;
  private myIndex: number;
  private readonly members = new Map<string, Peer>();
  private readonly links = new Map<string, PeerLink>();
  private readonly byIndex = new Map<number, PeerLink>();
  /** Where each peer's relay frames go; -1 while a restored room waits for the peer. */
  private readonly routes = new Map<string, { peerIndex: number }>();
  private readonly pairNonces = new Map<string, string>();
  /** Peers a restored room still waits for: removed when the grace period ends. */
  private readonly awaited = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly directs = new Map<string, DirectController>();
  private readonly codecs = new Map<string, PeerChannelCodecs<M>>();
  private readonly names: (keyof M & string)[];
  private readonly channelIndex = new Map<string, number>();
  private readonly definitions: ReturnType<typeof sessionChannels<M>>['definitions'];
  private readonly scheduler: FlushScheduler;
  private readonly unsubscribe: (() => void)[] = [];
  private active = true;
  /**
   * Simulated network conditions on this player's outgoing traffic, per path
   * (latency, jitter, loss). Change it at any time; `undefined` turns it off.
   */
  conditioner: LinkConditioner | undefined;

  /** @internal Rooms come from `LobbyClient.createRoom`, `joinRoom` and `quickJoin`. */
  constructor(
    private readonly lobby: LobbyClient<M>,
    joined: RoomJoinedMessage,
    private readonly channels: ChannelSpecs<M>,
    private readonly behaviour: RoomBehaviour = {},
  ) {
    super();
    this.id = joined.room.id;
    this.code = joined.room.code;
    this.name = joined.room.name;
    this.capacity = joined.room.capacity;
    this.hostId = joined.room.hostId;
    this.roomMetadata = joined.room.metadata;
    this.myIndex = joined.you.peerIndex;
    ({ names: this.names, definitions: this.definitions } = sessionChannels(channels));
    for (const [index, name] of this.names.entries()) this.channelIndex.set(name, index);
    this.conditioner = behaviour.conditioner;
    this.scheduler = new FlushScheduler(() => this.links.values(), behaviour.tickMs ?? 10);
    for (const member of joined.members) this.addMember(member);
    this.listen();
  }

  /** This player. */
  get me(): Peer {
    return {
      id: this.lobby.playerId,
      name: this.lobby.name,
      metadata: undefined,
      isHost: this.hostId === this.lobby.playerId,
      peerIndex: this.myIndex,
      path: 'relay',
      reconnecting: this.lobby.state !== 'connected',
    };
  }

  /** The other players, by id. */
  get peers(): ReadonlyMap<string, Peer> {
    return this.members;
  }

  /** Room metadata (set by the host). */
  get metadata(): Metadata {
    return this.roomMetadata;
  }

  /**
   * Sends a message to one peer. Throws `UnknownPeerError` for a player not
   * in the room, and what the codec or session throw (`MessageTooLargeError`,
   * `SendQueueFullError` — back-pressure on a reliable channel).
   */
  send<K extends keyof M & string>(peerId: string, channel: K, message: M[K]): void {
    const link = this.links.get(peerId);
    const codecs = this.codecs.get(peerId);
    if (link === undefined || codecs === undefined)
      throw new UnknownPeerError(`no peer ${peerId} in room ${this.id}`);
    const index = this.channelIndex.get(channel)!;
    const { bytes, token } = codecs.encode(index, message);
    link.session.send(index, bytes, token);
    this.scheduler.schedule(link);
  }

  /** Sends a message to every peer (encoded once, or once per peer for position channels: baselines differ). */
  broadcast<K extends keyof M & string>(channel: K, message: M[K]): void {
    const index = this.channelIndex.get(channel)!;
    let shared: Uint8Array | undefined;
    for (const [peerId, link] of this.links) {
      const codecs = this.codecs.get(peerId)!;
      if (codecs.perPeer(index)) {
        const { bytes, token } = codecs.encode(index, message);
        link.session.send(index, bytes, token);
      } else {
        shared ??= codecs.encode(index, message).bytes;
        link.session.send(index, shared);
      }
      this.scheduler.schedule(link);
    }
  }

  /** Statistics of the link to one peer. */
  stats(peerId: string): PeerStats {
    const link = this.links.get(peerId);
    if (link === undefined) throw new UnknownPeerError(`no peer ${peerId} in room ${this.id}`);
    return link.stats();
  }

  /** Statistics of the whole room. */
  roomStats(): RoomStats {
    return aggregateStats([...this.links.values()].map((link) => link.stats()));
  }

  /** Leaves the room. */
  async leave(): Promise<void> {
    if (!this.active) return;
    await this.lobby.leaveRoom();
    this.dispose('left');
  }

  private addMember(member: Member): void {
    const peer = peerFromMember(member);
    this.members.set(peer.id, peer);
    const codecs = new PeerChannelCodecs(this.channels, this.names);
    this.codecs.set(peer.id, codecs);
    const session = new Session(
      { ...this.behaviour.session, channels: this.definitions },
      {
        message: (channel, payload) => this.deliver(peer.id, channel, payload),
        delivered: (channel, token) => codecs.delivered(channel, token),
        stale: (channel, payload) => codecs.recordStale(channel, payload),
      },
    );
    const route = { peerIndex: peer.peerIndex };
    this.routes.set(peer.id, route);
    const relay: DatagramPath = {
      kind: 'relay',
      send: (datagram) => route.peerIndex >= 0 && this.lobby.sendRelay(route.peerIndex, datagram),
    };
    const link = new PeerLink(peer.id, session, relay);
    this.links.set(peer.id, link);
    this.byIndex.set(peer.peerIndex, link);
    this.pairNonces.set(peer.id, member.pairNonce);
    if (this.behaviour.direct !== 'never' && member.pairNonce !== '') this.startDirect(peer, link, relay);
  }

  /**
   * A known peer with (possibly) a new relay index and pair nonce: after a
   * resume, or when it comes back to a room restored after a lobby restart.
   * Its session — and a live direct link — carry on untouched.
   */
  private readdress(member: Member): void {
    const link = this.links.get(member.id);
    const route = this.routes.get(member.id);
    const before = this.members.get(member.id);
    if (link === undefined || route === undefined || before === undefined) return;
    clearTimeout(this.awaited.get(member.id));
    this.awaited.delete(member.id);
    if (this.byIndex.get(route.peerIndex) === link) this.byIndex.delete(route.peerIndex);
    route.peerIndex = member.peerIndex;
    this.byIndex.set(member.peerIndex, link);
    if (member.pairNonce !== '') this.pairNonces.set(member.id, member.pairNonce);
    const peer = this.update(member.id, {
      peerIndex: member.peerIndex,
      isHost: member.isHost,
      reconnecting: false,
    });
    if (before.reconnecting && peer !== undefined) this.emit('peer:back', peer);
  }

  /** A restored room lacks this peer for now: no relay frames to it until it is back; gone after the grace period. */
  private awaitReturn(peerId: string): void {
    const route = this.routes.get(peerId);
    const before = this.members.get(peerId);
    if (route === undefined || before === undefined) return;
    route.peerIndex = -1;
    const peer = this.update(peerId, { reconnecting: true });
    if (!before.reconnecting && peer !== undefined) this.emit('peer:reconnecting', peer);
    clearTimeout(this.awaited.get(peerId));
    const timer = setTimeout(
      () => this.removeMember(peerId, 'disconnected'),
      this.lobby.limits.resumeGraceMs,
    );
    (timer as { unref?: () => void }).unref?.();
    this.awaited.set(peerId, timer);
  }

  private removeMember(peerId: string, reason: LeaveReason): void {
    const peer = this.members.get(peerId);
    const link = this.links.get(peerId);
    if (peer === undefined || link === undefined) return;
    clearTimeout(this.awaited.get(peerId));
    this.awaited.delete(peerId);
    this.members.delete(peerId);
    this.links.delete(peerId);
    const route = this.routes.get(peerId);
    if (route !== undefined && this.byIndex.get(route.peerIndex) === link)
      this.byIndex.delete(route.peerIndex);
    this.routes.delete(peerId);
    this.pairNonces.delete(peerId);
    this.directs.get(peerId)?.close();
    this.directs.delete(peerId);
    this.codecs.delete(peerId);
    this.emit('peer:leave', peer, reason);
  }

  /**
   * The room state after this client reconnected (it precedes `welcome`).
   * After a plain resume it lists every member: anyone missing left while
   * this client was away. After a lobby restart (`restored`) members come
   * back one by one: the missing ones are awaited.
   */
  private reconcile(joined: RoomJoinedMessage): void {
    if (joined.room.id !== this.id) return;
    this.myIndex = joined.you.peerIndex;
    const present = new Set<string>();
    for (const member of joined.members) {
      present.add(member.id);
      if (this.links.has(member.id)) this.readdress(member);
      else {
        this.addMember(member);
        this.emit('peer:join', this.members.get(member.id)!);
      }
    }
    for (const peerId of [...this.members.keys()]) {
      if (present.has(peerId)) continue;
      if (joined.restored === true) this.awaitReturn(peerId);
      else this.removeMember(peerId, 'disconnected');
    }
    if (joined.room.hostId !== this.hostId) this.changeHost(joined.room.hostId);
  }

  private changeHost(hostId: string): void {
    const previous = this.hostId;
    this.hostId = hostId;
    this.update(previous, { isHost: false });
    this.update(hostId, { isHost: true });
    this.emit('host:change', hostId);
  }

  private startDirect(peer: Peer, link: PeerLink, relay: DatagramPath): void {
    const injected = this.behaviour.RTCPeerConnection;
    const controller: DirectController = new DirectController({
      timing: { ...DIRECT_TIMING_DEFAULTS, ...this.behaviour.directTiming },
      retry: { ...DIRECT_RETRY_DEFAULTS, ...this.behaviour.directRetry },
      loadRtcPeerConnection: injected === undefined ? loadDefaultRtcPeerConnection : async () => injected,
      iceServers: () => this.lobby.iceServers,
      localId: this.lobby.playerId,
      remoteId: peer.id,
      pairNonce: () => this.pairNonces.get(peer.id) ?? '',
      signal: (signal) => this.lobby.signal(peer.id, signal),
      onUp: () => this.movePath(peer.id, link, direct, 'direct link validated'),
      onDown: (reason) => this.movePath(peer.id, link, relay, reason),
      onDatagram: (datagram) => link.receive(datagram, 'direct', performance.now()),
      onHeartbeatRtt: (rtt) => {
        link.directHeartbeatRtt = rtt;
      },
      conditions: () => this.conditioner?.direct,
    });
    const direct: DatagramPath = { kind: 'direct', send: (datagram) => controller.send(datagram) };
    this.directs.set(peer.id, controller);
    controller.start();
  }

  private movePath(peerId: string, link: PeerLink, path: DatagramPath, reason: string): void {
    const from = link.pathKind;
    if (!link.switchTo(path, performance.now(), reason)) return;
    const peer = this.update(peerId, { path: path.kind });
    if (peer !== undefined) this.emit('path:change', { peer, from, to: path.kind, reason });
  }

  private deliver(peerId: string, channelIndex: number, payload: Uint8Array): void {
    const from = this.members.get(peerId);
    const codecs = this.codecs.get(peerId);
    const channel = this.names[channelIndex];
    if (from === undefined || codecs === undefined || channel === undefined) return;
    let message: M[keyof M & string];
    try {
      message = codecs.decode(channelIndex, payload) as M[keyof M & string];
    } catch (error) {
      this.emit('message:error', { from, channel, error: error as HandoffError });
      return;
    }
    const sequence = codecs.lastSequence;
    this.emit(
      'message',
      (sequence === undefined
        ? { from, channel, message }
        : { from, channel, message, sequence }) as RoomMessage<M>,
    );
  }

  private update(peerId: string, change: Partial<Peer>): Peer | undefined {
    const peer = this.members.get(peerId);
    if (peer === undefined) return undefined;
    const next = { ...peer, ...change };
    this.members.set(peerId, next);
    return next;
  }

  private listen(): void {
    const on = <E extends Parameters<LobbyClient<M>['on']>[0]>(
      event: E,
      handler: (...args: never[]) => void,
    ): void => {
      this.lobby.on(event, handler as never);
      this.unsubscribe.push(() => this.lobby.off(event, handler as never));
    };
    on('relay', (fromIndex: number, payload: Uint8Array) => {
      this.byIndex.get(fromIndex)?.receive(payload, 'relay', performance.now());
    });
    on('room:joined', (message: RoomJoinedMessage) => this.reconcile(message));
    on('presence:join', (message: { member: Member }) => {
      // A known id: a peer coming back to a room restored after a lobby restart.
      if (this.links.has(message.member.id)) {
        this.readdress(message.member);
        return;
      }
      this.addMember(message.member);
      this.emit('peer:join', this.members.get(message.member.id)!);
    });
    on('presence:leave', (message: { playerId: string; reason: LeaveReason }) =>
      this.removeMember(message.playerId, message.reason),
    );
    on('presence:reconnecting', (message: { playerId: string }) => {
      const peer = this.update(message.playerId, { reconnecting: true });
      if (peer !== undefined) this.emit('peer:reconnecting', peer);
    });
    on('presence:back', (message: { playerId: string }) => {
      const peer = this.update(message.playerId, { reconnecting: false });
      if (peer !== undefined) this.emit('peer:back', peer);
    });
    on('host:change', (message: { hostId: string }) => this.changeHost(message.hostId));
    on('room:metadata', (message: { metadata: Metadata }) => {
      this.roomMetadata = message.metadata;
      this.emit('metadata:change', message.metadata);
    });
    on('signal', (message: { from: string; signal: Signal }) =>
      this.directs.get(message.from)?.handleSignal(message.signal),
    );
    on('room:left', (message: { reason: LeaveReason }) => this.dispose(message.reason));
    on('connection:restored', (event: { resumed: boolean; inRoom: boolean }) => {
      if (!event.resumed || !event.inRoom) this.dispose('session-lost');
    });
    on('connection:closed', () => this.dispose('session-lost'));
  }

  private dispose(reason: LeaveReason | 'session-lost'): void {
    if (!this.active) return;
    this.active = false;
    this.scheduler.stop();
    for (const timer of this.awaited.values()) clearTimeout(timer);
    this.awaited.clear();
    for (const direct of this.directs.values()) direct.close();
    this.directs.clear();
    for (const off of this.unsubscribe.splice(0)) off();
    this.emit('room:left', reason);
  }
}
