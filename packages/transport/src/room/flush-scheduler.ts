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
    this.timer = setInterval(() => flushEach(this.all(), performance.now()), tickMs);
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
      try {
        flushEach(links, now);
      } finally {
        links.clear();
      }
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.dirty.clear();
  }
}

/**
 * Flushes every link even if one throws (one peer's failure must not starve
 * the others), then rethrows the first error: a bug is reported, not hidden.
 */
function flushEach(links: Iterable<Flushable>, now: number): void {
  let failure: { error: unknown } | undefined;
  for (const link of links) {
    try {
      link.flush(now);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure !== undefined) throw failure.error;
}
