/** Something with datagrams to send. */
export interface Flushable {
  flush(now: number): void;
}

/**
 * Flushes peer links: at the end of the current task when they have new
 * messages (so every message of one game tick leaves in the same datagrams,
 * at once), and on a steady tick for acknowledgements and retransmission.
 */
export class FlushScheduler<L extends Flushable> {
  private dirty = new Set<L>();
  private spare = new Set<L>();
  private scheduled = false;
  private readonly timer: ReturnType<typeof setInterval>;

  /**
   * @param all - every link, for the steady tick
   * @param tickMs - period of the steady tick, ms
   * @param onError - one link's flush threw; the others were still flushed.
   *   Called instead of throwing: the flushes run from a timer or a
   *   microtask, where a throw would be an uncaught exception.
   */
  constructor(
    private readonly all: () => Iterable<L>,
    tickMs: number,
    private readonly onError: (link: L, error: unknown) => void,
  ) {
    this.timer = setInterval(() => flushEach(this.all(), performance.now(), this.onError), tickMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Flushes `link` once the current task is done. */
  schedule(link: L): void {
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
        flushEach(links, now, this.onError);
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
 * the others); each failure goes to `onError`, not thrown. Should `onError`
 * itself throw (a game's `flush:error` listener), the other links are still
 * flushed and that error is rethrown at the end: the game's bug surfaces,
 * and no peer goes unserved because of it.
 */
function flushEach<L extends Flushable>(
  links: Iterable<L>,
  now: number,
  onError: (link: L, error: unknown) => void,
): void {
  let listenerFailure: { error: unknown } | undefined;
  for (const link of links) {
    try {
      link.flush(now);
    } catch (error) {
      try {
        onError(link, error);
      } catch (thrown) {
        listenerFailure ??= { error: thrown };
      }
    }
  }
  if (listenerFailure !== undefined) throw listenerFailure.error;
}
