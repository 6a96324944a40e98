// The bound on a check's work: a number of search steps and a wall-clock deadline, shared by
// all parts of one history. Running out makes the verdict 'unknown', never a wrong answer.

import { performance } from 'node:perf_hooks';

export interface CheckLimits {
  /** Wall-clock time for the whole history. */
  timeoutMs: number;
  /** Search steps (one candidate operation tried or one backtrack) for the whole history. */
  stepsMax: number;
  /** Memoized (linearized set, state) pairs per part; bounds memory. */
  visitedPairsMax: number;
}

export const defaultCheckLimits: CheckLimits = {
  timeoutMs: 60_000,
  stepsMax: 200_000_000,
  visitedPairsMax: 5_000_000,
};

/** Reading the clock on every step would cost more than the step, so it is read this often. */
const stepsPerClockRead = 4096;

export class Budget {
  private stepsLeft: number;
  private readonly deadlineMs: number;
  private stepsUntilClockRead = stepsPerClockRead;
  exhaustedBy: 'steps' | 'time' | undefined = undefined;

  constructor(readonly limits: CheckLimits) {
    if (!(limits.timeoutMs > 0) || !(limits.stepsMax > 0) || !(limits.visitedPairsMax > 0)) {
      throw new Error(`check limits must be positive: ${JSON.stringify(limits)}`);
    }
    this.stepsLeft = limits.stepsMax;
    this.deadlineMs = performance.now() + limits.timeoutMs;
  }

  /** Spends one step; false once the budget is gone. */
  spendStep(): boolean {
    if (this.exhaustedBy !== undefined) return false;
    this.stepsLeft -= 1;
    if (this.stepsLeft < 0) this.exhaustedBy = 'steps';
    this.stepsUntilClockRead -= 1;
    if (this.stepsUntilClockRead === 0) {
      this.stepsUntilClockRead = stepsPerClockRead;
      if (performance.now() > this.deadlineMs) this.exhaustedBy = 'time';
    }
    return this.exhaustedBy === undefined;
  }

  get stepsUsed(): number {
    return this.limits.stepsMax - Math.max(this.stepsLeft, 0);
  }
}
