// A first-in-first-out queue on real time (performance.now(), or a clock a test drives) whose
// items each wait for their own due time: an item is handed on once it is due and everything
// pushed before it has been. One precise timer armed for the head (see head-timer.ts) serves the
// whole queue; the consumed prefix is dropped in bulk. Delay lines and the receiving end of
// delayed links are both this queue with their own rule for the due time.

import { HeadTimer, preciseClock, type TimerClock } from './head-timer.js';

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
  private readonly timer: HeadTimer;
  private closed = false;

  /** `clock` defaults to real time; tests pass a simulated one. */
  constructor(
    private readonly handOn: (item: T) => void,
    readonly entriesMax: number,
    clock: TimerClock = preciseClock,
  ) {
    if (!(Number.isInteger(entriesMax) && entriesMax > 0)) throw new RangeError(`queue capacity must be a positive integer, got ${entriesMax}`);
    this.timer = new HeadTimer(
      {
        fireAtMs: () => this.headDueMs(),
        // The item behind the head; one due with it leaves in the same drain, and the hint is then early.
        followingFireAtMs: () => (this.size > 1 ? this.queue[this.headAt + 1]!.dueMs : Infinity),
        drainDue: (nowMs) => this.handOnDue(nowMs),
      },
      clock,
    );
  }

  get size(): number {
    return this.queue.length - this.headAt;
  }

  get isFull(): boolean {
    return this.size >= this.entriesMax;
  }

  /** Hands `item` on at `dueMs` (on the queue's clock), and never before the items pushed earlier. */
  pushAt(dueMs: number, item: T): void {
    if (this.closed) throw new Error('push on a closed queue');
    if (this.isFull) throw new Error(`queue is full (${this.entriesMax} items waiting)`);
    if (!Number.isFinite(dueMs)) throw new RangeError(`due time must be finite, got ${dueMs}`);
    this.queue.push({ dueMs, item });
    // Only a push into an empty queue moves the head; a timer armed for an earlier item hands
    // this one on too, or re-arms for it.
    this.timer.update();
  }

  /** Forgets everything waiting and returns how many items that was; the queue stays usable. */
  clear(): number {
    const forgotten = this.size;
    this.queue = [];
    this.headAt = 0;
    this.timer.disarm();
    return forgotten;
  }

  /** Forgets everything waiting and refuses further pushes. */
  close(): void {
    this.closed = true;
    this.clear();
  }

  private headDueMs(): number {
    return this.size === 0 ? Infinity : this.queue[this.headAt]!.dueMs;
  }

  private handOnDue(nowMs: number): void {
    try {
      while (this.size > 0 && this.queue[this.headAt]!.dueMs <= nowMs) {
        const { item } = this.queue[this.headAt]!;
        this.headAt++;
        this.handOn(item);
      }
    } finally {
      // Even after handOn() throws, what it consumed is dropped; the head timer re-arms.
      this.compact();
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
