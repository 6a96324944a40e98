// One timer for a whole queue whose head has a due time: armed for the head, moved earlier when
// a new head is due sooner, and re-armed for whatever is left after each drain, so a busy queue
// costs one timer, not one per item. It owns the timer only; the queue owns its order and says
// what is due. DueQueue and ShapedLink both wait this way.

import { preciseTimers } from './precise-timer.js';

/** Time and timers, injectable so tests can run a queue on simulated time. */
export interface TimerClock {
  nowMs(): number;
  /**
   * Calls `callback` once, never before nowMs() reaches `atMs` (a fraction of a millisecond
   * counts). `following` says when (on nowMs()) the callback will likely set the next timer: a
   * hint a clock may use to prepare that one, or ignore.
   */
  setTimerAt(callback: () => void, atMs: number, following?: () => number): unknown;
  clearTimer(handle: unknown): void;
}

/** Real time: performance.now() and this thread's precise timers (never early, rarely late). */
export const preciseClock: TimerClock = {
  nowMs: () => performance.now(),
  setTimerAt: (callback, atMs, following) => preciseTimers.setAt(callback, atMs, following),
  clearTimer: (handle) => preciseTimers.clear(handle),
};

export interface HeadTimerQueue {
  /** When the timer must fire for the head of the queue; Infinity when nothing waits. */
  fireAtMs(): number;
  /** When the timer will fire after the next drain if nothing is pushed meanwhile (Infinity: never); a hint. */
  followingFireAtMs(): number;
  /** Hands on every item due at `nowMs`; the timer is re-armed for the rest afterwards, even after a throw. */
  drainDue(nowMs: number): void;
}

export class HeadTimer {
  private handle: unknown = null;
  /** When the armed timer fires (Infinity: none is armed). */
  private armedAtMs = Infinity;
  /** Inside drainDue, after which the timer is re-armed for whatever is left. */
  private draining = false;
  private readonly fireHandler = (): void => this.fire();
  private readonly followingFireAtMs = (): number => this.queue.followingFireAtMs();

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
    this.handle = this.clock.setTimerAt(this.fireHandler, atMs, this.followingFireAtMs);
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
