// The messages between the main thread and the load-generator threads: a phase task says what
// one worker must do in one phase; a phase slice is what that worker measured.

import type { LoadModel, WorkloadOptions } from './bench-options.js';
import type { ClientPlacement } from './client-delay.js';
import type { RecordedSlice } from './phase-recorder.js';
import type { CpuProfile } from '../util/cpu-profiler.js';

export interface PingTask {
  kind: 'ping';
  /** The ping holds its thread this long, so that the pool must start every thread. */
  holdMs: number;
}

export interface PhaseTask {
  kind: 'phase';
  workerIndex: number;
  workerCount: number;
  /** Where this worker's clients sit: the member each talks to, and how far away. */
  clients: ClientPlacement[];
  /** All client URLs of the target (watchers spread over them). */
  endpoints: string[];
  model: LoadModel;
  /** Open loop: this worker's share of the rate, and where in the period its operations fall. */
  ratePerSec: number;
  rateOffsetMs: number;
  workload: WorkloadOptions;
  seed: number;
  /** Wall-clock start shared by all workers (each thread has its own performance.now() origin). */
  startAtEpochMs: number;
  warmupMs: number;
  durationMs: number;
  intervalMs: number;
  requestTimeoutMs: number;
  progress: SharedArrayBuffer;
  /** Sample this thread's JavaScript over the measured window (`raftyard bench --cpu-prof`). */
  cpuProfile?: boolean;
}

export interface PhaseSlice extends RecordedSlice {
  workerIndex: number;
  /** How late this worker began after the common start (setup or thread start was slow). */
  startLagMs: number;
  /** Share of the phase this worker's event loop was busy: near 1 means the generator limited the run. */
  eventLoopBusy: number;
  /** The measured window's profile, when the task asked for one. */
  cpuProfile?: CpuProfile;
}

export type GeneratorTask = PingTask | PhaseTask;
