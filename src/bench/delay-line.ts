// A constant-delay line on real time: work pushed at t runs at t + delayMs by performance.now(),
// in push order, and each item keeps its own due time (delays never add up behind each other).
// One timer serves the whole line. Node's timers count whole milliseconds, so the timer wakes
// the line just before the head is due and the last fraction of a millisecond is waited out
// with setImmediate, which lets I/O run meanwhile; a timer alone would add up to 1 ms per item.

export const DELAY_LINE_ENTRIES_MAX_DEFAULT = 100_000;
/** Longest constant delay a line accepts (a typo such as 40000 for 40 should fail loudly). */
export const DELAY_MS_MAX = 60_000;

interface DelayedWork {
  dueMs: number;
  run: () => void;
}

export class DelayLine {
  private queue: DelayedWork[] = [];
  /** Index of the head in `queue`; the consumed prefix is dropped in bulk, not per item. */
  private headAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private immediate: ReturnType<typeof setImmediate> | null = null;
  private closed = false;

  constructor(
    readonly delayMs: number,
    readonly entriesMax = DELAY_LINE_ENTRIES_MAX_DEFAULT,
  ) {
    if (!(delayMs >= 0 && delayMs <= DELAY_MS_MAX)) throw new RangeError(`delay must be in [0, ${DELAY_MS_MAX}] ms, got ${delayMs}`);
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
    if (this.size === 1) this.wakeForHead();
  }

  /** Forgets everything in flight; nothing pushed before runs afterwards. */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.headAt = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private wakeForHead(): void {
    if (this.closed || this.size === 0 || this.timer !== null || this.immediate !== null) return;
    const waitMs = this.queue[this.headAt].dueMs - performance.now();
    // A timer of floor(waitMs) fires at the earliest whole millisecond before the head is due.
    if (waitMs >= 1) this.timer = setTimeout(() => this.onWake(), Math.floor(waitMs));
    else this.immediate = setImmediate(() => this.onWake());
  }

  private onWake(): void {
    this.timer = null;
    this.immediate = null;
    try {
      const nowMs = performance.now();
      while (this.size > 0 && this.queue[this.headAt].dueMs <= nowMs) {
        const work = this.queue[this.headAt];
        this.headAt++;
        work.run();
      }
    } finally {
      this.compact();
      this.wakeForHead();
    }
  }

  private compact(): void {
    if (this.headAt > 1024 && this.headAt * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.headAt);
      this.headAt = 0;
    }
  }
}
