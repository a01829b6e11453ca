/**
 * A reliable message waiting for acknowledgement, and the pieces it was cut
 * into (one piece when it fits, otherwise fragments).
 */
export class OutgoingMessage {
  /** Pieces, in fragment order. */
  readonly pieces: ReliablePiece[] = [];
  /** Pieces acknowledged so far. */
  piecesAcked = 0;
  /** First transmission happened (the message occupies the send window). */
  sent = false;
  /** Every piece is acknowledged. */
  acked = false;

  constructor(
    /** Unwrapped message id (the wire carries the low 16 bits). */
    readonly id: number,
    /** Channel index. */
    readonly channel: number,
    /** Payload size in bytes. */
    readonly size: number,
    /** Caller's delivery token, -1 when none. */
    readonly token: number,
  ) {}
}

/** One transmittable unit: a whole reliable message or one fragment of it. */
export class ReliablePiece {
  /** Unwrapped sequence of the packet that last carried this piece, -1 before the first send. */
  lastPacket = -1;
  /** The peer acknowledged a packet carrying this piece. */
  acked = false;
  /** Sits in the session's resend queue. */
  queued = false;

  constructor(
    readonly message: OutgoingMessage,
    /** Fragment index (0 for a whole message). */
    readonly index: number,
    /** Fragment count (1 for a whole message). */
    readonly count: number,
    /** The bytes this piece carries (a view into the message payload). */
    readonly payload: Uint8Array,
  ) {}
}
