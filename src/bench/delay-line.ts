// A constant-delay line on real time: work pushed at t runs at t + delayMs by performance.now(),
// in push order, and each item keeps its own due time (delays never add up behind each other).
// The delay may change: items already in the line keep theirs, and a shorter one never lets a
// new item overtake an older one.
// It is a DueQueue (one precise timer for the whole line): Node's own timers count whole
// milliseconds and would add up to 1 ms to every item.

import { LINK_DELAY_MS_MAX } from '../transport/link-config.js';
import { DueQueue } from '../transport/due-queue.js';

const DELAY_LINE_ENTRIES_MAX_DEFAULT = 100_000;

export class DelayLine {
  private readonly queue: DueQueue<() => void>;
  private currentDelayMs: number;

  constructor(delayMs: number, entriesMax = DELAY_LINE_ENTRIES_MAX_DEFAULT) {
    this.currentDelayMs = checkedDelayMs(delayMs);
    this.queue = new DueQueue((run) => run(), entriesMax);
  }

  get delayMs(): number {
    return this.currentDelayMs;
  }

  /** Delays what is pushed from now on by `delayMs`; what waits already keeps its due time. */
  setDelayMs(delayMs: number): void {
    this.currentDelayMs = checkedDelayMs(delayMs);
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
    this.queue.pushAt(performance.now() + this.currentDelayMs, run);
  }

  /** Forgets everything in flight; nothing pushed before runs afterwards. */
  close(): void {
    this.queue.close();
  }
}

/** A typo such as 40000 for 40 should fail loudly, as it does on a shaped link. */
function checkedDelayMs(delayMs: number): number {
  if (!(delayMs >= 0 && delayMs <= LINK_DELAY_MS_MAX)) throw new RangeError(`delay must be in [0, ${LINK_DELAY_MS_MAX}] ms, got ${delayMs}`);
  return delayMs;
}
