// The stall watch: a helper thread that naps NAP_MS at a time and notes every wake that came
// STALL_MIN_MS or more after it was due. Such a wake means no thread of this process could run
// for that long: every core was busy, or the machine itself was not run. On this VM the second
// happens: `perf sched` showed neither vCPU ticking for 15 ms (no scheduler tick, no switch, all
// eight bench threads runnable), and every write in flight then waited as long. The bench reports
// the stalls inside each measured window, so that a reader can tell a run the machine stalled
// from one the target was slow in. The watch is itself a thread on the same cores: napping 2 ms
// at a time it cost the 40 ms open loop 0.08 ms of p50 and 0.25 ms of p99 (four alternated pairs
// of runs), so it naps 10 ms. A stall at least NAP_MS long always covers a wake and is seen, as at
// least its length less one nap; a shorter one may be missed.

import type { Worker } from 'node:worker_threads';
import { startSourceThread } from '../util/source-thread.js';

/** How long the watch sleeps between looks at the clock. */
export const NAP_MS = 10;
/** A wake this much later than due is a stall; outside the host pause no bench thread waited 4.9 ms or more for a core. */
export const STALL_MIN_MS = 5;
/** Stalls kept; later ones are counted but not kept (a machine stalling this often says so anyway). */
const STALLS_KEPT_MAX = 16_384;
/** Int32 slots: 0 = stop flag, 1 = stalls seen. Then the stalls, two Float64s each. */
const STOP_SLOT = 0;
const SEEN_SLOT = 1;
const STALLS_BYTE_OFFSET = 8;

export interface Stall {
  /** When the late wake was due (ms since the epoch). */
  dueAtEpochMs: number;
  /** How late it came: the stall lasted at least this long. */
  lateMs: number;
}

export interface StallSummary {
  /** Stalls of at least STALL_MIN_MS that began inside the window. */
  count: number;
  longestMs: number;
  totalMs: number;
}

/** The stalls among `stalls` that began in [fromEpochMs, toEpochMs), summed up. */
export function summarizeStalls(stalls: readonly Stall[], fromEpochMs: number, toEpochMs: number): StallSummary {
  let count = 0;
  let longestMs = 0;
  let totalMs = 0;
  for (const stall of stalls) {
    if (stall.dueAtEpochMs < fromEpochMs || stall.dueAtEpochMs >= toEpochMs) continue;
    count++;
    totalMs += stall.lateMs;
    longestMs = Math.max(longestMs, stall.lateMs);
  }
  return { count, longestMs, totalMs };
}

/** The summaries of several windows as one: counts and time added, the longest kept. */
export function combineStalls(summaries: readonly StallSummary[]): StallSummary {
  return {
    count: summaries.reduce((sum, s) => sum + s.count, 0),
    longestMs: Math.max(0, ...summaries.map((s) => s.longestMs)),
    totalMs: summaries.reduce((sum, s) => sum + s.totalMs, 0),
  };
}

export class StallWatch {
  private readonly control: Int32Array;
  private readonly kept: Float64Array;
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  /** Why the thread died, if it did: then no figure of it may be given as zero stalls. */
  private failure: Error | null = null;
  /** Resolves once the thread runs (it watches from then on). */
  readonly online: Promise<void>;

  private constructor() {
    const shared = new SharedArrayBuffer(STALLS_BYTE_OFFSET + STALLS_KEPT_MAX * 2 * 8);
    this.control = new Int32Array(shared, 0, 2);
    this.kept = new Float64Array(shared, STALLS_BYTE_OFFSET, STALLS_KEPT_MAX * 2);
    this.worker = startSourceThread(
      `(${watchForStalls.toString()})(new Int32Array(shared, 0, 2), new Float64Array(shared, ${STALLS_BYTE_OFFSET}, ${STALLS_KEPT_MAX * 2}), ${NAP_MS}, ${STALL_MIN_MS});`,
      shared,
    );
    this.worker.on('error', (error) => (this.failure = error));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.online = new Promise((resolve) => this.worker.once('online', resolve));
  }

  /** Starts a watch thread; it watches until stop(). */
  static start(): StallWatch {
    return new StallWatch();
  }

  /** Stalls seen so far (the first STALLS_KEPT_MAX of them). Throws if the thread died. */
  stalls(): Stall[] {
    if (this.failure !== null) throw new Error(`the stall watch thread failed: ${this.failure.message}`);
    const kept = Math.min(Atomics.load(this.control, SEEN_SLOT), STALLS_KEPT_MAX);
    const stalls: Stall[] = [];
    for (let i = 0; i < kept; i++) stalls.push({ dueAtEpochMs: this.kept[2 * i]!, lateMs: this.kept[2 * i + 1]! });
    return stalls;
  }

  /** The stalls that began in [fromEpochMs, toEpochMs). */
  summarize(fromEpochMs: number, toEpochMs: number): StallSummary {
    return summarizeStalls(this.stalls(), fromEpochMs, toEpochMs);
  }

  async stop(): Promise<void> {
    Atomics.store(this.control, STOP_SLOT, 1);
    Atomics.notify(this.control, STOP_SLOT);
    await this.exited;
  }
}

/**
 * The watch thread's whole life: nap, look at the clock, note a late wake, until told to stop.
 * It runs as source text in its own thread, so it uses nothing but globals and its arguments
 * and declares no inner functions (a transpiler could wrap those in helpers it lacks).
 * A stall is stored before the count that publishes it.
 */
function watchForStalls(control: Int32Array, kept: Float64Array, napMs: number, stallMinMs: number): void {
  let dueMs = performance.timeOrigin + performance.now() + napMs;
  while (Atomics.load(control, 0) === 0) {
    Atomics.wait(control, 0, 0, napMs);
    const nowMs = performance.timeOrigin + performance.now();
    const lateMs = nowMs - dueMs;
    if (lateMs >= stallMinMs) {
      const seen = Atomics.load(control, 1);
      if (2 * seen + 1 < kept.length) {
        kept[2 * seen] = dueMs;
        kept[2 * seen + 1] = lateMs;
      }
      Atomics.store(control, 1, seen + 1);
    }
    dueMs = nowMs + napMs;
  }
}
