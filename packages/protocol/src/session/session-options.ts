import { InvalidOptionError } from '../errors.js';
import { SEND_RATE_DEFAULTS, type SendRateOptions } from './send-rate.js';
import { MAX_CHANNELS, MAX_HEADER_BYTES } from './wire-format.js';

/**
 * Delivery guarantees of a channel.
 * - `reliable-ordered`: every message exactly once, in send order (chat, game events).
 * - `reliable-unordered`: every message exactly once, as soon as it arrives.
 * - `unreliable-sequenced`: may be lost; never delivered after a newer one (positions: newest wins).
 * - `unreliable`: may be lost; delivered at most once, in any order.
 */
export type ChannelKind = 'reliable-ordered' | 'reliable-unordered' | 'unreliable-sequenced' | 'unreliable';

/** Declares one channel of a session. Both peers must declare the same channels in the same order. */
export interface ChannelDefinition {
  /** Name the game uses to address the channel, e.g. `chat` or `pos`. */
  name: string;
  /** Delivery guarantees, see {@link ChannelKind}. */
  kind: ChannelKind;
}

/** Options of a {@link Session}. Every limit has a default; see each field. */
export interface SessionOptions {
  /** Channels in a fixed order shared by both peers (at most 32). */
  channels: readonly ChannelDefinition[];
  /** Largest datagram the session emits, in bytes. Default 1200 (fits any path MTU with WebRTC/DTLS overhead). */
  maxDatagramSize?: number;
  /** Size of the pieces a large reliable message is cut into, in bytes. Default 1024. */
  fragmentSize?: number;
  /** Largest reliable message, in bytes (the fragmentation cap). Default 65536. */
  maxMessageSize?: number;
  /**
   * Reliable messages per channel that may be in flight (sent but not yet
   * acknowledged in order). Also the receiver's reorder window. Default 512, at most 16384.
   */
  reliableWindow?: number;
  /** Bytes of reliable messages per channel in flight / buffered by the receiver. Default 262144 (256 KiB). */
  reliableWindowBytes?: number;
  /**
   * Reliable messages the session holds (queued plus in flight) before
   * {@link Session.send} throws `SendQueueFullError`. Default 16384.
   */
  maxPendingReliableMessages?: number;
  /** Reliable bytes the session holds before `send` throws `SendQueueFullError`. Default 4 MiB. */
  maxPendingReliableBytes?: number;
  /** RTT assumed before the first measurement, in ms. Default 100. */
  initialRttMs?: number;
  /** Upper bound on how long the peer may delay an acknowledgement, in ms (used by the probe timeout). Default 25. */
  maxAckDelayMs?: number;
  /**
   * How long an acknowledgement waits for an outgoing datagram to ride on
   * before it is sent alone, ms (QUIC's ack delay). Acks of a game that
   * sends at least every `ackDelayMs` then never cost a datagram of their own
   * (two packets of reliable data waiting are acknowledged at once: a burst
   * is not held back). At most `maxAckDelayMs`. Default 0 (acknowledge at the next poll);
   * `@handoff/transport` rooms use 40 (and `maxAckDelayMs` 40).
   */
  ackDelayMs?: number;
  /** Longest probe timeout after exponential backoff, in ms. Default 2000. */
  maxProbeTimeoutMs?: number;
  /**
   * Congestion control: a send-rate estimate (bytes per second) that the
   * session paces to. Under pressure an unreliable-sequenced channel sends
   * only its newest message, plain unreliable messages that do not fit are
   * dropped, and reliable ones wait in the queue (whose limits throw
   * `SendQueueFullError`). `false` turns pacing off. Default: start at
   * 256 KiB/s, never below 16 KiB/s or above 16 MiB/s.
   */
  sendRate?: Partial<SendRateOptions> | false;
}

/** {@link SessionOptions} with every default filled in. */
export type ResolvedSessionOptions = Required<SessionOptions>;

