/** At most this many anomalies are kept per peer: enough to diagnose, bounded in size. */
const MAX_ANOMALIES = 8;

/**
 * The traffic a player exchanges with one peer, and the checks on what comes
 * back: chat ids must arrive as 0, 1, 2, … exactly once each (a loss, a
 * duplicate or a reordering breaks the run of ids), positions must never go
 * backwards. Pure bookkeeping: times come in as arguments.
 */
export class PeerTraffic {
  chatSent = 0;
  positionsSent = 0;
  chatReceived = 0;
  readonly chatAnomalies: string[] = [];
  positionsReceived = 0;
  positionsBackwards = 0;
  longestPositionGapMs = 0;
  private lastX = Number.NEGATIVE_INFINITY;
  private lastPositionAt: number | undefined;

  /** A chat message with this id arrived. */
  chatArrived(id: number): void {
    if (id !== this.chatReceived) {
      this.anomaly(`chat #${id} arrived when #${this.chatReceived} was expected`);
      // Resynchronise on what arrived, so one hole is reported once, not at every later message.
      if (id > this.chatReceived) this.chatReceived = id + 1;
      return;
    }
    this.chatReceived++;
  }

  /** A position with this `x` arrived at `now` (ms). */
  positionArrived(x: number, now: number): void {
    this.positionsReceived++;
    if (x < this.lastX) {
      this.positionsBackwards++;
      this.anomaly(`position x=${x} after x=${this.lastX}`);
    }
    this.lastX = Math.max(this.lastX, x);
    if (this.lastPositionAt !== undefined)
      this.longestPositionGapMs = Math.max(this.longestPositionGapMs, now - this.lastPositionAt);
    this.lastPositionAt = now;
  }

  /** Stops measuring position gaps (the game is over; silence is expected now). */
  stopGapClock(): void {
    this.lastPositionAt = undefined;
  }

  /** Records something unexpected (bounded). */
  anomaly(text: string): void {
    if (this.chatAnomalies.length < MAX_ANOMALIES) this.chatAnomalies.push(text);
  }
}
