import type { Peer } from './peer.js';
import type { RemotePeer } from './remote-peer.js';

/**
 * The room's remote peers: one record per peer id, plus an index by relay
 * peer index for incoming relay frames. The index is written only here, in
 * {@link add}, {@link readdress}, {@link awaitReturn} and {@link remove}, so it can
 * never point at a removed peer.
 */
export class RemotePeers<M> {
  private readonly byId = new Map<string, RemotePeer<M>>();
  private readonly byRelayIndex = new Map<number, RemotePeer<M>>();
  /** A live read-only view of the public snapshots, by id (`Room.peers`). */
  readonly view: ReadonlyMap<string, Peer> = new PeerView(this.byId);

  /** Peers in the room. */
  get size(): number {
    return this.byId.size;
  }

  /** The peer with this id. */
  get(peerId: string): RemotePeer<M> | undefined {
    return this.byId.get(peerId);
  }

  /** The peer whose relay frames carry this index. */
  fromRelay(peerIndex: number): RemotePeer<M> | undefined {
    return this.byRelayIndex.get(peerIndex);
  }

  /** Every peer, in the order they were added. */
  values(): IterableIterator<RemotePeer<M>> {
    return this.byId.values();
  }

  /** Adds a peer (its relay index wins over a stale holder of the same index). */
  add(remote: RemotePeer<M>): void {
    this.byId.set(remote.id, remote);
    this.index(remote);
  }

  /** A known peer's new relay index (after a resume or a lobby restart); it is no longer awaited. */
  readdress(remote: RemotePeer<M>, peerIndex: number): void {
    clearTimeout(remote.awaitTimer);
    remote.awaitTimer = undefined;
    this.unindex(remote);
    remote.relayIndex = peerIndex;
    this.index(remote);
  }

  /**
   * A restored room lacks this peer for now: no relay frames to it (index
   * -1) until it is back; `expire` runs if it is not back within `graceMs`.
   */
  awaitReturn(remote: RemotePeer<M>, graceMs: number, expire: () => void): void {
    this.unindex(remote);
    remote.relayIndex = -1;
    clearTimeout(remote.awaitTimer);
    const timer = setTimeout(expire, graceMs);
    (timer as { unref?: () => void }).unref?.();
    remote.awaitTimer = timer;
  }

  /** Removes a peer and closes everything it owns; returns it (undefined if unknown). */
  remove(peerId: string): RemotePeer<M> | undefined {
    const remote = this.byId.get(peerId);
    if (remote === undefined) return undefined;
    this.byId.delete(peerId);
    this.unindex(remote);
    remote.close();
    return remote;
  }

  /** Closes every peer (the room is over); the records stay readable. */
  closeAll(): void {
    for (const remote of this.byId.values()) remote.close();
    this.byRelayIndex.clear();
  }

  private index(remote: RemotePeer<M>): void {
    if (remote.relayIndex >= 0) this.byRelayIndex.set(remote.relayIndex, remote);
  }

  private unindex(remote: RemotePeer<M>): void {
    if (this.byRelayIndex.get(remote.relayIndex) === remote) this.byRelayIndex.delete(remote.relayIndex);
  }
}

/** `ReadonlyMap<string, Peer>` over the records, so `Room.peers` is live without a second map to keep in step. */
class PeerView<M> implements ReadonlyMap<string, Peer> {
  constructor(private readonly records: ReadonlyMap<string, RemotePeer<M>>) {}

  get size(): number {
    return this.records.size;
  }

  get(id: string): Peer | undefined {
    return this.records.get(id)?.peer;
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  forEach(
    callback: (value: Peer, key: string, map: ReadonlyMap<string, Peer>) => void,
    thisArg?: unknown,
  ): void {
    for (const [id, remote] of this.records) callback.call(thisArg, remote.peer, id, this);
  }

  *entries(): MapIterator<[string, Peer]> {
    for (const [id, remote] of this.records) yield [id, remote.peer];
  }

  keys(): MapIterator<string> {
    return this.records.keys();
  }

  *values(): MapIterator<Peer> {
    for (const remote of this.records.values()) yield remote.peer;
  }

  [Symbol.iterator](): MapIterator<[string, Peer]> {
    return this.entries();
  }
}
