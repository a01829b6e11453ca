import {
  type HandoffError,
  MalformedInputError,
  MessageTooLargeError,
  ReceiveWindowExceededError,
  SendQueueFullError,
  UnknownChannelError,
} from '../errors.js';
import { ChannelClass, DatagramParser } from './datagram-parser.js';
import { DatagramWriter } from './datagram-writer.js';
import { ReceiveTracker } from './receive-tracker.js';
import type { OutgoingMessage, ReliablePiece } from './reliable-piece.js';
import { BUFFERED_ITEM_OVERHEAD, FrameVerdict, ReliableReceiver } from './reliable-receiver.js';
import { ReliableSender } from './reliable-sender.js';
import { RttEstimator } from './rtt-estimator.js';
import { SentPacket, SentPackets } from './sent-packets.js';
import {
  type ResolvedSessionOptions,
  resolveSessionOptions,
  type SessionOptions,
} from './session-options.js';
import { SessionCounters, type SessionStats } from './session-stats.js';
import {
  ACK_DELAY_UNIT_MS,
  FLAG_ACK,
  FrameType,
  MAX_ACK_DELAY_UNITS,
  MAX_HEADER_BYTES,
  NACK_BYTES_SHIFT,
  SESSION_VERSION,
  varintSize,
} from './wire-format.js';

/** Receives what a {@link Session} delivers. Exceptions thrown here propagate out of `receive` after the datagram is fully applied. */
export interface SessionHandlers {
  /**
   * A message arrived on channel index `channel`. `payload` may view the
   * received datagram's buffer: copy it if you reuse datagram buffers.
   */
  message(channel: number, payload: Uint8Array): void;
  /** A message sent with a `token` was acknowledged by the peer (unreliable: its packet was acked). */
  delivered?(channel: number, token: number): void;
}

const KIND_RELIABLE_ORDERED = 0;
const KIND_RELIABLE_UNORDERED = 1;
const KIND_SEQUENCED = 2;
const KIND_UNRELIABLE = 3;
const KIND_CODES = {
  'reliable-ordered': KIND_RELIABLE_ORDERED,
  'reliable-unordered': KIND_RELIABLE_UNORDERED,
  'unreliable-sequenced': KIND_SEQUENCED,
  unreliable: KIND_UNRELIABLE,
} as const;
/** A changed cumulative channel ack is repeated in this many datagrams (it is only a backup for packet acks). */
const CHANNEL_ACK_REPEATS = 3;
/** Datagrams of old content a probe timeout sends again. */
const PROBE_PACKETS = 2;
/** Loss detection never uses a delay shorter than this, ms (timer granularity). */
const GRANULARITY_MS = 1;

/**
 * One reliable session with one remote peer: a pure state machine that turns
 * messages on named channels into datagrams and back. It never touches a
 * socket or a clock: the caller passes `now` (ms, monotonic) to
 * {@link Session.receive} and {@link Session.poll} and carries the datagrams
 * over whatever path is active (relay or direct) — the session does not know
 * or care which one.
 *
 * @example
 * ```ts
 * const session = new Session({ channels: [{ name: 'chat', kind: 'reliable-ordered' }] }, {
 *   message: (channel, payload) => console.log(channel, payload),
 * });
 * session.send('chat', new TextEncoder().encode('hi'));
 * for (const datagram of session.poll(performance.now())) path.send(datagram);
 * path.onmessage = (datagram) => session.receive(datagram, performance.now());
 * ```
 */
export class Session {
  /** The options in force, with defaults filled in. */
  readonly options: ResolvedSessionOptions;
  private readonly handlers: SessionHandlers;
  private readonly kinds: Uint8Array;
  private readonly names = new Map<string, number>();
  private readonly senders: (ReliableSender | undefined)[] = [];
  private readonly receivers: (ReliableReceiver | undefined)[] = [];
  private readonly receiveCaps: number[] = [];
  private readonly channelAckRepeats: Uint8Array;
  private readonly sequencedLast: Float64Array;
  private readonly parser: DatagramParser;
  private readonly received = new ReceiveTracker();
  private readonly sent: SentPackets;
  private readonly rtt: RttEstimator;
  private readonly counters = new SessionCounters();
  private readonly maxUnreliablePayload: number;
  private readonly writer: DatagramWriter;

