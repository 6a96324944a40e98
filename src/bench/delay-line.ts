// A constant-delay line on real time: work pushed at t runs at t + delayMs by performance.now(),
// in push order, and each item keeps its own due time (delays never add up behind each other).
// It is a DueQueue (one precise timer for the whole line): Node's own timers count whole
// milliseconds and would add up to 1 ms to every item.

import { LINK_DELAY_MS_MAX } from '../transport/link-config.js';
import { DueQueue } from '../transport/due-queue.js';

const DELAY_LINE_ENTRIES_MAX_DEFAULT = 100_000;

export class DelayLine {
  private readonly queue: DueQueue<() => void>;

  constructor(
    readonly delayMs: number,
    entriesMax = DELAY_LINE_ENTRIES_MAX_DEFAULT,
  ) {
    // A typo such as 40000 for 40 should fail loudly, as it does on a shaped link.
    if (!(delayMs >= 0 && delayMs <= LINK_DELAY_MS_MAX)) throw new RangeError(`delay must be in [0, ${LINK_DELAY_MS_MAX}] ms, got ${delayMs}`);
    this.queue = new DueQueue((run) => run(), entriesMax);
  }

  /** How many items may wait at once (the queue checks it). */
  get entriesMax(): number {
    return this.queue.entriesMax;
  }

  get size(): number {
    return this.queue.size;
  }

  /** Runs `run` delayMs from now, after everything pushed before it (the queue refuses one past its capacity). */
  push(run: () => void): void {
    this.queue.pushAt(performance.now() + this.delayMs, run);
  }

  /** Forgets everything in flight; nothing pushed before runs afterwards. */
  close(): void {
    this.queue.close();
  }
}
