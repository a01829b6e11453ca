/** A datagram scheduled to arrive at `at` (ms); `order` breaks ties in send order. */
export interface Arrival {
  /** Arrival time, ms. */
  at: number;
  /** Send order, to keep equal arrival times stable. */
  order: number;
  /** The datagram (a private copy). */
  datagram: Uint8Array;
}

/** Binary min-heap of arrivals by time, then by send order. */
export class ArrivalQueue {
  private readonly heap: Arrival[] = [];

  /** Arrivals queued. */
  get size(): number {
    return this.heap.length;
  }

  /** Time of the earliest arrival, or Infinity when empty. */
  peekTime(): number {
    return this.heap[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  /** Schedules an arrival. */
  push(arrival: Arrival): void {
    const heap = this.heap;
    heap.push(arrival);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Removes and returns the earliest arrival. */
  pop(): Arrival | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
    return top;
  }
}

function before(a: Arrival, b: Arrival): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
