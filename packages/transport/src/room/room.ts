import { HandoffError, SendQueueFullError } from '@handoff/protocol';
import type {
  LeaveReason,
  Member,
  Metadata,
  RoomJoinedMessage,
  ServerPushMessage,
  Signal,
} from '@handoff/protocol/lobby';
import { EventEmitter } from 'eventemitter3';
import { loadDefaultRtcPeerConnection } from '#webrtc';
import type { LinkConditioner } from '../conditioner/link-conditioner.js';
import { PathConditioner } from '../conditioner/path-conditioner.js';
import { DirectController } from '../direct/direct-controller.js';
import { MAX_REMOTE_CANDIDATES } from '../direct/remote-candidates.js';
import { UnknownPeerError } from '../lobby-client/errors.js';
import type { LobbyClient } from '../lobby-client/lobby-client.js';
import { type ChannelSpecs, sessionChannels } from './channels.js';
import { FlushScheduler } from './flush-scheduler.js';
import type { Peer } from './peer.js';
import type { DatagramPath, PeerStats } from './peer-link.js';
import { RemotePeer, type RemotePeerContext } from './remote-peer.js';
import { RemotePeers } from './remote-peers.js';
import { DIRECT_RETRY_DEFAULTS, DIRECT_TIMING_DEFAULTS, type RoomBehaviour } from './room-behaviour.js';
import type { RoomEvents, RoomMessage } from './room-events.js';
import { aggregateStats, type RoomStats } from './room-stats.js';
import { TELEMETRY_INTERVAL_MS, TelemetryReporter } from './telemetry-reporter.js';

export { DIRECT_RETRY_DEFAULTS, DIRECT_TIMING_DEFAULTS, type RoomBehaviour } from './room-behaviour.js';
export type { RoomEvents, RoomMessage } from './room-events.js';

/** A peer's statistics: its link's, its codecs' decode failures, and what its direct attempts saw. */
const peerStats = <M>(remote: RemotePeer<M>): PeerStats => ({
  ...remote.link.stats(),
  positionDecodeFailures: remote.codecs.positionDecodeFailures,
  nat: remote.direct?.nat ?? { ice: 'untried' },
});

