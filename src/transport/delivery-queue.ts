// A bounded priority queue of messages ordered by delivery time (a binary min-heap). Equal
// times leave in the order they were pushed, so a link's FIFO decisions survive the heap.

interface Slot<T> {
  atMs: number;
  order: number;
  item: T;
}

export class DeliveryQueue<T> {
  private readonly heap: Slot<T>[] = [];
  private pushes = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`bad queue capacity ${capacity}`);
  }

  get size(): number {
    return this.heap.length;
  }

  get isFull(): boolean {
    return this.heap.length >= this.capacity;
  }

  /** The earliest delivery time queued, or Infinity when empty. */
  get headAtMs(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0].atMs;
  }

  push(atMs: number, item: T): void {
    if (this.isFull) throw new Error(`delivery queue is full (${this.capacity})`);
    const heap = this.heap;
    heap.push({ atMs, order: this.pushes++, item });
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!precedes(heap[child], heap[parent])) break;
      [heap[child], heap[parent]] = [heap[parent], heap[child]];
      child = parent;
    }
  }

  /** Removes and returns the earliest item; the queue must not be empty. */
  pop(): T {
    const heap = this.heap;
    const head = heap[0];
    if (head === undefined) throw new Error('pop from an empty delivery queue');
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this.siftDown();
    }
    return head.item;
  }

  clear(): void {
    this.heap.length = 0;
  }

  private siftDown(): void {
    const heap = this.heap;
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let first = parent;
      if (left < heap.length && precedes(heap[left], heap[first])) first = left;
      if (right < heap.length && precedes(heap[right], heap[first])) first = right;
      if (first === parent) return;
      [heap[first], heap[parent]] = [heap[parent], heap[first]];
      parent = first;
    }
  }
}

function precedes<T>(a: Slot<T>, b: Slot<T>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order);
}