  private unreliableChannels: number[] = [];
  private unreliablePayloads: Uint8Array[] = [];
  private unreliableTokens: number[] = [];
  private resendQueue: ReliablePiece[] = [];
  private pingPending = false;
  private ptoCount = 0;
  private lastAckElicitingSentAt = 0;
  private lossTime = Number.POSITIVE_INFINITY;
  private newReliableChannelCursor = 0;
  private deliveryChannels: number[] = [];
  private deliveryPayloads: Uint8Array[] = [];
  private deliveredChannels: number[] = [];
  private deliveredTokens: number[] = [];
  private readonly deliverTo: ((payload: Uint8Array) => void)[] = [];

  constructor(options: SessionOptions, handlers: SessionHandlers) {
    this.options = resolveSessionOptions(options);
    this.handlers = handlers;
    const { channels } = this.options;
    this.kinds = new Uint8Array(channels.length);
    this.channelAckRepeats = new Uint8Array(channels.length);
    this.sequencedLast = new Float64Array(channels.length).fill(-1);
    this.rtt = new RttEstimator(this.options.initialRttMs);
    this.sent = new SentPackets({
      acked: (packet) => this.onPacketAcked(packet),
      lost: (packet) => this.onPacketLost(packet),
    });
    const window = { messages: this.options.reliableWindow, bytes: this.options.reliableWindowBytes };
    const maxFragments = Math.ceil(this.options.maxMessageSize / 16);
    const classes: number[] = [];
    channels.forEach((channel, index) => {
      const kind = KIND_CODES[channel.kind];
      this.kinds[index] = kind;
      this.names.set(channel.name, index);
      const reliable = kind === KIND_RELIABLE_ORDERED || kind === KIND_RELIABLE_UNORDERED;
      classes.push(reliable ? ChannelClass.Reliable : ChannelClass.Unreliable);
      this.deliverTo.push((payload) => {
        this.deliveryChannels.push(index);
        this.deliveryPayloads.push(payload);
      });
      if (!reliable) {
        this.senders.push(undefined);
        this.receivers.push(undefined);
        this.receiveCaps.push(0);
        return;
      }
      this.senders.push(
        new ReliableSender(index, window, this.options.fragmentSize, (message) =>
          this.onMessageAcked(message),
        ),
      );
      this.receivers.push(
        new ReliableReceiver(
          kind === KIND_RELIABLE_ORDERED,
          this.options.reliableWindow,
          maxFragments,
          this.options.maxMessageSize,
        ),
      );
      // Receivers charge per-item overhead the sender does not count: allow for it.
      this.receiveCaps.push(
        2 * this.options.reliableWindowBytes +
          this.options.reliableWindow * 2 * BUFFERED_ITEM_OVERHEAD +
          this.options.maxDatagramSize,
      );
    });
    this.parser = new DatagramParser(classes);
    this.writer = new DatagramWriter(this.options.maxDatagramSize);
    this.maxUnreliablePayload = this.options.maxDatagramSize - MAX_HEADER_BYTES - 1 - 3;
  }

  /** Index of the channel called `name`; throws `UnknownChannelError` for an undeclared name. */
  channelIndex(name: string): number {
    const index = this.names.get(name);
    if (index === undefined) throw new UnknownChannelError(`channel "${name}" is not declared`);
    return index;
  }

