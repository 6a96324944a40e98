// One timer for a whole queue whose head has a due time: armed for the head, moved earlier when
// a new head is due sooner, and re-armed for whatever is left after each drain, so a busy queue
// costs one timer, not one per item. It owns the timer only; the queue owns its order and says
// what is due. DueQueue and ShapedLink both wait this way.

import { preciseTimers } from './precise-timer.js';

/** Time and timers, injectable so tests can run a queue on simulated time. */
export interface TimerClock {
  nowMs(): number;
  /** Calls `callback` once, never before `delayMs` (a fraction of a millisecond counts) from now. */
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Real time: performance.now() and this thread's precise timers (never early, rarely late). */
export const preciseClock: TimerClock = {
  nowMs: () => performance.now(),
  setTimer: (callback, delayMs) => preciseTimers.set(callback, delayMs),
  clearTimer: (handle) => preciseTimers.clear(handle),
};

export interface HeadTimerQueue {
  /** When the timer must fire for the head of the queue; Infinity when nothing waits. */
  fireAtMs(): number;
  /** Hands on every item due at `nowMs`; the timer is re-armed for the rest afterwards, even after a throw. */
  drainDue(nowMs: number): void;
}

export class HeadTimer {
  private handle: unknown = null;
  /** When the armed timer fires (Infinity: none is armed). */
  private armedAtMs = Infinity;
  /** Inside drainDue, after which the timer is re-armed for whatever is left. */
  private draining = false;

  constructor(
    private readonly queue: HeadTimerQueue,
    private readonly clock: TimerClock,
  ) {}

  /** Call after a push: arms for the head unless a timer fires no later, or a drain will re-arm. */
  update(): void {
    if (this.draining) return;
    const atMs = this.queue.fireAtMs();
    if (Number.isNaN(atMs)) throw new Error('a head timer was asked to fire at NaN');
    if (atMs >= this.armedAtMs) return;
    this.disarm();
    this.armedAtMs = atMs;
    this.handle = this.clock.setTimer(() => this.fire(), Math.max(0, atMs - this.clock.nowMs()));
  }

  /** Call when the queue is emptied by other means than a drain (cleared, cut, closed). */
  disarm(): void {
    if (this.handle !== null) this.clock.clearTimer(this.handle);
    this.handle = null;
    this.armedAtMs = Infinity;
  }

  private fire(): void {
    this.handle = null;
    this.armedAtMs = Infinity;
    this.draining = true;
    try {
      this.queue.drainDue(this.clock.nowMs());
    } finally {
      // Even after a throwing hand-on the items behind stay armed; an emptied queue stays idle.
      this.draining = false;
      this.update();
    }
  }
}