/** Default values of {@link SessionOptions}. */
export const SESSION_DEFAULTS = {
  /** See {@link SessionOptions.maxDatagramSize}. */
  maxDatagramSize: 1200,
  /** See {@link SessionOptions.fragmentSize}. */
  fragmentSize: 1024,
  /** See {@link SessionOptions.maxMessageSize}. */
  maxMessageSize: 65536,
  /** See {@link SessionOptions.reliableWindow}. */
  reliableWindow: 512,
  /** See {@link SessionOptions.reliableWindowBytes}. */
  reliableWindowBytes: 262144,
  /** See {@link SessionOptions.maxPendingReliableMessages}. */
  maxPendingReliableMessages: 16384,
  /** See {@link SessionOptions.maxPendingReliableBytes}. */
  maxPendingReliableBytes: 4 * 1024 * 1024,
  /** See {@link SessionOptions.initialRttMs}. */
  initialRttMs: 100,
  /** See {@link SessionOptions.maxAckDelayMs}. */
  maxAckDelayMs: 25,
  /** See {@link SessionOptions.ackDelayMs}. */
  ackDelayMs: 0,
  /** See {@link SessionOptions.maxProbeTimeoutMs}. */
  maxProbeTimeoutMs: 2000,
  /** See {@link SessionOptions.sendRate}. */
  sendRate: SEND_RATE_DEFAULTS,
} as const satisfies Omit<ResolvedSessionOptions, 'channels'>;

const CHANNEL_KINDS: ReadonlySet<string> = new Set([
  'reliable-ordered',
  'reliable-unordered',
  'unreliable-sequenced',
  'unreliable',
]);

/** Fills defaults and checks ranges; throws `InvalidOptionError` with the offending field. */
export function resolveSessionOptions(options: SessionOptions): ResolvedSessionOptions {
  const resolved: ResolvedSessionOptions = { ...SESSION_DEFAULTS, ...stripUndefined(options) };
  const { channels } = resolved;
  if (channels.length === 0 || channels.length > MAX_CHANNELS) {
    throw new InvalidOptionError(`channels: between 1 and ${MAX_CHANNELS} channels required`);
  }
  const names = new Set<string>();
  for (const channel of channels) {
    if (!CHANNEL_KINDS.has(channel.kind))
      throw new InvalidOptionError(`channel ${channel.name}: unknown kind`);
    if (names.has(channel.name)) throw new InvalidOptionError(`channel ${channel.name}: declared twice`);
    names.add(channel.name);
  }
  integerIn('maxDatagramSize', resolved.maxDatagramSize, 128, 65507);
  // A fragment frame needs up to 12 bytes of framing beside the header.
  integerIn('fragmentSize', resolved.fragmentSize, 16, resolved.maxDatagramSize - MAX_HEADER_BYTES - 12);
  integerIn('maxMessageSize', resolved.maxMessageSize, 1, 0x0fffffff);
  integerIn('reliableWindow', resolved.reliableWindow, 1, 16384);
  integerIn('reliableWindowBytes', resolved.reliableWindowBytes, resolved.maxMessageSize, 2 ** 31);
  integerIn('maxPendingReliableMessages', resolved.maxPendingReliableMessages, 1, 2 ** 31);
  integerIn('maxPendingReliableBytes', resolved.maxPendingReliableBytes, resolved.maxMessageSize, 2 ** 40);
  numberIn('initialRttMs', resolved.initialRttMs, 1, 60_000);
  if (resolved.sendRate !== false) {
    const rate = { ...SEND_RATE_DEFAULTS, ...stripUndefined(resolved.sendRate) };
    numberIn('sendRate.minBytesPerSecond', rate.minBytesPerSecond, 1, 2 ** 40);
    numberIn('sendRate.maxBytesPerSecond', rate.maxBytesPerSecond, rate.minBytesPerSecond, 2 ** 40);
    numberIn(
      'sendRate.initialBytesPerSecond',
      rate.initialBytesPerSecond,
      rate.minBytesPerSecond,
      rate.maxBytesPerSecond,
    );
    resolved.sendRate = rate;
  }
  numberIn('maxAckDelayMs', resolved.maxAckDelayMs, 0, 10_000);
  numberIn('ackDelayMs', resolved.ackDelayMs, 0, resolved.maxAckDelayMs);
  numberIn('maxProbeTimeoutMs', resolved.maxProbeTimeoutMs, 1, 600_000);
  return resolved;
}

function stripUndefined<T extends object>(options: T): T {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) copy[key] = value;
  return copy as T;
}

function integerIn(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(`${field}: expected an integer in [${min}, ${max}], got ${value}`);
  }
}

function numberIn(field: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InvalidOptionError(`${field}: expected a number in [${min}, ${max}], got ${value}`);
  }
}
