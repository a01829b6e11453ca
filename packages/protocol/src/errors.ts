/**
 * Every error Handoff raises is a {@link HandoffError}: a class with a stable
 * `name` (safe to switch on, survives minification) and a stable numeric
 * `code` (what travels on the wire where an error is reported to a peer).
 *
 * @module
 */

/** Stable error codes. Numbers never change meaning once released. */
export const ErrorCode = {
  /** A datagram or frame could not be parsed (truncated, bad field, trailing bytes). */
  MalformedInput: 1,
  /** A message or datagram is larger than the configured limit. */
  MessageTooLarge: 2,
  /** A send queue or window is full; the caller must wait and retry (back-pressure). */
  SendQueueFull: 3,
  /** The peer sent more than the receive window allows. */
  ReceiveWindowExceeded: 4,
  /** A channel name or index is not declared. */
  UnknownChannel: 5,
  /** A decoded value does not satisfy the codec's schema (types, lengths). */
  InvalidMessage: 6,
  /** A delta-coded snapshot refers to a baseline the decoder does not hold. */
  MissingBaseline: 7,
  /** A configuration value is out of range. */
  InvalidOption: 8,
  /** The peer speaks an unsupported protocol version. */
  UnsupportedVersion: 9,
  /** The lobby refused a request; the error carries the lobby's own code. */
  LobbyRefused: 10,
  /** A request got no answer in time. */
  Timeout: 11,
  /** The caller aborted the operation (AbortSignal). */
  Aborted: 12,
  /** The connection closed (or was never established) before the operation completed. */
  ConnectionClosed: 13,
  /** A player id that is not a member of the room. */
  UnknownPeer: 14,
} as const;

/** One of the values of {@link ErrorCode}. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error thrown or returned by Handoff packages. */
export class HandoffError extends Error {
  /** Stable machine-readable code, see {@link ErrorCode}. */
  readonly code: number;

  constructor(code: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    // Keep `name` stable even when subclasses are minified.
    this.name = 'HandoffError';
  }
}

/** Input bytes could not be parsed. Raised for hostile or corrupted data; state is unchanged. */
export class MalformedInputError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.MalformedInput, message);
    this.name = 'MalformedInputError';
  }
}

/** A message or datagram exceeds a configured size limit. */
export class MessageTooLargeError extends HandoffError {
  /** Size that was attempted, in bytes. */
  readonly size: number;
  /** The limit that applies, in bytes. */
  readonly limit: number;

  constructor(message: string, size: number, limit: number) {
    super(ErrorCode.MessageTooLarge, message);
    this.name = 'MessageTooLargeError';
    this.size = size;
    this.limit = limit;
  }
}

/**
 * A reliable send queue is full. Nothing was enqueued; the caller should wait
 * for acknowledgements (watch `pendingReliableBytes` in the stats) and retry.
 */
export class SendQueueFullError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.SendQueueFull, message);
    this.name = 'SendQueueFullError';
  }
}

/** The peer sent reliable data beyond the receive window; the datagram was rejected whole. */
export class ReceiveWindowExceededError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.ReceiveWindowExceeded, message);
    this.name = 'ReceiveWindowExceededError';
  }
}

/** A channel name or index that was never declared. */
export class UnknownChannelError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.UnknownChannel, message);
    this.name = 'UnknownChannelError';
  }
}

/** A decoded value failed validation (wrong type, string too long, ...). */
export class InvalidMessageError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.InvalidMessage, message);
    this.name = 'InvalidMessageError';
  }
}

/** A delta-coded snapshot names a baseline the decoder does not have (lost or evicted). */
export class MissingBaselineError extends HandoffError {
  /** The baseline sequence the snapshot was coded against. */
  readonly baseline: number;

  constructor(message: string, baseline: number) {
    super(ErrorCode.MissingBaseline, message);
    this.name = 'MissingBaselineError';
    this.baseline = baseline;
  }
}

/** A configuration value is out of its documented range. */
export class InvalidOptionError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.InvalidOption, message);
    this.name = 'InvalidOptionError';
  }
}

/** The peer uses a protocol version this build does not speak. */
export class UnsupportedVersionError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.UnsupportedVersion, message);
    this.name = 'UnsupportedVersionError';
  }
}

/**
 * A lobby control message failed validation. Carries what could be read of
 * it, so the lobby can answer with an `error` that echoes the `requestId`
 * (or close the connection when even the type is unreadable).
 */
export class InvalidControlMessageError extends InvalidMessageError {
  /** The message's `requestId`, if it was present and a valid u32. */
  readonly requestId: number | undefined;
  /** The message's `type`, if it was a string (possibly unknown; at most 64 characters kept). */
  readonly messageType: string | undefined;
  /** True when the `type` is missing, not a string or not a known message type. */
  readonly unknownType: boolean;

  constructor(
    message: string,
    details: { requestId?: number | undefined; messageType?: string | undefined; unknownType?: boolean } = {},
  ) {
    super(message);
    this.name = 'InvalidControlMessageError';
    this.requestId = details.requestId;
    this.messageType = details.messageType;
    this.unknownType = details.unknownType ?? false;
  }
}
