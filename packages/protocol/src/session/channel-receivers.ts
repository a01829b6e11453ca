import { type HandoffError, MalformedInputError, ReceiveWindowExceededError } from '../errors.js';
import { isReliableKind, Kind } from './channel-kinds.js';
import type { DatagramBatch } from './datagram-batch.js';
import type { DatagramParser } from './datagram-parser.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { BUFFERED_ITEM_OVERHEAD, FrameVerdict, ReliableReceiver } from './reliable-receiver.js';
import type { ResolvedSessionOptions } from './session-options.js';
import type { SessionCounters } from './session-stats.js';
import { FrameType } from './wire-format.js';

/** A changed cumulative channel ack is repeated in this many datagrams (it is only a backup for packet acks). */
const CHANNEL_ACK_REPEATS = 3;

/**
 * The receive side of every channel of a session: checks a parsed datagram's
 * message frames against the reliable windows and buffer caps (without
 * changing anything), then applies them — dedupe, reordering, reassembly,
 * newest-wins for sequenced channels — and queues the deliveries.
 */
export class ChannelReceivers {
  private readonly receivers: (ReliableReceiver | undefined)[] = [];
  private readonly caps: number[] = [];
  private readonly sequencedLast: Float64Array;
  private readonly ackRepeats: Uint8Array;
  private readonly deliverTo: ((payload: Uint8Array) => void)[] = [];

  constructor(
    private readonly kinds: Uint8Array,
    options: ResolvedSessionOptions,
    private readonly deliveries: DeliveryQueue,
  ) {
    this.sequencedLast = new Float64Array(kinds.length).fill(-1);
    this.ackRepeats = new Uint8Array(kinds.length);
    const maxFragments = Math.ceil(options.maxMessageSize / 16);
    // Receivers charge per-item overhead the sender does not count: allow for it.
    const cap =
      2 * options.reliableWindowBytes +
      options.reliableWindow * 2 * BUFFERED_ITEM_OVERHEAD +
      options.maxDatagramSize;
    kinds.forEach((kind, channel) => {
      const reliable = isReliableKind(kind);
      this.deliverTo.push((payload) => deliveries.pushMessage(channel, payload, !reliable));
      this.caps.push(reliable ? cap : 0);
      this.receivers.push(
        reliable
          ? new ReliableReceiver(
              kind === Kind.ReliableOrdered,
              options.reliableWindow,
              maxFragments,
              options.maxMessageSize,
            )
          : undefined,
      );
    });
  }

  /** Bytes held for out-of-order messages and partial reassemblies, all channels. */
  get bufferedBytes(): number {
    let total = 0;
    for (const receiver of this.receivers) total += receiver?.bufferedBytes ?? 0;
    return total;
  }

  /** Checks the reliable frames of a parsed datagram; returns why it must be rejected, or undefined. */
  check(p: DatagramParser): HandoffError | undefined {
    let charges: Float64Array | undefined;
    for (let i = 0; i < p.frameCount; i++) {
      const type = p.types[i]!;
      if (type !== FrameType.Reliable && type !== FrameType.Fragment) continue;
      const channel = p.channels[i]!;
      const receiver = this.receivers[channel]!;
      const id = receiver.unwrap(p.ids[i]!);
      const verdict = receiver.check(id, p.indexes[i]!, p.counts[i]!);
      if (verdict === FrameVerdict.Malformed) {
        return new MalformedInputError(
          `fragment ${p.indexes[i]}/${p.counts[i]} inconsistent with message ${id}`,
        );
      }
      if (verdict === FrameVerdict.OutOfWindow) {
        return new ReceiveWindowExceededError(
          `message ${id} on channel ${channel} is beyond the receive window`,
        );
      }
      if (verdict === FrameVerdict.Accept) {
        charges ??= new Float64Array(this.receivers.length);
        charges[channel] = charges[channel]! + receiver.charge(id, p.counts[i]!, p.lengths[i]!);
      }
    }
    if (charges === undefined) return undefined;
    for (let channel = 0; channel < charges.length; channel++) {
      const charge = charges[channel]!;
      if (charge > 0 && this.receivers[channel]!.bufferedBytes + charge > this.caps[channel]!) {
        return new ReceiveWindowExceededError(`channel ${channel} receive buffer would exceed its limit`);
      }
    }
    return undefined;
  }

  /** Applies message frame `i` (unreliable, reliable or fragment) of a checked datagram with unwrapped `sequence`. */
  apply(
    p: DatagramParser,
    i: number,
    datagram: Uint8Array,
    sequence: number,
    counters: SessionCounters,
  ): void {
    const channel = p.channels[i]!;
    const start = p.starts[i]!;
    const payload = datagram.subarray(start, start + p.lengths[i]!);
    if (p.types[i] === FrameType.Unreliable) {
      if (this.kinds[channel] === Kind.Sequenced) {
        // The packet sequence orders sequenced messages: newest wins, stale ones are dropped.
        if (sequence < this.sequencedLast[channel]!) {
          counters.staleMessagesDropped++;
          this.deliveries.pushStale(channel, payload);
          return;
        }
        this.sequencedLast[channel] = sequence;
      }
      this.deliverTo[channel]!(payload);
      return;
    }
    const receiver = this.receivers[channel]!;
    const before = receiver.base;
    receiver.accept(
      receiver.unwrap(p.ids[i]!),
      p.indexes[i]!,
      p.counts[i]!,
      payload,
      this.deliverTo[channel]!,
    );
    if (receiver.base !== before) this.ackRepeats[channel] = CHANNEL_ACK_REPEATS;
  }

  /** True when a channel ack is due (it rides only on datagrams that go out anyway). */
  get channelAcksDue(): boolean {
    for (const repeats of this.ackRepeats) if (repeats > 0) return true;
    return false;
  }

  /** Writes the due channel acks into `batch`. */
  writeChannelAcks(batch: DatagramBatch): void {
    for (let channel = 0; channel < this.ackRepeats.length; channel++) {
      if (this.ackRepeats[channel] === 0) continue;
      this.ackRepeats[channel]!--;
      batch.writeChannelAck(channel, this.receivers[channel]!.base);
    }
  }
}
