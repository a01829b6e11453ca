import { unwrap16 } from './wire-format.js';

/** Bytes charged per buffered item beyond its payload, so empty fragments still cost memory. */
export const BUFFERED_ITEM_OVERHEAD = 64;

/** Outcome of {@link ReliableReceiver.check} for one incoming frame. */
export const FrameVerdict = {
  /** New content; `chargedBytes` tells how much buffer it may take. */
  Accept: 0,
  /** Already received (or older than the window start): ignore, but the packet is fine. */
  Duplicate: 1,
  /** Beyond the receive window: the datagram must be rejected. */
  OutOfWindow: 2,
  /** Inconsistent with what was received before (fragment count changed): reject. */
  Malformed: 3,
} as const;

interface Assembly {
  readonly count: number;
  readonly pieces: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
  charged: number;
}

/**
 * Receive side of one reliable channel: drops duplicates by message id,
 * reassembles fragments, and delivers either in order (buffering what
 * arrives early) or as soon as complete. Memory is bounded by the window in
 * ids and by a byte budget; the session checks a whole datagram with
 * {@link check} before applying any of it with {@link accept}.
 */
export class ReliableReceiver {
  /** Unwrapped id of the next message expected in order; every id below it was received. */
  base = 0;
  /** Bytes charged for buffered out-of-order messages and partial assemblies. */
  bufferedBytes = 0;
  private readonly early = new Map<number, Uint8Array>();
  private readonly seen = new Set<number>();
  private readonly assemblies = new Map<number, Assembly>();

  constructor(
    readonly ordered: boolean,
    private readonly window: number,
    private readonly maxFragments: number,
    private readonly maxMessageSize: number,
  ) {}

  /** Unwraps a wire id against the window start. */
  unwrap(id16: number): number {
    return unwrap16(id16, this.base);
  }

  /** Classifies a frame without changing state. `count` is 1 for a whole message. */
  check(id: number, index: number, count: number): number {
    if (id < this.base) return FrameVerdict.Duplicate;
    if (id >= this.base + this.window) return FrameVerdict.OutOfWindow;
    if (this.ordered ? this.early.has(id) : this.seen.has(id)) return FrameVerdict.Duplicate;
    const assembly = this.assemblies.get(id);
    if (count === 1) return assembly === undefined ? FrameVerdict.Accept : FrameVerdict.Malformed;
    if (count > this.maxFragments || index >= count) return FrameVerdict.Malformed;
    if (assembly === undefined) return FrameVerdict.Accept;
    if (assembly.count !== count) return FrameVerdict.Malformed;
    return assembly.pieces[index] === undefined ? FrameVerdict.Accept : FrameVerdict.Duplicate;
  }

  /** Upper bound of the buffer a frame that passed {@link check} may take. */
  charge(id: number, count: number, length: number): number {
    const newAssembly = count > 1 && !this.assemblies.has(id);
    return length + BUFFERED_ITEM_OVERHEAD + (newAssembly ? count * 8 : 0);
  }

  /**
   * Applies a frame that passed {@link check} (re-checked here, since an
   * earlier frame of the same datagram may have changed the answer) and
   * pushes deliverable messages, in delivery order, to `deliver`.
   */
  accept(
    id: number,
    index: number,
    count: number,
    payload: Uint8Array,
    deliver: (payload: Uint8Array) => void,
  ): void {
    if (this.check(id, index, count) !== FrameVerdict.Accept) return;
    if (count === 1) {
      this.complete(id, payload, false, deliver);
      return;
    }
    let assembly = this.assemblies.get(id);
    if (assembly === undefined) {
      assembly = { count, pieces: new Array(count), received: 0, bytes: 0, charged: count * 8 };
      this.assemblies.set(id, assembly);
      this.bufferedBytes += assembly.charged;
    }
    if (assembly.bytes + payload.length > this.maxMessageSize) {
      // A peer that exceeds the message cap loses the message; honest peers never do.
      this.dropAssembly(id, assembly);
      return;
    }
    assembly.pieces[index] = payload.slice();
    assembly.received++;
    assembly.bytes += payload.length;
    const charged = payload.length + BUFFERED_ITEM_OVERHEAD;
    assembly.charged += charged;
    this.bufferedBytes += charged;
    if (assembly.received < count) return;
    const whole = new Uint8Array(assembly.bytes);
    let offset = 0;
    for (const piece of assembly.pieces) {
      whole.set(piece!, offset);
      offset += piece!.length;
    }
    this.dropAssembly(id, assembly);
    this.complete(id, whole, true, deliver);
  }

  private complete(
    id: number,
    payload: Uint8Array,
    owned: boolean,
    deliver: (payload: Uint8Array) => void,
  ): void {
    if (!this.ordered) {
      deliver(payload);
      if (id !== this.base) {
        this.seen.add(id);
        return;
      }
      this.base++;
      while (this.seen.delete(this.base)) this.base++;
      return;
    }
    if (id !== this.base) {
      // Arrived early: keep a private copy so the datagram buffer is not retained.
      const copy = owned ? payload : payload.slice();
      this.early.set(id, copy);
      this.bufferedBytes += copy.length + BUFFERED_ITEM_OVERHEAD;
      return;
    }
    deliver(payload);
    this.base++;
    for (let next = this.early.get(this.base); next !== undefined; next = this.early.get(this.base)) {
      this.early.delete(this.base);
      this.bufferedBytes -= next.length + BUFFERED_ITEM_OVERHEAD;
      deliver(next);
      this.base++;
    }
  }

  private dropAssembly(id: number, assembly: Assembly): void {
    this.assemblies.delete(id);
    this.bufferedBytes -= assembly.charged;
  }
}