  /**
   * Queues a message; it leaves with the next {@link poll}. The session keeps
   * a reference to `payload`: do not modify it afterwards.
   *
   * @param token - optional non-negative integer reported to `handlers.delivered` once the peer acknowledges the message.
   * @throws `UnknownChannelError` for an undeclared channel; `MessageTooLargeError` for a reliable
   *   message above `maxMessageSize` or an unreliable one that does not fit one datagram;
   *   `SendQueueFullError` when the reliable queue limits are reached (back-pressure: nothing was queued).
   */
  send(channel: number | string, payload: Uint8Array, token = -1): void {
    const index = typeof channel === 'number' ? channel : this.channelIndex(channel);
    const kind = this.kinds[index];
    if (kind === undefined) throw new UnknownChannelError(`channel index ${index} is not declared`);
    if (kind === KIND_SEQUENCED || kind === KIND_UNRELIABLE) {
      if (payload.length > this.maxUnreliablePayload) {
        throw new MessageTooLargeError(
          `unreliable message of ${payload.length} bytes does not fit one datagram (at most ${this.maxUnreliablePayload}); use a reliable channel`,
          payload.length,
          this.maxUnreliablePayload,
        );
      }
      this.unreliableChannels.push(index);
      this.unreliablePayloads.push(payload);
      this.unreliableTokens.push(token);
      this.counters.messagesSent++;
      return;
    }
    if (payload.length > this.options.maxMessageSize) {
      throw new MessageTooLargeError(
        `reliable message of ${payload.length} bytes exceeds maxMessageSize ${this.options.maxMessageSize}`,
        payload.length,
        this.options.maxMessageSize,
      );
    }
    const { messages, bytes } = this.pending();
    if (messages + 1 > this.options.maxPendingReliableMessages) {
      throw new SendQueueFullError(`${messages} reliable messages pending (maxPendingReliableMessages)`);
    }
    if (bytes + payload.length > this.options.maxPendingReliableBytes) {
      throw new SendQueueFullError(`${bytes} reliable bytes pending (maxPendingReliableBytes)`);
    }
    this.senders[index]!.enqueue(payload, token);
    this.counters.messagesSent++;
  }

  /** Makes the next {@link poll} emit an ack-eliciting datagram even if nothing else is queued (RTT probe, keep-alive). */
  ping(): void {
    this.pingPending = true;
  }

  /**
   * Takes one datagram from the peer. Returns `undefined` when it was accepted
   * (or silently dropped as a duplicate), or a typed error when it was
   * rejected; a rejected datagram changes no state. Never throws for any
   * input bytes; only an exception from a handler propagates.
   */
  receive(datagram: Uint8Array, now: number): HandoffError | undefined {
    const parser = this.parser;
    try {
      parser.parse(datagram);
    } catch (error) {
      this.counters.datagramsRejected++;
      return error instanceof Error && 'code' in error
        ? (error as HandoffError)
        : new MalformedInputError(String(error));
    }
    const sequence = this.received.classify(parser.sequence);
    if (sequence < 0) {
      this.counters.duplicatePackets++;
      return undefined;
    }
    const rejection = this.checkReliableFrames();
    if (rejection !== undefined) {
      this.counters.datagramsRejected++;
      return rejection;
    }
    // Validated: from here on the datagram is applied in full.
    this.received.record(sequence, now, parser.ackEliciting);
    this.counters.packetsReceived++;
    this.counters.bytesReceived += datagram.length;
    if (parser.hasAck) this.applyAck(now, datagram);
    for (let i = 0; i < parser.frameCount; i++) this.applyFrame(i, datagram, sequence);
    this.flushDeliveries();
    return undefined;
  }

