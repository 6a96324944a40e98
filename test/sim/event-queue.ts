// The simulator's agenda: a binary min-heap of events ordered by simulated time, with ties broken
// by insertion order, so that two runs that schedule the same events pop them in the same order.

interface Slot<T> {
  timeMs: number;
  seq: number;
  event: T;
}

export class EventQueue<T> {
  private readonly heap: Slot<T>[] = [];
  private seqNext = 0;

  constructor(private readonly sizeMax: number) {
    if (!(sizeMax > 0)) throw new Error(`event queue needs a positive size limit, got ${sizeMax}`);
  }

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `event` at `timeMs`; events at the same time pop in the order they were pushed. */
  push(timeMs: number, event: T): void {
    if (!Number.isFinite(timeMs)) throw new Error(`event time must be finite, got ${timeMs}`);
    if (this.heap.length >= this.sizeMax) {
      throw new Error(`event queue is full (${this.sizeMax} events): the simulation is running away`);
    }
    this.heap.push({ timeMs, seq: this.seqNext++, event });
    this.siftUp(this.heap.length - 1);
  }

  /** The time of the earliest event, or undefined when the queue is empty. */
  peekTimeMs(): number | undefined {
    return this.heap[0]?.timeMs;
  }

  /** Removes and returns the earliest event with its time, or undefined when empty. */
  pop(): { timeMs: number; event: T } | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return { timeMs: top.timeMs, event: top.event };
  }

  private before(a: Slot<T>, b: Slot<T>): boolean {
    return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
  }

  private siftUp(start: number): void {
    let child = start;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(this.heap[child]!, this.heap[parent]!)) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private siftDown(start: number): void {
    let parent = start;
    const size = this.heap.length;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= size) return;
      const right = left + 1;
      const smaller = right < size && this.before(this.heap[right]!, this.heap[left]!) ? right : left;
      if (!this.before(this.heap[smaller]!, this.heap[parent]!)) return;
      this.swap(smaller, parent);
      parent = smaller;
    }
  }

  private swap(i: number, j: number): void {
    const held = this.heap[i]!;
    this.heap[i] = this.heap[j]!;
    this.heap[j] = held;
  }
}
