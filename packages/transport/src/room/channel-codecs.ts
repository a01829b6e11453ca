import type { DecodedSnapshot, EntityState, PositionDecoder, PositionEncoder } from '@handoff/protocol';
import {
  type ChannelSpecs,
  type CodecChannelSpec,
  isPositionChannel,
  type PositionChannelSpec,
} from './channels.js';

type AnySpec = CodecChannelSpec<unknown> | PositionChannelSpec;

/**
 * The per-peer codec state of a room's channels: stateless codecs are
 * shared; each position channel has an encoder and a decoder per peer,
 * because each peer acknowledges different baselines.
 */
export class PeerChannelCodecs<M> {
  private readonly encoders = new Map<number, PositionEncoder>();
  private readonly decoders = new Map<number, PositionDecoder>();
  /** The delivery token of the message `encode` returned last: the snapshot sequence for position channels, else -1. */
  lastToken = -1;
  /** The 16-bit sequence of the snapshot `decode` returned last (position channels), else undefined. */
  lastSequence: number | undefined;
  /** Fresh position snapshots from this peer that failed to decode, see {@link PeerStats}. */
  positionDecodeFailures = 0;

  constructor(
    private readonly specs: ChannelSpecs<M>,
    private readonly names: readonly (keyof M & string)[],
  ) {
    names.forEach((name, index) => {
      const spec = specs[name] as AnySpec;
      if (!isPositionChannel(spec)) return;
      this.encoders.set(index, spec.positions.createEncoder());
      this.decoders.set(index, spec.positions.createDecoder());
    });
  }

  /**
   * Encodes a message for this peer and sets {@link lastToken} (a field,
   * not a returned pair: this runs for every peer on every broadcast, #11).
   */
  encode(index: number, message: unknown): Uint8Array {
    const encoder = this.encoders.get(index);
    if (encoder !== undefined) {
      const encoded = encoder.encode(message as EntityState[]);
      this.lastToken = encoded.sequence;
      return encoded.bytes;
    }
    this.lastToken = -1;
    return this.spec(index).codec.encode(message);
  }

  /** True for channels whose encoding differs per peer (position channels). */
  perPeer(index: number): boolean {
    return this.encoders.has(index);
  }

  /** Decodes a message from this peer (throws the codec's typed errors). */
  decode(index: number, bytes: Uint8Array): unknown {
    const decoder = this.decoders.get(index);
    if (decoder !== undefined) {
      let snapshot: DecodedSnapshot;
      try {
        snapshot = decoder.decode(bytes);
      } catch (error) {
        this.positionDecodeFailures++;
        throw error;
      }
      this.lastSequence = snapshot.sequence;
      return snapshot.entities;
    }
    this.lastSequence = undefined;
    return this.spec(index).codec.decode(bytes);
  }

  /**
   * A stale snapshot: record it as a possible baseline, deliver nothing.
   * Returns false when it did not decode: its packet must then not be
   * acknowledged, or the sender would take it as a baseline we lack.
   */
  recordStale(index: number, bytes: Uint8Array): boolean {
    const decoder = this.decoders.get(index);
    if (decoder === undefined) return true;
    try {
      decoder.decodeStale(bytes);
      return true;
    } catch {
      // A late snapshot whose baseline is gone: expected under reordering, not counted.
      return false;
    }
  }

  /** The peer acknowledged a message sent with `token`. */
  delivered(index: number, token: number): void {
    this.encoders.get(index)?.acknowledge(token);
  }

  private spec(index: number): CodecChannelSpec<unknown> {
    return this.specs[this.names[index]!] as CodecChannelSpec<unknown>;
  }
}