  /**
   * Runs timers (loss detection, probe timeout) and returns the datagrams to
   * send now, each at most `maxDatagramSize` bytes. Call it every tick, and
   * right after {@link send} when latency matters.
   */
  poll(now: number): Uint8Array[] {
    this.lossTime = this.sent.detectLosses(now, this.lossDelay());
    this.probeIfDue(now);
    const builder = new DatagramBatch(this, now);
    this.writeChannelAcks(builder);
    this.writeResends(builder);
    this.writeUnreliable(builder);
    this.writeNewReliable(builder);
    if (this.pingPending && !builder.ackEliciting) {
      builder.reserve(1);
      builder.writer().u8(FrameType.Ping << 5);
      builder.ackEliciting = true;
    }
    this.pingPending = false;
    if (builder.count === 0 && this.received.ackPending) builder.reserve(0);
    return builder.finish();
  }

  /**
   * Absolute time (ms) at which {@link poll} next has timer work (a loss
   * deadline or the probe timeout), or `Infinity` when nothing is pending.
   */
  nextTimeout(): number {
    return Math.min(
      this.lossTime,
      this.hasUnackedReliable() ? this.probeDeadline() : Number.POSITIVE_INFINITY,
    );
  }

  /**
   * Tells the session that traffic now flows over another path. The RTT
   * estimate starts over and every unacknowledged reliable piece is queued
   * to be sent again at the next {@link poll}; the peer drops duplicates.
   */
  pathChanged(now: number): void {
    this.rtt.reset();
    this.ptoCount = 0;
    this.lastAckElicitingSentAt = now;
    for (const sender of this.senders) sender?.forEachUnacked((piece) => this.queueResend(piece));
  }

  /** Current counters and estimates. */
  stats(): SessionStats {
    const { messages, bytes } = this.pending();
    const c = this.counters;
    const rtt = this.rtt;
    return {
      rttMs: rtt.smoothed,
      rttVarianceMs: rtt.variance,
      minRttMs: rtt.samples > 0 ? rtt.min : 0,
      maxRttMs: rtt.max,
      latestRttMs: rtt.latest,
      jitterMs: rtt.jitter,
      rttSamples: rtt.samples,
      lossRate: c.lossRate,
      packetsSent: c.packetsSent,
      packetsReceived: c.packetsReceived,
      bytesSent: c.bytesSent,
      bytesReceived: c.bytesReceived,
      packetsAcked: c.packetsAcked,
      packetsLost: c.packetsLost,
      messagesSent: c.messagesSent,
      messagesReceived: c.messagesReceived,
      retransmissions: c.retransmissions,
      duplicatePackets: c.duplicatePackets,
      staleMessagesDropped: c.staleMessagesDropped,
      datagramsRejected: c.datagramsRejected,
      pendingReliableMessages: messages,
      pendingReliableBytes: bytes,
      packetsInFlight: this.sent.inFlight,
      receiveBufferedBytes: this.receivers.reduce((sum, receiver) => sum + (receiver?.bufferedBytes ?? 0), 0),
    };
  }

  /** True when no reliable message is queued or unacknowledged and no unreliable message waits. */
  get idle(): boolean {
    return this.pending().messages === 0 && this.unreliablePayloads.length === 0;
  }

  // ---- receive side -------------------------------------------------------

