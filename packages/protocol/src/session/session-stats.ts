import type { RttEstimator } from './rtt-estimator.js';

/** A snapshot of a session's counters and estimates, see {@link Session.stats}. */
export interface SessionStats {
  /** Smoothed round-trip time, ms (the initial guess until the first sample). */
  rttMs: number;
  /** RTT variance (mean deviation), ms. */
  rttVarianceMs: number;
  /** Smallest RTT sample on the current path, ms (0 before any sample). */
  minRttMs: number;
  /** Largest RTT sample on the current path, ms. */
  maxRttMs: number;
  /** Latest RTT sample, ms. */
  latestRttMs: number;
  /** Smoothed difference between consecutive RTT samples, ms. */
  jitterMs: number;
  /** RTT samples taken on the current path. */
  rttSamples: number;
  /** Estimated fraction of ack-eliciting packets lost (0..1, moving average). */
  lossRate: number;
  /** Datagrams emitted by `poll`. */
  packetsSent: number;
  /** Datagrams accepted by `receive`. */
  packetsReceived: number;
  /** Bytes emitted by `poll`. */
  bytesSent: number;
  /** Bytes of accepted datagrams. */
  bytesReceived: number;
  /** Ack-eliciting packets the peer acknowledged. */
  packetsAcked: number;
  /** Ack-eliciting packets declared lost. */
  packetsLost: number;
  /** Messages accepted by `send`. */
  messagesSent: number;
  /** Messages delivered to the handler. */
  messagesReceived: number;
  /** Reliable pieces sent again (loss, probe timeout, path change). */
  retransmissions: number;
  /** Datagrams dropped because they were already received or too old. */
  duplicatePackets: number;
  /** Sequenced messages dropped because a newer one was already delivered. */
  staleMessagesDropped: number;
  /** Datagrams rejected with a typed error (malformed, out of window...). */
  datagramsRejected: number;
  /** Accepted datagrams left unacknowledged because a handler refused an unreliable message in them. */
  packetsRefused: number;
  /** Unreliable messages dropped before sending by congestion control (sequenced: older states superseded by a newer one). */
  unreliableDropped: number;
  /** The congestion controller's send-rate estimate for the current path, bytes per second (`Infinity` with `sendRate: false`). */
  sendRateBytesPerSecond: number;
  /** Bytes waiting to be sent or acknowledged: pending reliable messages plus queued unreliable ones. */
  queuedBytes: number;
  /** Reliable messages held: queued or in flight, not yet acknowledged. */
  pendingReliableMessages: number;
  /** Bytes of those messages. */
  pendingReliableBytes: number;
  /** Ack-eliciting packets in flight. */
  packetsInFlight: number;
  /** Bytes the receive side holds for out-of-order and partially reassembled messages (bounded per channel). */
  receiveBufferedBytes: number;
}

/** Mutable counters behind {@link SessionStats} (the estimates live elsewhere). */
export class SessionCounters {
  packetsSent = 0;
  packetsReceived = 0;
  bytesSent = 0;
  bytesReceived = 0;
  packetsAcked = 0;
  packetsLost = 0;
  messagesSent = 0;
  messagesReceived = 0;
  retransmissions = 0;
  duplicatePackets = 0;
  staleMessagesDropped = 0;
  datagramsRejected = 0;
  packetsRefused = 0;
  unreliableDropped = 0;
  lossRate = 0;

  /** Feeds one packet outcome into the loss moving average (gain 1/16). */
  packetOutcome(lost: boolean): void {
    this.lossRate += ((lost ? 1 : 0) - this.lossRate) / 16;
  }
}

/** Figures of a {@link SessionStats} that live outside the counters. */
export type QueueFigures = Pick<
  SessionStats,
  | 'pendingReliableMessages'
  | 'pendingReliableBytes'
  | 'packetsInFlight'
  | 'receiveBufferedBytes'
  | 'sendRateBytesPerSecond'
  | 'queuedBytes'
>;

/** Assembles a {@link SessionStats} snapshot. */
export function buildStats(c: SessionCounters, rtt: RttEstimator, queues: QueueFigures): SessionStats {
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
    packetsRefused: c.packetsRefused,
    unreliableDropped: c.unreliableDropped,
    ...queues,
  };
}
