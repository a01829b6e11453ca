import {
  type HandoffError,
  MalformedInputError,
  MessageTooLargeError,
  SendQueueFullError,
  UnknownChannelError,
} from '../errors.js';
import { isReliableKind, KIND_CODES, Kind } from './channel-kinds.js';
import { ChannelReceivers } from './channel-receivers.js';
import { DatagramBatch, type DatagramSink } from './datagram-batch.js';
import { ChannelClass, DatagramParser } from './datagram-parser.js';
import { DatagramWriter } from './datagram-writer.js';
import { DeliveryQueue, type SessionHandlers } from './delivery-queue.js';
import { ReceiveTracker } from './receive-tracker.js';
import type { OutgoingMessage, ReliablePiece } from './reliable-piece.js';
import { ReliableSender } from './reliable-sender.js';
import { RttEstimator } from './rtt-estimator.js';
import { SendRate } from './send-rate.js';
import { SentPacket, SentPackets } from './sent-packets.js';
import {
  type ResolvedSessionOptions,
  resolveSessionOptions,
  type SessionOptions,
} from './session-options.js';
import { buildStats, SessionCounters, type SessionStats } from './session-stats.js';
import { UnreliableQueue } from './unreliable-queue.js';
import {
  ACK_BITFIELD_PACKETS,
  ACK_DELAY_UNIT_MS,
  FLAG_ACK,
  FrameType,
  MAX_ACK_DELAY_UNITS,
  MAX_HEADER_BYTES,
  NACK_BYTES_SHIFT,
  NACK_LENGTHS,
  SESSION_VERSION,
} from './wire-format.js';

/**
 * Packets of reliable data after which an acknowledgement leaves without
 * waiting for the ack delay (QUIC's threshold of two, counted over reliable
 * data only): a burst or a retransmission is acknowledged at once, so its
 * sender frees its window and detects losses. Unreliable packets (positions)
 * do not count: their acks only move delta baselines, and a game ticking
 * alongside its peers sends data within the ack delay anyway — counting them
 * cost a relay frame whenever a chat line, or a peer's tick jittering early,
 * put a second packet in one send interval (#11).
 */
const RELIABLE_ACK_THRESHOLD = 2;
/**
 * Ack-eliciting packets of any kind after which an acknowledgement leaves at
 * once: far inside the 256 packets one ack block describes, even with a
 * poll that comes late.
 */
const ACK_ELICITING_CAP = ACK_BITFIELD_PACKETS / 8;
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
export class Session implements DatagramSink {
  /** The options in force, with defaults filled in. */
  readonly options: ResolvedSessionOptions;
  private readonly handlers: SessionHandlers;
  private readonly kinds: Uint8Array;
  private readonly names = new Map<string, number>();
  private readonly senders: (ReliableSender | undefined)[] = [];
  private readonly channels: ChannelReceivers;
  private readonly parser: DatagramParser;
  private readonly received = new ReceiveTracker();
  private readonly sent: SentPackets;
  private readonly rtt: RttEstimator;
  private readonly counters = new SessionCounters();
  private readonly maxUnreliablePayload: number;
  /** @internal Where {@link DatagramBatch} writes datagrams. */
  readonly datagramWriter: DatagramWriter;

  /** Unreliable messages waiting for the next poll, and the emptied queue it alternates with. */
  private unreliable = new UnreliableQueue();
  private unreliableSpare = new UnreliableQueue();
  private resendQueue: ReliablePiece[] = [];
  private pingPending = false;
  private ptoCount = 0;
  private lastAckElicitingSentAt = 0;
  /** First packet sent on the current path: acks of older packets measure the old path, not this one. */
  private firstPacketOnPath = 0;
  private lossTime = Number.POSITIVE_INFINITY;
  private newReliableChannelCursor = 0;
  private readonly deliveries = new DeliveryQueue();
  /** The pacer, unless `sendRate: false`. */
  private readonly sendRate: SendRate | undefined;
  /** Time of the current `receive` or `poll` (loss and ack callbacks need it). */
  private clock = 0;

