// The contract between load models and workloads: a workload turns "client i, go now" into one
// operation against the target and says how it ended; the load model decides when to go.

import type { WorkloadOptions } from './bench-options.js';
import type { PhaseRecorder } from './phase-recorder.js';
import type { Prng } from '../util/prng.js';
import type { V2Connection } from './v2-connection.js';

export interface OperationOutcome {
  /** Set when the operation failed; the load model counts it by this kind. */
  errorKind?: string;
  /** The workload recorded its own samples (watch delays), so the operation's duration is not one. */
  selfRecorded?: boolean;
}

export interface BenchClient {
  /** Index over all workers, so that clients of different workers differ. */
  index: number;
  connection: V2Connection;
}

export interface Workload {
  /** Runs one operation; `startMs` is when it started or, in the open loop, was scheduled. */
  run(client: BenchClient, startMs: number): Promise<OperationOutcome>;
  close(): Promise<void>;
}

/** What a workload may use inside one worker during one phase. */
export interface WorkloadContext {
  options: WorkloadOptions;
  prng: Prng;
  recorder: PhaseRecorder;
  workerIndex: number;
  workerCount: number;
  endpoints: string[];
  /** Where writes go when the workload needs one place (the watch writer): the leader if known. */
  writeEndpoint: string;
  requestTimeoutMs: number;
}
