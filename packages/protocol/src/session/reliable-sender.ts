import { OutgoingMessage, ReliablePiece } from './reliable-piece.js';
import { unwrap16 } from './wire-format.js';

/** Limits a {@link ReliableSender} enforces on first transmissions. */
export interface SendWindow {
  /** Messages in flight (from the oldest unacknowledged id). */
  readonly messages: number;
  /** Bytes of messages in flight. */
  readonly bytes: number;
}

/**
 * Send side of one reliable channel: assigns message ids, cuts messages into
 * pieces, gates first transmissions by the window, and frees messages in id
 * order once acknowledged (by packet acks or the peer's cumulative ack).
 */
export class ReliableSender {
  /** Messages not yet freed, in id order; `messages[head]` has id `oldestId`. */
  private messages: OutgoingMessage[] = [];
  private head = 0;
  /** Unwrapped id of the oldest message not yet freed (the window start). */
  oldestId = 0;
  /** Unwrapped id the next enqueued message gets. */
  nextId = 0;
  /** Pieces never transmitted, in order. */
  private unsent: ReliablePiece[] = [];
  private unsentHead = 0;
  /** Bytes of messages that were sent and are not yet freed. */
  windowBytes = 0;
  /** Bytes held (queued + in flight). */
  pendingBytes = 0;

  constructor(
    readonly channel: number,
    private readonly window: SendWindow,
    private readonly fragmentSize: number,
    private readonly onMessageAcked: (message: OutgoingMessage) => void,
  ) {}

  /** Messages held (queued + in flight). */
  get pendingMessages(): number {
    return this.messages.length - this.head;
  }

  /** True when a transmitted message still waits for its acknowledgement. */
  hasUnacked(): boolean {
    return this.head < this.messages.length && this.messages[this.head]!.sent;
  }

  /** Enqueues a message; the caller has checked the size and pending limits. */
  enqueue(payload: Uint8Array, token: number): void {
    const message = new OutgoingMessage(this.nextId++, this.channel, payload.length, token);
    if (payload.length <= this.fragmentSize) {
      const piece = new ReliablePiece(message, 0, 1, payload);
      message.pieces.push(piece);
      this.unsent.push(piece);
    } else {
      const count = Math.ceil(payload.length / this.fragmentSize);
      for (let index = 0; index < count; index++) {
        const start = index * this.fragmentSize;
        const piece = new ReliablePiece(
          message,
          index,
          count,
          payload.subarray(start, start + this.fragmentSize),
        );
        message.pieces.push(piece);
        this.unsent.push(piece);
      }
    }
    this.messages.push(message);
    this.pendingBytes += payload.length;
  }

  /** The next never-sent piece if the window allows sending it now, else undefined. */
  peekSendable(): ReliablePiece | undefined {
    const piece = this.unsent[this.unsentHead];
    if (piece === undefined) return undefined;
    const message = piece.message;
    if (message.sent) return piece;
    if (message.id - this.oldestId >= this.window.messages) return undefined;
    // A message larger than the byte window may still go when the window is empty.
    if (this.windowBytes + message.size > this.window.bytes && this.windowBytes > 0) return undefined;
    return piece;
  }

  /** Marks the piece returned by {@link peekSendable} as taken for transmission. */
  takeSendable(): void {
    const piece = this.unsent[this.unsentHead]!;
    this.unsent[this.unsentHead++] = undefined as unknown as ReliablePiece;
    if (this.unsentHead > 1024 && this.unsentHead * 2 > this.unsent.length) {
      this.unsent = this.unsent.slice(this.unsentHead);
      this.unsentHead = 0;
    }
    if (!piece.message.sent) {
      piece.message.sent = true;
      this.windowBytes += piece.message.size;
    }
  }

  /** A packet carrying `piece` was acknowledged. */
  pieceAcked(piece: ReliablePiece): void {
    if (piece.acked) return;
    piece.acked = true;
    const message = piece.message;
    if (++message.piecesAcked === message.pieces.length) this.messageAcked(message);
  }

  /**
   * The peer's cumulative ack: every message before `nextExpected16` arrived.
   * Values outside the sent range are ignored (stale or hostile).
   */
  cumulativeAck(nextExpected16: number): void {
    const nextExpected = unwrap16(nextExpected16, this.oldestId);
    if (nextExpected <= this.oldestId) return;
    for (let id = this.oldestId; id < nextExpected; id++) {
      const message = this.messages[this.head + (id - this.oldestId)];
      if (message === undefined || !message.sent) return;
      if (!message.acked) {
        for (const piece of message.pieces) piece.acked = true;
        message.piecesAcked = message.pieces.length;
        this.messageAcked(message);
      }
    }
  }

  /** Calls `visit` for every transmitted, unacknowledged piece (path change resends them all). */
  forEachUnacked(visit: (piece: ReliablePiece) => void): void {
    for (let i = this.head; i < this.messages.length; i++) {
      const message = this.messages[i]!;
      if (!message.sent) return;
      if (message.acked) continue;
      for (const piece of message.pieces) if (!piece.acked && piece.lastPacket >= 0) visit(piece);
    }
  }

  private messageAcked(message: OutgoingMessage): void {
    message.acked = true;
    this.onMessageAcked(message);
    // Free from the window start only, so the window always spans the oldest unacked id.
    while (this.head < this.messages.length && this.messages[this.head]!.acked) {
      const freed = this.messages[this.head]!;
      this.messages[this.head++] = undefined as unknown as OutgoingMessage;
      this.oldestId++;
      this.windowBytes -= freed.size;
      this.pendingBytes -= freed.size;
    }
    if (this.head > 1024 && this.head * 2 > this.messages.length) {
      this.messages = this.messages.slice(this.head);
      this.head = 0;
    }
  }
}