  constructor(options: SessionOptions, handlers: SessionHandlers) {
    this.options = resolveSessionOptions(options);
    this.handlers = handlers;
    const { channels } = this.options;
    this.kinds = Uint8Array.from(channels, (channel) => KIND_CODES[channel.kind]);
    this.rtt = new RttEstimator(this.options.initialRttMs);
    this.sent = new SentPackets({
      acked: (packet) => this.onPacketAcked(packet),
      lost: (packet) => this.onPacketLost(packet),
    });
    const window = { messages: this.options.reliableWindow, bytes: this.options.reliableWindowBytes };
    this.kinds.forEach((kind, index) => {
      this.names.set(channels[index]!.name, index);
      this.senders.push(
        isReliableKind(kind)
          ? new ReliableSender(index, window, this.options.fragmentSize, (message) =>
              this.onMessageAcked(message),
            )
          : undefined,
      );
    });
    this.channels = new ChannelReceivers(this.kinds, this.options, this.deliveries);
    this.parser = new DatagramParser(
      Array.from(this.kinds, (kind) =>
        isReliableKind(kind) ? ChannelClass.Reliable : ChannelClass.Unreliable,
      ),
    );
    this.datagramWriter = new DatagramWriter(this.options.maxDatagramSize);
    const rate = this.options.sendRate;
    this.sendRate =
      rate === false ? undefined : new SendRate(rate as Required<typeof rate>, this.options.maxDatagramSize);
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
    if (kind === Kind.Sequenced || kind === Kind.Unreliable) {
      if (payload.length > this.maxUnreliablePayload) {
        throw new MessageTooLargeError(
          `unreliable message of ${payload.length} bytes does not fit one datagram (at most ${this.maxUnreliablePayload}); use a reliable channel`,
          payload.length,
          this.maxUnreliablePayload,
        );
      }
      this.unreliable.push(index, payload, token);
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
    this.clock = now;
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
    const rejection = this.channels.check(parser);
    if (rejection !== undefined) {
      this.counters.datagramsRejected++;
      return rejection;
    }
    // Validated: from here on the datagram is applied in full.
    this.received.record(sequence, now, parser.ackEliciting, parser.carriesReliable);
    this.counters.packetsReceived++;
    this.counters.bytesReceived += datagram.length;
    if (parser.hasAck) this.applyAck(now, datagram);
    for (let i = 0; i < parser.frameCount; i++) this.applyFrame(i, datagram, sequence);
    try {
      this.deliveries.flush(this.handlers, this.counters);
    } finally {
      if (this.deliveries.refused) {
        this.received.refuse(sequence);
        this.counters.packetsRefused++;
      }
    }
    return undefined;
  }

  /**
   * Runs timers (loss detection, probe timeout) and returns the datagrams to
   * send now, each at most `maxDatagramSize` bytes. Call it every tick, and
   * right after {@link send} when latency matters.
   */
  poll(now: number): Uint8Array[] {
    this.clock = now;
    this.lossTime = this.sent.detectLosses(now, this.lossDelay());
    this.probeIfDue(now);
    // An acknowledgement waits (up to ackDelayMs) for data to ride on, unless
    // a second packet of reliable data is waiting for it too (a burst, such
    // as chat lines or a retransmission, is not held back), or many packets are.
    const received = this.received;
    const ackDue =
      received.ackPending &&
      (received.reliablePending >= RELIABLE_ACK_THRESHOLD ||
        received.ackElicitingPending >= ACK_ELICITING_CAP ||
        now >= this.ackDeadline());
    // Most polls are a transport's steady tick with nothing due: no batch to build.
    if (!ackDue && !this.hasOutgoing()) return [];
    const builder = new DatagramBatch(this, now);
    this.writeChannelAcks(builder, ackDue);
    // Retransmissions, acks and pings always go; new data waits for the pacer.
    const budget = this.sendRate?.budget(now) ?? Number.POSITIVE_INFINITY;
    this.writeResends(builder);
    this.writeUnreliable(builder, budget);
    this.writeNewReliable(builder, budget);
    if (this.pingPending && !builder.ackEliciting) builder.writePing();
    this.pingPending = false;
    if (builder.count === 0 && ackDue) builder.reserve(0);
    const datagrams = builder.finish();
    if (this.sendRate !== undefined && datagrams.length > 0) {
      let bytes = 0;
      for (const datagram of datagrams) bytes += datagram.length;
      this.sendRate.spent(bytes, now);
    }
    return datagrams;
  }

  /**
   * Absolute time (ms) at which {@link poll} next has timer work (a loss
   * deadline, the probe timeout or a delayed acknowledgement), or `Infinity`
   * when nothing is pending.
   */
  nextTimeout(): number {
    return Math.min(
      this.lossTime,
      this.hasUnackedReliable() ? this.probeDeadline() : Number.POSITIVE_INFINITY,
      this.received.ackPending ? this.ackDeadline() : Number.POSITIVE_INFINITY,
    );
  }

  /** When a pending acknowledgement must leave even without data to ride on. */
  private ackDeadline(): number {
    return this.received.ackPendingSince + this.options.ackDelayMs;
  }

  /**
   * Tells the session that traffic now flows over another path. The RTT
   * estimate starts over (acks of packets sent before the change are not
   * taken as samples) and every unacknowledged reliable piece is queued to
   * be sent again at the next {@link poll}; the peer drops duplicates.
   */
  pathChanged(now: number): void {
    this.rtt.reset();
    this.sendRate?.reset();
    this.firstPacketOnPath = this.sent.nextSequence;
    this.ptoCount = 0;
    this.lastAckElicitingSentAt = now;
    for (const sender of this.senders) sender?.forEachUnacked((piece) => this.queueResend(piece));
  }

  /** Current counters and estimates. */
  stats(): SessionStats {
    const { messages, bytes } = this.pending();
    return buildStats(this.counters, this.rtt, {
      sendRateBytesPerSecond: this.sendRate?.bytesPerSecond ?? Number.POSITIVE_INFINITY,
      queuedBytes: bytes + this.unreliable.payloadBytes(),
      pendingReliableMessages: messages,
      pendingReliableBytes: bytes,
      packetsInFlight: this.sent.inFlight,
      receiveBufferedBytes: this.channels.bufferedBytes,
    });
  }

  /** True when no reliable message is queued or unacknowledged and no unreliable message waits. */
  get idle(): boolean {
    return this.pending().messages === 0 && this.unreliable.length === 0;
  }

  // ---- receive side -------------------------------------------------------

  private applyAck(now: number, datagram: Uint8Array): void {
    const p = this.parser;
    const sample = this.sent.onAck(p.ackLargest, p.ackCoverage, datagram, p.nackStart, p.nackLength);
    // A packet sent before the path change took the old path: its round trip
    // says nothing about the new one (a late ack would look like a huge RTT).
    if (sample !== undefined && sample.sequence >= this.firstPacketOnPath) {
      this.rtt.addSample(now - sample.sentAt, p.ackDelay * ACK_DELAY_UNIT_MS);
    }
    this.lossTime = this.sent.detectLosses(now, this.lossDelay());
  }

  private applyFrame(i: number, datagram: Uint8Array, sequence: number): void {
    const p = this.parser;
    const type = p.types[i]!;
    if (type === FrameType.ChannelAck) this.senders[p.channels[i]!]!.cumulativeAck(p.ids[i]!);
    else if (type !== FrameType.Ping) this.channels.apply(p, i, datagram, sequence, this.counters);
  }

  // ---- acknowledgement and loss -----------------------------------------

  private onPacketAcked(packet: SentPacket): void {
    this.sendRate?.acked(this.clock, this.rtt.smoothed);
    this.counters.packetsAcked++;
    this.counters.packetOutcome(false);
    this.ptoCount = 0;
    for (const piece of packet.pieces) this.senders[piece.message.channel]!.pieceAcked(piece);
    const tokens = packet.tokens;
    for (let i = 0; i < tokens.length; i += 2) this.deliveries.pushDelivered(tokens[i]!, tokens[i + 1]!);
  }

  private onPacketLost(packet: SentPacket): void {
    // Only losses on the current path say something about its capacity.
    if (packet.sequence >= this.firstPacketOnPath) this.sendRate?.lost(this.clock, this.rtt.smoothed);
    this.counters.packetsLost++;
    this.counters.packetOutcome(true);
    // Only content whose latest transmission was this packet needs another one.
    for (const piece of packet.pieces) if (piece.lastPacket === packet.sequence) this.queueResend(piece);
  }

  private onMessageAcked(message: OutgoingMessage): void {
    if (message.token >= 0) this.deliveries.pushDelivered(message.channel, message.token);
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

  private writeChannelAcks(batch: DatagramBatch, ackDue: boolean): void {
    // Channel acks only ride on datagrams that go out anyway.
    if (this.channels.channelAcksDue && (ackDue || this.hasOutgoing())) {
      this.channels.writeChannelAcks(batch);
    }
  }

  private hasOutgoing(): boolean {
    return this.resendQueue.length > 0 || this.unreliable.length > 0 || this.pingPending || this.hasUnsent();
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
      batch.writePiece(piece);
      this.counters.retransmissions++;
    }
  }

  private writeNewReliable(batch: DatagramBatch, budget: number): void {
    const count = this.senders.length;
    // Rotate the starting channel so one busy channel cannot starve the others.
    const first = this.newReliableChannelCursor++ % count;
    for (let n = 0; n < count; n++) {
      const sender = this.senders[(first + n) % count];
      if (sender === undefined) continue;
      for (let piece = sender.peekSendable(); piece !== undefined; piece = sender.peekSendable()) {
        // Over the pacer's budget the rest waits in the queue (back-pressure: SendQueueFullError).
        if (batch.written >= budget) return;
        sender.takeSendable();
        batch.writePiece(piece);
      }
    }
  }

  private writeUnreliable(batch: DatagramBatch, budget: number): void {
    if (this.unreliable.length === 0) return;
    const taken = this.unreliable;
    // What does not go now is queued again, into the other (empty) queue.
    this.unreliable = this.unreliableSpare;
    this.unreliableSpare = taken;
    const queued = taken.frameBytes() + batch.written > budget ? this.newestOnly(taken) : taken;
    try {
      for (let i = 0; i < queued.length; i++) {
        const channel = queued.channels[i]!;
        const payload = queued.payloads[i]!;
        if (batch.written + payload.length + 2 > budget) {
          // Out of budget: a sequenced channel's newest state waits for the next poll; the rest is dropped.
          if (this.kinds[channel] === Kind.Sequenced)
            this.unreliable.push(channel, payload, queued.tokens[i]!);
          else this.counters.unreliableDropped++;
          continue;
        }
        batch.writeUnreliable(channel, payload, queued.tokens[i]!);
      }
    } finally {
      taken.clear();
    }
  }

  /**
   * A copy of `queue` with every sequenced channel cut down to its newest
   * message (newest wins; older ones are dropped and counted). Only under
   * pacing pressure, so a fresh queue is fine.
   */
  private newestOnly(queue: UnreliableQueue): UnreliableQueue {
    const newest = new Map<number, number>();
    for (let i = 0; i < queue.length; i++)
      if (this.kinds[queue.channels[i]!] === Kind.Sequenced) newest.set(queue.channels[i]!, i);
    const kept = new UnreliableQueue();
    for (let i = 0; i < queue.length; i++) {
      const channel = queue.channels[i]!;
      if (this.kinds[channel] === Kind.Sequenced && newest.get(channel) !== i) {
        this.counters.unreliableDropped++;
        continue;
      }
      kept.push(channel, queue.payloads[i]!, queue.tokens[i]!);
    }
    return kept;
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

  /** @internal Opens a datagram for {@link DatagramBatch}: allocates its sequence (returned), writes the header and ack block. */
  openDatagram(now: number): number {
    const writer = this.datagramWriter;
    writer.open();
    const sequence = this.sent.allocate();
    const received = this.received;
    if (received.ackLargest < 0) {
      writer.u8(SESSION_VERSION << 6);
      writer.u16(sequence & 0xffff);
      received.ackPending = false;
      return sequence;
    }
    received.buildNack(this.sent.peerKnowsAcksThrough);
    this.sent.noteAckBlock(sequence, received.ackLargest);
    writer.u8((SESSION_VERSION << 6) | FLAG_ACK | (received.nackCode << NACK_BYTES_SHIFT));
    writer.u16(sequence & 0xffff);
    writer.u16(received.ackLargest & 0xffff);
    const delayUnits = Math.round((now - received.ackLargestReceivedAt) / ACK_DELAY_UNIT_MS);
    writer.varint(Math.min(Math.max(delayUnits, 0), MAX_ACK_DELAY_UNITS));
    writer.varint(received.nackCoverage);
    writer.range(received.nack, 0, NACK_LENGTHS[received.nackCode]!);
    received.ackPending = false;
    return sequence;
  }

  /** @internal Registers a datagram {@link DatagramBatch} finished. */
  closeDatagram(batch: DatagramBatch, bytes: Uint8Array, now: number): void {
    this.counters.packetsSent++;
    this.counters.bytesSent += bytes.length;
    if (!batch.ackEliciting) return;
    this.sent.add(new SentPacket(batch.sequence, now, bytes.length, batch.pieces, batch.tokens));
    this.lastAckElicitingSentAt = now;
  }
}
