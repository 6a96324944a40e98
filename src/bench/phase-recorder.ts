// Collects one worker's samples for one phase: latencies of operations that started inside the
// measured window (after the warm-up, before the end), errors by kind, completions per
// interval for the throughput chart, a coarse histogram per interval for the latency chart, and
// in the open loop how late the generator sent each operation after its scheduled time (part of
// the operation's latency, so a reader can tell the generator's share of a tail from the target's).
// Times are performance.now() milliseconds of the recording thread.

import { LogLinearHistogram, type SerializedHistogram } from '../util/log-linear-histogram.js';
import type { OperationOutcome } from './workload.js';

/** Interval histograms only feed a chart, so 1/16 relative precision is plenty. */
const INTERVAL_PRECISION_BITS = 4;
const ERROR_KINDS_MAX = 64;
const OTHER_ERRORS_KIND = 'other errors';

export interface IntervalSlice {
  index: number;
  latency: SerializedHistogram;
  completed: number;
  errors: number;
}

export interface RecordedSlice {
  latency: SerializedHistogram;
  /** Open loop: how late each measured operation was sent after its scheduled time (empty in the closed loop). */
  sendLateness: SerializedHistogram;
  /** Successes answered before the window ended (in the open loop, what the target kept up with). */
  completedInWindow: number;
  intervals: IntervalSlice[];
  errors: Record<string, number>;
  counters: Record<string, number>;
}

interface IntervalState {
  latency: LogLinearHistogram;
  completed: number;
  errors: number;
}

export class PhaseRecorder {
  readonly latency = new LogLinearHistogram();
  readonly sendLateness = new LogLinearHistogram();
  readonly counters: Record<string, number> = {};
  private readonly errors = new Map<string, number>();
  /** Indexed by interval, filled as intervals see their first operation. */
  private readonly intervals: (IntervalState | undefined)[];
  private readonly intervalCount: number;
  private windowStart = Number.POSITIVE_INFINITY;
  private completedInWindow = 0;

  constructor(
    private readonly warmupMs: number,
    private readonly durationMs: number,
    private readonly intervalMs: number,
  ) {
    if (!(durationMs > 0) || !(warmupMs >= 0)) throw new Error('the measured window must not be empty');
    if (!(intervalMs > 0)) throw new Error('the interval must be positive');
    this.intervalCount = Math.ceil(durationMs / intervalMs);
    this.intervals = new Array<IntervalState | undefined>(this.intervalCount);
  }

  /** Starts the phase at `nowMs` (performance.now() of this thread): warm-up, then the window. */
  start(nowMs: number): void {
    if (this.windowStart !== Number.POSITIVE_INFINITY) throw new Error('a phase starts only once');
    this.windowStart = nowMs + this.warmupMs;
  }

  /** Until start(), nothing is measured. */
  get windowStartMs(): number {
    return this.windowStart;
  }

  get windowEndMs(): number {
    return this.windowStart + this.durationMs;
  }

  /** True when an operation started (or was scheduled) at `startMs` belongs to the measurement. */
  measures(startMs: number): boolean {
    return startMs >= this.windowStartMs && startMs < this.windowEndMs;
  }

  recordLatency(startMs: number, latencyMs: number, completedMs: number): void {
    if (!this.measures(startMs)) return;
    if (latencyMs < 0) throw new Error(`negative latency ${latencyMs} ms: clocks of one thread went backwards`);
    this.latency.record(latencyMs * 1000);
    this.intervalAt(startMs).latency.record(latencyMs * 1000);
    if (completedMs >= this.windowEndMs) return;
    this.intervalAt(completedMs).completed += 1;
    this.completedInWindow += 1;
  }

  /**
   * Records that the operation scheduled at `dueMs` was sent at `sentMs` (open loop). A send can
   * only follow its schedule; one that seems to precede it (clock granularity) counts as on time.
   */
  recordSendLateness(dueMs: number, sentMs: number): void {
    if (!this.measures(dueMs)) return;
    this.sendLateness.record(Math.max(0, sentMs - dueMs) * 1000);
  }

  /** Records how one operation ended: its latency, or its error kind. */
  recordOutcome(startMs: number, endMs: number, outcome: OperationOutcome): void {
    if (outcome.errorKind !== undefined) this.recordError(startMs, outcome.errorKind);
    else if (!outcome.selfRecorded) this.recordLatency(startMs, endMs - startMs, endMs);
  }

  recordError(startMs: number, kind: string): void {
    if (!this.measures(startMs)) return;
    const known = this.errors.has(kind) || this.errors.size < ERROR_KINDS_MAX;
    const key = known ? kind : OTHER_ERRORS_KIND;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    this.intervalAt(startMs).errors += 1;
  }

  count(counter: string, by = 1): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + by;
  }

  slice(): RecordedSlice {
    const intervals: RecordedSlice['intervals'] = [];
    this.intervals.forEach((state, index) => {
      if (state !== undefined) intervals.push({ index, latency: state.latency.serialize(), completed: state.completed, errors: state.errors });
    });
    return {
      latency: this.latency.serialize(),
      sendLateness: this.sendLateness.serialize(),
      completedInWindow: this.completedInWindow,
      intervals,
      errors: Object.fromEntries(this.errors),
      counters: { ...this.counters },
    };
  }

  private intervalIndex(timeMs: number): number {
    return Math.floor((timeMs - this.windowStart) / this.intervalMs);
  }

  /**
   * The interval of a time inside the window. One just before the window's end can land one past
   * the last interval: `timeMs - windowStart` may round up to the window's length (1000.0822 + 3000
   * warm-up, a time one ulp before the 12 s window's end, 50 ms intervals: 240 of 240), so it is
   * counted in the last one.
   */
  private intervalAt(timeMs: number): IntervalState {
    return this.intervalState(Math.min(this.intervalIndex(timeMs), this.intervalCount - 1));
  }

  private intervalState(index: number): IntervalState {
    if (index < 0 || index >= this.intervalCount) throw new Error(`interval ${index} is outside [0, ${this.intervalCount})`);
    return (this.intervals[index] ??= { latency: new LogLinearHistogram(INTERVAL_PRECISION_BITS), completed: 0, errors: 0 });
  }
}