/** An event to tell the game once the room's state is consistent again. */
type Announce = () => void;
const SILENT: Announce = () => {};

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
  private readonly remotes = new RemotePeers<M>();
  private readonly context: RemotePeerContext<M>;
  private readonly channelIndex = new Map<string, number>();
  private readonly directConditioner = new PathConditioner(() => this.conditioner, 'direct');
  private readonly scheduler: FlushScheduler<RemotePeer<M>>;
  private readonly unsubscribe: (() => void)[] = [];
  private active = true;
  /** Relay datagrams that arrived before the game could listen (see the constructor). */
  private heldRelay: [number, Uint8Array][] | undefined = [];
  private readonly telemetry = new TelemetryReporter();
  private telemetryTimer: ReturnType<typeof setInterval> | undefined;
  /**
   * Simulated network conditions on this player's outgoing traffic, per path
   * (latency, jitter, loss, rate cap; `seed` for replayable randomness).
   * Change it at any time; `undefined` turns it off.
   */
  conditioner: LinkConditioner | undefined;

  /** @internal Rooms come from `LobbyClient.createRoom`, `joinRoom` and `quickJoin`. */
  constructor(
    private readonly lobby: LobbyClient<M>,
    joined: RoomJoinedMessage,
    channels: ChannelSpecs<M>,
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
    const { names, definitions } = sessionChannels(channels);
    for (const [index, name] of names.entries()) this.channelIndex.set(name, index);
    this.conditioner = behaviour.conditioner;
    this.context = {
      channels,
      names,
      definitions,
      session: behaviour.session,
      relayConditioner: new PathConditioner(() => this.conditioner, 'relay'),
      sendRelay: (peerIndex, datagram) => this.lobby.sendRelay(peerIndex, datagram),
      deliver: (from, channelIndex, payload) => this.deliver(from, channelIndex, payload),
    };
    this.scheduler = new FlushScheduler(
      () => this.remotes.values(),
      behaviour.tickMs ?? 10,
      (link, error) =>
        this.emit('flush:error', {
          peer: link.peer,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
    for (const member of joined.members) this.join(member);
    this.listen();
    // The game attaches its listeners when the join's promise resolves (a
    // microtask); datagrams read with room:joined wait for the next turn.
    setTimeout(() => {
      const held = this.heldRelay ?? [];
      this.heldRelay = undefined;
      for (const [fromIndex, payload] of held)
        this.remotes.fromRelay(fromIndex)?.link.receive(payload, 'relay', performance.now());
    }, 0);
    if (this.lobby.telemetryEnabled) {
      // One report a second, the first a second after joining.
      this.telemetryTimer = setInterval(() => this.reportTelemetry(), TELEMETRY_INTERVAL_MS);
      (this.telemetryTimer as { unref?: () => void }).unref?.();
    }
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

  /** The other players, by id (a live view). */
  get peers(): ReadonlyMap<string, Peer> {
    return this.remotes.view;
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
    const remote = this.remotes.get(peerId);
    if (remote === undefined) throw new UnknownPeerError(`no peer ${peerId} in room ${this.id}`);
    const index = this.channelIndex.get(channel)!;
    const bytes = remote.codecs.encode(index, message);
    const token = remote.codecs.lastToken;
    remote.link.session.send(index, bytes, token);
    this.scheduler.schedule(remote);
  }

  /**
   * Sends a message to every peer (encoded once, or once per peer for
   * position channels: baselines differ). One peer that cannot take it —
   * `SendQueueFullError` when it has stopped acknowledging — is skipped and
   * reported with `broadcast:skipped`; every other peer still gets it.
   * Throws only when the message itself is refused (its codec, its size),
   * before any peer got it.
   */
  broadcast<K extends keyof M & string>(channel: K, message: M[K]): void {
    const index = this.channelIndex.get(channel)!;
    let shared: Uint8Array | undefined;
    let accepted = 0;
    const skipped: { remote: RemotePeer<M>; error: HandoffError }[] = [];
    let bug: unknown;
    for (const remote of this.remotes.values()) {
      const { codecs, link } = remote;
      try {
        if (codecs.perPeer(index)) {
          const bytes = codecs.encode(index, message);
          link.session.send(index, bytes, codecs.lastToken);
        } else {
          shared ??= codecs.encode(index, message);
          link.session.send(index, shared);
        }
      } catch (error) {
        // Refused before anyone took it and not back-pressure: the message is at fault, as with `send`.
        if (accepted === 0 && !(error instanceof SendQueueFullError)) throw error;
        if (error instanceof HandoffError) skipped.push({ remote, error });
        else bug ??= error; // not ours to swallow: thrown once every other peer has the message
        continue;
      }
      accepted++;
      this.scheduler.schedule(remote);
    }
    for (const { remote, error } of skipped)
      this.emit('broadcast:skipped', { peer: remote.peer, channel, error });
    if (bug !== undefined) throw bug;
  }

  /** Statistics of the link to one peer. */
  stats(peerId: string): PeerStats {
    const remote = this.remotes.get(peerId);
    if (remote === undefined) throw new UnknownPeerError(`no peer ${peerId} in room ${this.id}`);
    return peerStats(remote);
  }

  /** Statistics of the whole room. */
  roomStats(): RoomStats {
    return aggregateStats([...this.remotes.values()].map(peerStats));
  }

  /** Leaves the room. */
  async leave(): Promise<void> {
    if (!this.active) return;
    await this.lobby.leaveRoom();
    this.dispose('left');
  }

  /** A new peer: its whole record at once, then (unless privacy mode) a direct attempt. */
  private join(member: Member): Announce {
    const remote = new RemotePeer(member, this.context);
    this.remotes.add(remote);
    if (this.behaviour.direct !== 'never' && member.pairNonce !== '') this.startDirect(remote);
    return () => this.emit('peer:join', remote.peer);
  }

  /**
   * A known peer with (possibly) a new relay index and pair nonce: after a
   * resume, or when it comes back to a room restored after a lobby restart.
   * Its session — and a live direct link — carry on untouched.
   */
  private readdress(remote: RemotePeer<M>, member: Member): Announce {
    const wasReconnecting = remote.peer.reconnecting;
    this.remotes.readdress(remote, member.peerIndex);
    if (member.pairNonce !== '') remote.pairNonce = member.pairNonce;
    const peer = remote.update({ peerIndex: member.peerIndex, isHost: member.isHost, reconnecting: false });
    return wasReconnecting ? () => this.emit('peer:back', peer) : SILENT;
  }

  /** A restored room lacks this peer for now: no relay frames to it until it is back; gone after the grace period. */
  private awaitReturn(remote: RemotePeer<M>): Announce {
    const wasReconnecting = remote.peer.reconnecting;
    this.remotes.awaitReturn(remote, this.lobby.limits.resumeGraceMs, () =>
      this.removeMember(remote.id, 'disconnected')(),
    );
    const peer = remote.update({ reconnecting: true });
    return wasReconnecting ? SILENT : () => this.emit('peer:reconnecting', peer);
  }

  private removeMember(peerId: string, reason: LeaveReason): Announce {
    const remote = this.remotes.remove(peerId);
    return remote === undefined ? SILENT : () => this.emit('peer:leave', remote.peer, reason);
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
    const announcements: Announce[] = [];
    for (const member of joined.members) {
      present.add(member.id);
      const known = this.remotes.get(member.id);
      announcements.push(known === undefined ? this.join(member) : this.readdress(known, member));
    }
    for (const remote of [...this.remotes.values()]) {
      if (present.has(remote.id)) continue;
      announcements.push(
        joined.restored === true ? this.awaitReturn(remote) : this.removeMember(remote.id, 'disconnected'),
      );
    }
    // Every peer is in its new state before the game hears of any: a
    // listener that throws cannot leave the room half reconciled.
    for (const announce of announcements) announce();
    if (joined.room.hostId !== this.hostId) this.changeHost(joined.room.hostId);
  }

  private changeHost(hostId: string): void {
    const previous = this.hostId;
    this.hostId = hostId;
    this.remotes.get(previous)?.update({ isHost: false });
    this.remotes.get(hostId)?.update({ isHost: true });
    this.emit('host:change', hostId);
  }

  private startDirect(remote: RemotePeer<M>): void {
    const { link, relay } = remote;
    const injected = this.behaviour.RTCPeerConnection;
    const controller: DirectController = new DirectController({
      timing: { ...DIRECT_TIMING_DEFAULTS, ...this.behaviour.directTiming },
      retry: { ...DIRECT_RETRY_DEFAULTS, ...this.behaviour.directRetry },
      loadRtcPeerConnection: injected === undefined ? loadDefaultRtcPeerConnection : async () => injected,
      iceServers: () => this.lobby.iceServers,
      localId: this.lobby.playerId,
      remoteId: remote.id,
      pairNonce: () => remote.pairNonce,
      signal: (signal) => this.lobby.signal(remote.id, signal),
      onUp: (kind) =>
        this.movePath(
          remote,
          kind === 'turn' ? turn : direct,
          `${kind === 'turn' ? 'TURN' : 'direct'} link validated`,
        ),
      onDown: (reason) => this.movePath(remote, relay, reason),
      onDatagram: (datagram, via) => link.receive(datagram, via, performance.now()),
      signalLanes: () => this.lobby.relaysSignalLanes,
      remoteCandidates: {
        maxPerAttempt: MAX_REMOTE_CANDIDATES,
        allowLoopback: this.lobby.onLoopback,
      },
      relayOnly: this.behaviour.direct === 'turn-only',
      onHeartbeatRtt: (rtt) => {
        link.directHeartbeatRtt = rtt;
      },
      conditioner: this.directConditioner,
    });
    // One path object per kind: a pair on TURN that moves to a direct link changes path.
    const direct: DatagramPath = { kind: 'direct', send: (datagram) => controller.send(datagram) };
    const turn: DatagramPath = { kind: 'turn', send: (datagram) => controller.send(datagram) };
    remote.direct = controller;
    controller.start();
  }

  private movePath(remote: RemotePeer<M>, path: DatagramPath, reason: string): void {
    if (remote.isClosed) return;
    const from = remote.link.pathKind;
    if (!remote.link.switchTo(path, performance.now(), reason)) return;
    const peer = remote.update({ path: path.kind });
    this.emit('path:change', { peer, from, to: path.kind, reason });
  }

  /** Hands a message to the game; false when its codec refused it (the session then leaves its packet unacknowledged). */
  private deliver(remote: RemotePeer<M>, channelIndex: number, payload: Uint8Array): boolean {
    const channel = this.context.names[channelIndex];
    if (remote.isClosed || channel === undefined) return true;
    const from = remote.peer;
    let message: M[keyof M & string];
    try {
      message = remote.codecs.decode(channelIndex, payload) as M[keyof M & string];
    } catch (error) {
      this.emit('message:error', { from, channel, error: error as HandoffError });
      return false;
    }
    const sequence = remote.codecs.lastSequence;
    this.emit(
      'message',
      (sequence === undefined
        ? { from, channel, message }
        : { from, channel, message, sequence }) as RoomMessage<M>,
    );
    return true;
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
      // Until the game had a turn to listen (the join's promise resolved),
      // datagrams wait unread: unacknowledged, so nothing is delivered unheard.
      if (this.heldRelay !== undefined) this.heldRelay.push([fromIndex, payload]);
      else this.remotes.fromRelay(fromIndex)?.link.receive(payload, 'relay', performance.now());
    });
    on('server:message', (message: ServerPushMessage) => {
      if (message.scope === 'room') this.emit('server:message', { topic: message.topic, data: message.data });
    });
    on('room:joined', (message: RoomJoinedMessage) => this.reconcile(message));
    on('presence:join', (message: { member: Member }) => {
      // A known id: a peer coming back to a room restored after a lobby restart.
      const known = this.remotes.get(message.member.id);
      (known === undefined ? this.join(message.member) : this.readdress(known, message.member))();
    });
    on('presence:leave', (message: { playerId: string; reason: LeaveReason }) =>
      this.removeMember(message.playerId, message.reason)(),
    );
    on('presence:reconnecting', (message: { playerId: string }) => {
      const peer = this.remotes.get(message.playerId)?.update({ reconnecting: true });
      if (peer !== undefined) this.emit('peer:reconnecting', peer);
    });
    on('presence:back', (message: { playerId: string }) => {
      const peer = this.remotes.get(message.playerId)?.update({ reconnecting: false });
      if (peer !== undefined) this.emit('peer:back', peer);
    });
    on('host:change', (message: { hostId: string }) => this.changeHost(message.hostId));
    on('room:metadata', (message: { metadata: Metadata }) => {
      this.roomMetadata = message.metadata;
      this.emit('metadata:change', message.metadata);
    });
    on('signal', (message: { from: string; signal: Signal }) =>
      this.remotes.get(message.from)?.direct?.handleSignal(message.signal),
    );
    on('room:left', (message: { reason: LeaveReason }) => this.dispose(message.reason));
    on('connection:restored', (event: { resumed: boolean; inRoom: boolean }) => {
      if (!event.resumed || !event.inRoom) this.dispose('session-lost');
    });
    on('connection:closed', () => this.dispose('session-lost'));
  }

  /** Sends the lobby this room's connectivity report (unless turned off). */
  private reportTelemetry(): void {
    if (!this.active || this.lobby.state !== 'connected') return;
    const peers: [string, PeerStats][] = [...this.remotes.values()].map((remote) => [
      remote.id,
      peerStats(remote),
    ]);
    this.lobby.sendTelemetry(this.telemetry.report(peers));
  }

  private dispose(reason: LeaveReason | 'session-lost'): void {
    if (!this.active) return;
    this.active = false;
    clearInterval(this.telemetryTimer);
    this.scheduler.stop();
    this.remotes.closeAll();
    for (const off of this.unsubscribe.splice(0)) off();
    this.emit('room:left', reason);
  }
}
