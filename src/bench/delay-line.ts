// A constant-delay line on real time: work pushed at t runs at t + delayMs by performance.now(),
// in push order, and each item keeps its own due time (delays never add up behind each other).
// One precise timer (see transport/precise-timer.ts) serves the whole line, armed for its head:
// Node's own timers count whole milliseconds and would add up to 1 ms to every item.

import { LINK_DELAY_MS_MAX } from '../transport/link-config.js';
import { preciseTimers } from '../transport/precise-timer.js';

export const DELAY_LINE_ENTRIES_MAX_DEFAULT = 100_000;
/** The consumed prefix of the queue is dropped once it is this long and half the array. */
const COMPACT_AT_ENTRIES = 1024;

interface DelayedWork {
  dueMs: number;
  run: () => void;
}

export class DelayLine {
  private queue: DelayedWork[] = [];
  /** Index of the head in `queue`; the consumed prefix is dropped in bulk, not per item. */
  private headAt = 0;
  /** The precise timer armed for the head, if any. */
  private timer: unknown = null;
  /** Inside onDue, which arms for whatever is left when it is done. */
  private draining = false;
  private closed = false;

  constructor(
    readonly delayMs: number,
    readonly entriesMax = DELAY_LINE_ENTRIES_MAX_DEFAULT,
  ) {
    // A typo such as 40000 for 40 should fail loudly, as it does on a shaped link.
    if (!(delayMs >= 0 && delayMs <= LINK_DELAY_MS_MAX)) throw new RangeError(`delay must be in [0, ${LINK_DELAY_MS_MAX}] ms, got ${delayMs}`);
    if (!(Number.isInteger(entriesMax) && entriesMax > 0)) throw new RangeError(`delay line capacity must be a positive integer, got ${entriesMax}`);
  }

  get size(): number {
    return this.queue.length - this.headAt;
  }

  get isFull(): boolean {
    return this.size >= this.entriesMax;
  }

  /** Runs `run` delayMs from now, after everything pushed before it. */
  push(run: () => void): void {
    if (this.closed) throw new Error('push on a closed delay line');
    if (this.isFull) throw new Error(`delay line is full (${this.entriesMax} items in flight)`);
    this.queue.push({ dueMs: performance.now() + this.delayMs, run });
    // Due times only grow, so a timer armed for an earlier item already covers this one.
    if (this.timer === null && !this.draining) this.armForHead();
  }

  /** Forgets everything in flight; nothing pushed before runs afterwards. */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.headAt = 0;
    if (this.timer !== null) preciseTimers.clear(this.timer);
    this.timer = null;
  }

  private armForHead(): void {
    if (this.timer !== null) throw new Error('a delay line armed a second timer');
    if (this.closed || this.size === 0) return;
    this.timer = preciseTimers.set(() => this.onDue(), this.queue[this.headAt].dueMs - performance.now());
  }

  private onDue(): void {
    this.timer = null;
    this.draining = true;
    try {
      const nowMs = performance.now();
      while (this.size > 0 && this.queue[this.headAt].dueMs <= nowMs) {
        const work = this.queue[this.headAt];
        this.headAt++;
        work.run();
      }
    } finally {
      // Even after a throwing run(), the items behind it stay armed; a closed line stays idle.
      this.draining = false;
      this.compact();
      this.armForHead();
    }
  }

  private compact(): void {
    if (this.headAt > COMPACT_AT_ENTRIES && this.headAt * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.headAt);
      this.headAt = 0;
    }
  }
}
