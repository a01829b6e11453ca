/** Something with datagrams to send. */
export interface Flushable {
  flush(now: number): void;
}

/**
 * Flushes peer links: at the end of the current task when they have new
 * messages (so every message of one game tick leaves in the same datagrams,
 * at once), and on a steady tick for acknowledgements and retransmission.
 */
export class FlushScheduler {
  private dirty = new Set<Flushable>();
  private spare = new Set<Flushable>();
  private scheduled = false;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly all: () => Iterable<Flushable>,
    tickMs: number,
  ) {
    this.timer = setInterval(() => {
      const now = performance.now();
      for (const link of this.all()) link.flush(now);
    }, tickMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Flushes `link` once the current task is done. */
  schedule(link: Flushable): void {
    this.dirty.add(link);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      const now = performance.now();
      // Swap two sets instead of copying: no allocation per flush on the hot path.
      const links = this.dirty;
      this.dirty = this.spare;
      this.spare = links;
      for (const each of links) each.flush(now);
      links.clear();
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.dirty.clear();
  }
}