  private checkReliableFrames(): HandoffError | undefined {
    const p = this.parser;
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
      if (charge > 0 && this.receivers[channel]!.bufferedBytes + charge > this.receiveCaps[channel]!) {
        return new ReceiveWindowExceededError(`channel ${channel} receive buffer would exceed its limit`);
      }
    }
    return undefined;
  }

  private applyAck(now: number, datagram: Uint8Array): void {
    const p = this.parser;
    const nack = datagram.subarray(p.nackStart, p.nackStart + p.nackLength);
    const sample = this.sent.onAck(p.ackLargest, p.ackCoverage, nack);
    if (sample !== undefined) {
      this.rtt.addSample(now - sample.sentAt, p.ackDelay * ACK_DELAY_UNIT_MS);
    }
    this.lossTime = this.sent.detectLosses(now, this.lossDelay());
  }

  private applyFrame(i: number, datagram: Uint8Array, sequence: number): void {
    const p = this.parser;
    const type = p.types[i]!;
    const channel = p.channels[i]!;
    if (type === FrameType.Unreliable) {
      if (this.kinds[channel] === KIND_SEQUENCED) {
        // The packet sequence orders sequenced messages: newest wins, stale ones are dropped.
        if (sequence < this.sequencedLast[channel]!) {
          this.counters.staleMessagesDropped++;
          return;
        }
        this.sequencedLast[channel] = sequence;
      }
      this.deliveryChannels.push(channel);
      this.deliveryPayloads.push(datagram.subarray(p.starts[i]!, p.starts[i]! + p.lengths[i]!));
      return;
    }
    if (type === FrameType.ChannelAck) {
      this.senders[channel]!.cumulativeAck(p.ids[i]!);
      return;
    }
    if (type === FrameType.Ping) return;
    const receiver = this.receivers[channel]!;
    const before = receiver.base;
    const start = p.starts[i]!;
    receiver.accept(
      receiver.unwrap(p.ids[i]!),
      p.indexes[i]!,
      p.counts[i]!,
      datagram.subarray(start, start + p.lengths[i]!),
      this.deliverTo[channel]!,
    );
    if (receiver.base !== before) this.channelAckRepeats[channel] = CHANNEL_ACK_REPEATS;
  }

  private flushDeliveries(): void {
    if (this.deliveryChannels.length === 0 && this.deliveredChannels.length === 0) return;
    // Swap the lists first so a handler that re-enters the session cannot disturb this loop.
    const channels = this.deliveryChannels;
    const payloads = this.deliveryPayloads;
    const ackedChannels = this.deliveredChannels;
    const ackedTokens = this.deliveredTokens;
    this.deliveryChannels = [];
    this.deliveryPayloads = [];
    this.deliveredChannels = [];
    this.deliveredTokens = [];
    this.counters.messagesReceived += channels.length;
    let failure: unknown;
    let failed = false;
    for (let i = 0; i < channels.length; i++) {
      try {
        this.handlers.message(channels[i]!, payloads[i]!);
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
    const delivered = this.handlers.delivered;
    if (delivered !== undefined) {
      for (let i = 0; i < ackedChannels.length; i++) {
        try {
          delivered(ackedChannels[i]!, ackedTokens[i]!);
        } catch (error) {
          if (!failed) failure = error;
          failed = true;
        }
      }
    }
    if (failed) throw failure;
  }

  // ---- acknowledgement and loss -----------------------------------------

  private onPacketAcked(packet: SentPacket): void {
    this.counters.packetsAcked++;
    this.counters.packetOutcome(false);
    this.ptoCount = 0;
    for (const piece of packet.pieces) this.senders[piece.message.channel]!.pieceAcked(piece);
    const tokens = packet.tokens;
    for (let i = 0; i < tokens.length; i += 2) {
      this.deliveredChannels.push(tokens[i]!);
      this.deliveredTokens.push(tokens[i + 1]!);
    }
  }

  private onPacketLost(packet: SentPacket): void {
    this.counters.packetsLost++;
    this.counters.packetOutcome(true);
    // Only content whose latest transmission was this packet needs another one.
    for (const piece of packet.pieces) if (piece.lastPacket === packet.sequence) this.queueResend(piece);
  }

  private onMessageAcked(message: OutgoingMessage): void {
    if (message.token >= 0) {
      this.deliveredChannels.push(message.channel);
      this.deliveredTokens.push(message.token);
    }
  }

  private queueResend(piece: ReliablePiece): void {
    if (piece.acked || piece.queued) return;
    piece.queued = true;
    this.resendQueue.push(piece);
  }

  private lossDelay(): number {
    return Math.max((9 / 8) * Math.max(this.rtt.smoothed, this.rtt.latest), GRANULARITY_MS);
  }

  private probeDeadline(): number {
    const pto =
      this.rtt.smoothed + Math.max(4 * this.rtt.variance, GRANULARITY_MS) + this.options.maxAckDelayMs;
    return this.lastAckElicitingSentAt + Math.min(pto * 2 ** this.ptoCount, this.options.maxProbeTimeoutMs);
  }

  private hasUnackedReliable(): boolean {
    for (const sender of this.senders) if (sender?.hasUnacked()) return true;
    return false;
  }

  /** Probe timeout (RFC 9002 §6.2): no ack for too long — send the oldest unacked content again. */
  private probeIfDue(now: number): void {
    if (!this.hasUnackedReliable() || now < this.probeDeadline()) return;
    let queued = 0;
    for (const packet of this.sent.oldestOutstanding(PROBE_PACKETS * 4)) {
      for (const piece of packet.pieces) {
        if (piece.lastPacket === packet.sequence && !piece.acked && !piece.queued) {
          this.queueResend(piece);
          queued++;
        }
      }
      if (queued > 0 && queued >= PROBE_PACKETS) break;
    }
    if (queued === 0) this.pingPending = true;
    this.ptoCount++;
    this.lastAckElicitingSentAt = now;
  }

  // ---- send side ----------------------------------------------------------

  private writeChannelAcks(batch: DatagramBatch): void {
    for (let channel = 0; channel < this.channelAckRepeats.length; channel++) {
      if (this.channelAckRepeats[channel] === 0) continue;
      // Channel acks only ride on datagrams that go out anyway.
      if (!this.received.ackPending && !this.hasOutgoing()) return;
      this.channelAckRepeats[channel]!--;
      batch.reserve(3);
      const writer = batch.writer();
      writer.u8((FrameType.ChannelAck << 5) | channel);
      writer.u16(this.receivers[channel]!.base & 0xffff);
    }
  }

  private hasOutgoing(): boolean {
    return (
      this.resendQueue.length > 0 ||
      this.unreliablePayloads.length > 0 ||
      this.pingPending ||
      this.hasUnsent()
    );
  }

  private hasUnsent(): boolean {
    for (const sender of this.senders) if (sender?.peekSendable() !== undefined) return true;
    return false;
  }

  private writeResends(batch: DatagramBatch): void {
    const queue = this.resendQueue;
    if (queue.length === 0) return;
    this.resendQueue = [];
    for (const piece of queue) {
      piece.queued = false;
      if (piece.acked) continue;
      this.writePiece(batch, piece);
      this.counters.retransmissions++;
    }
  }

  private writeNewReliable(batch: DatagramBatch): void {
    const count = this.senders.length;
    // Rotate the starting channel so one busy channel cannot starve the others.
    const first = this.newReliableChannelCursor++ % count;
    for (let n = 0; n < count; n++) {
      const sender = this.senders[(first + n) % count];
      if (sender === undefined) continue;
      for (let piece = sender.peekSendable(); piece !== undefined; piece = sender.peekSendable()) {
        sender.takeSendable();
        this.writePiece(batch, piece);
      }
    }
  }

  private writePiece(batch: DatagramBatch, piece: ReliablePiece): void {
    const length = piece.payload.length;
    const fragmented = piece.count > 1;
    const size =
      3 + (fragmented ? varintSize(piece.index) + varintSize(piece.count) : 0) + varintSize(length) + length;
    batch.reserve(size);
    const writer = batch.writer();
    writer.u8(((fragmented ? FrameType.Fragment : FrameType.Reliable) << 5) | piece.message.channel);
    writer.u16(piece.message.id & 0xffff);
    if (fragmented) {
      writer.varint(piece.index);
      writer.varint(piece.count);
    }
    writer.varint(length);
    writer.raw(piece.payload);
    piece.lastPacket = batch.sequence;
    batch.pieces.push(piece);
    batch.ackEliciting = true;
  }

  private writeUnreliable(batch: DatagramBatch): void {
    const channels = this.unreliableChannels;
    if (channels.length === 0) return;
    const payloads = this.unreliablePayloads;
    const tokens = this.unreliableTokens;
    this.unreliableChannels = [];
    this.unreliablePayloads = [];
    this.unreliableTokens = [];
    for (let i = 0; i < channels.length; i++) {
      const payload = payloads[i]!;
      batch.reserve(1 + varintSize(payload.length) + payload.length);
      const writer = batch.writer();
      writer.u8((FrameType.Unreliable << 5) | channels[i]!);
      writer.varint(payload.length);
      writer.raw(payload);
      batch.ackEliciting = true;
      if (tokens[i]! >= 0) batch.tokens.push(channels[i]!, tokens[i]!);
    }
  }

  private pending(): { messages: number; bytes: number } {
    let messages = 0;
    let bytes = 0;
    for (const sender of this.senders) {
      if (sender === undefined) continue;
      messages += sender.pendingMessages;
      bytes += sender.pendingBytes;
    }
    return { messages, bytes };
  }

  /** @internal Used by {@link DatagramBatch} to open a datagram. */
  openDatagram(now: number): { writer: DatagramWriter; sequence: number } {
    const writer = this.writer;
    writer.open();
    const sequence = this.sent.allocate();
    const received = this.received;
    if (received.largest < 0) {
      writer.u8(SESSION_VERSION << 6);
      writer.u16(sequence & 0xffff);
      return { writer, sequence };
    }
    const nack = received.nackBitfield(this.sent.peerKnowsAcksThrough);
    this.sent.noteAckBlock(sequence, received.largest);
    writer.u8((SESSION_VERSION << 6) | FLAG_ACK | (nack.code << NACK_BYTES_SHIFT));
    writer.u16(sequence & 0xffff);
    writer.u16(received.largest & 0xffff);
    const delayUnits = Math.round((now - received.largestReceivedAt) / ACK_DELAY_UNIT_MS);
    writer.varint(Math.min(Math.max(delayUnits, 0), MAX_ACK_DELAY_UNITS));
    writer.varint(nack.coverage);
    writer.raw(nack.bytes);
    received.ackPending = false;
    return { writer, sequence };
  }

  /** @internal Used by {@link DatagramBatch} when a datagram is complete. */
  closeDatagram(batch: DatagramBatch, bytes: Uint8Array, now: number): void {
    this.counters.packetsSent++;
    this.counters.bytesSent += bytes.length;
    if (!batch.ackEliciting) return;
    this.sent.add(new SentPacket(batch.sequence, now, bytes.length, batch.pieces, batch.tokens));
    this.lastAckElicitingSentAt = now;
  }
}

/** Collects the datagrams of one {@link Session.poll}, opening a new one whenever a frame does not fit. */
class DatagramBatch {
  readonly out: Uint8Array[] = [];
  count = 0;
  sequence = -1;
  ackEliciting = false;
  pieces: ReliablePiece[] = [];
  tokens: number[] = [];
  private current: DatagramWriter | undefined;

  constructor(
    private readonly session: Session,
    private readonly now: number,
  ) {}

  /** Makes sure `size` bytes fit in the current datagram, starting a new one if needed. */
  reserve(size: number): void {
    if (this.current !== undefined && this.current.remaining >= size) return;
    this.close();
    const { writer, sequence } = this.session.openDatagram(this.now);
    this.current = writer;
    this.sequence = sequence;
    this.count++;
  }

  writer(): DatagramWriter {
    return this.current!;
  }

  finish(): Uint8Array[] {
    this.close();
    return this.out;
  }

  private close(): void {
    if (this.current === undefined) return;
    const bytes = this.current.finish();
    this.out.push(bytes);
    this.session.closeDatagram(this, bytes, this.now);
    this.current = undefined;
    this.ackEliciting = false;
    this.pieces = [];
    this.tokens = [];
  }
}
