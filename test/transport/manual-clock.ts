// Simulated time for link and due-queue tests: timers fire only when the test advances the
// clock, in due order, and the clock counts how many timers are pending at once.

import type { TimerClock } from '../../src/transport/head-timer.js';

/** Timers one advance may fire: a queue that re-arms for a time already past would spin forever. */
const FIRINGS_PER_ADVANCE_MAX = 1_000_000;

interface PendingTimer {
  atMs: number;
  callback: () => void;
}

export class ManualClock implements TimerClock {
  private currentMs = 0;
  private readonly pending = new Set<PendingTimer>();
  /** The most timers ever pending at the same moment. */
  pendingMax = 0;
  timersSet = 0;

  nowMs(): number {
    return this.currentMs;
  }

  /** The hint given with the timer set last: when its callback will likely set the next one. */
  lastFollowing: (() => number) | undefined;

  setTimerAt(callback: () => void, atMs: number, following?: () => number): unknown {
    this.lastFollowing = following;
    const timer = { atMs: Math.max(atMs, this.currentMs), callback };
    this.pending.add(timer);
    this.timersSet++;
    this.pendingMax = Math.max(this.pendingMax, this.pending.size);
    return timer;
  }

  clearTimer(handle: unknown): void {
    this.pending.delete(handle as PendingTimer);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Moves time forward to `targetMs`, firing every timer due on the way at its own time. */
  advanceTo(targetMs: number): void {
    if (targetMs < this.currentMs) throw new Error(`time cannot go back to ${targetMs}`);
    for (let fired = 0; ; fired++) {
      if (fired === FIRINGS_PER_ADVANCE_MAX) throw new Error(`${fired} timers fired before ${targetMs} ms: a timer keeps re-arming without time passing`);
      let next: PendingTimer | undefined;
      for (const timer of this.pending) if (timer.atMs <= targetMs && (next === undefined || timer.atMs < next.atMs)) next = timer;
      if (next === undefined) break;
      this.pending.delete(next);
      this.currentMs = next.atMs;
      next.callback();
    }
    this.currentMs = targetMs;
  }
}
