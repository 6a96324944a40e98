// A bounded priority queue of items ordered by due time (a binary min-heap): a link's messages
// by delivery time, a thread's precise timers by deadline, the simulator's events by simulated
// time. Equal times leave in the order they were pushed, so a link's FIFO decisions survive the
// heap and two runs that push the same items pop them in the same order.

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

  /** The earliest item, or undefined when empty. */
  get head(): T | undefined {
    return this.heap[0]?.item;
  }

  /** The due time of the item that leaves after the head (Infinity when there is none). */
  get secondAtMs(): number {
    const heap = this.heap;
    if (heap.length < 2) return Infinity;
    // The second earliest is one of the head's two children.
    return heap.length === 2 || precedes(heap[1], heap[2]) ? heap[1].atMs : heap[2].atMs;
  }

  /** Queues `item` at `atMs`, which must be finite (Infinity stands for an empty queue). */
  push(atMs: number, item: T): void {
    if (!Number.isFinite(atMs)) throw new RangeError(`due time must be finite, got ${atMs}`);
    if (this.isFull) throw new Error(`delivery queue is full (${this.capacity})`);
    this.heap.push({ atMs, order: this.pushes++, item });
    this.siftUp(this.heap.length - 1);
  }

  /** Removes and returns the earliest item; the queue must not be empty. */
  pop(): T {
    const head = this.heap[0];
    if (head === undefined) throw new Error('pop from an empty delivery queue');
    this.removeAt(0);
    return head.item;
  }

  /** Removes `item` (the first slot holding it, found by a linear scan); false when it is not queued. */
  remove(item: T): boolean {
    const at = this.heap.findIndex((slot) => slot.item === item);
    if (at < 0) return false;
    this.removeAt(at);
    return true;
  }

  clear(): void {
    this.heap.length = 0;
  }

  /** Fills slot `at` with the last slot, which then moves up or down to its place. */
  private removeAt(at: number): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (at === heap.length) return;
    heap[at] = last;
    this.siftUp(at);
    this.siftDown(at);
  }

  private siftUp(child: number): void {
    const heap = this.heap;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!precedes(heap[child], heap[parent])) return;
      [heap[child], heap[parent]] = [heap[parent], heap[child]];
      child = parent;
    }
  }

  private siftDown(parent: number): void {
    const heap = this.heap;
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
