// A first-in-first-out queue on real time whose items each wait for their own due time (by
// performance.now()): an item is handed on once it is due and everything pushed before it has
// been. One precise timer (see precise-timer.ts), armed for the head, serves the whole queue;
// the consumed prefix is dropped in bulk. Delay lines and the receiving end of delayed links
// are both this queue with their own rule for the due time.

import { preciseTimers } from './precise-timer.js';

/** The consumed prefix of the queue is dropped once it is this long and half the array. */
const COMPACT_AT_ENTRIES = 1024;

interface DueItem<T> {
  dueMs: number;
  item: T;
}

export class DueQueue<T> {
  private queue: DueItem<T>[] = [];
  /** Index of the head in `queue`. */
  private headAt = 0;
  /** The precise timer armed for the head, if any. */
  private timer: unknown = null;
  /** Inside onDue, which arms for whatever is left when it is done. */
  private draining = false;
  private closed = false;

  constructor(
    private readonly handOn: (item: T) => void,
    readonly entriesMax: number,
  ) {
    if (!(Number.isInteger(entriesMax) && entriesMax > 0)) throw new RangeError(`queue capacity must be a positive integer, got ${entriesMax}`);
  }

  get size(): number {
    return this.queue.length - this.headAt;
  }

  get isFull(): boolean {
    return this.size >= this.entriesMax;
  }

  /** Hands `item` on at `dueMs` (performance.now()), and never before the items pushed earlier. */
  pushAt(dueMs: number, item: T): void {
    if (this.closed) throw new Error('push on a closed queue');
    if (this.isFull) throw new Error(`queue is full (${this.entriesMax} items waiting)`);
    if (!Number.isFinite(dueMs)) throw new RangeError(`due time must be finite, got ${dueMs}`);
    this.queue.push({ dueMs, item });
    // A timer armed for an earlier item hands this one on too, or re-arms for it.
    if (this.timer === null && !this.draining) this.armForHead();
  }

  /** Forgets everything waiting and returns how many items that was; the queue stays usable. */
  clear(): number {
    const forgotten = this.size;
    this.queue = [];
    this.headAt = 0;
    if (this.timer !== null) preciseTimers.clear(this.timer);
    this.timer = null;
    return forgotten;
  }

  /** Forgets everything waiting and refuses further pushes. */
  close(): void {
    this.closed = true;
    this.clear();
  }

  private armForHead(): void {
    if (this.timer !== null) throw new Error('a due queue armed a second timer');
    if (this.closed || this.size === 0) return;
    this.timer = preciseTimers.set(() => this.onDue(), Math.max(0, this.queue[this.headAt]!.dueMs - performance.now()));
  }

  private onDue(): void {
    this.timer = null;
    this.draining = true;
    try {
      const nowMs = performance.now();
      while (this.size > 0 && this.queue[this.headAt]!.dueMs <= nowMs) {
        const { item } = this.queue[this.headAt]!;
        this.headAt++;
        this.handOn(item);
      }
    } finally {
      // Even after handOn() throws, the items behind stay armed; a cleared or closed queue stays idle.
      this.draining = false;
      this.compact();
      if (this.timer === null) this.armForHead();
    }
  }

  private compact(): void {
    if (this.size === 0) {
      this.queue = [];
      this.headAt = 0;
    } else if (this.headAt > COMPACT_AT_ENTRIES && this.headAt * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.headAt);
      this.headAt = 0;
    }
  }
}
