// The contract between load models and workloads: a workload turns "client i, go now" into one
// operation against the target and says how it ended; the load model decides when to go.

import type { WorkloadOptions } from './bench-options.js';
import type { PhaseRecorder } from './phase-recorder.js';
import type { Prng } from '../util/prng.js';
import type { HttpMethod, V2Answer } from './v2-connection.js';

export interface OperationOutcome {
  /** Set when the operation failed; the load model counts it by this kind. */
  errorKind?: string;
  /** The workload recorded its own samples (watch delays), so the operation's duration is not one. */
  selfRecorded?: boolean;
}

/** The outcome of every operation that succeeded: one shared object, not one per operation. */
export const SUCCEEDED: OperationOutcome = Object.freeze({});

/** The outcome of an operation that is one request. */
export function outcomeOf(answer: V2Answer): OperationOutcome {
  return answer.ok ? SUCCEEDED : { errorKind: answer.errorKind };
}

/** What a client sends through: a V2Connection, or one that also covers the client's distance. */
export interface V2Sender {
  readonly endpoint: string;
  send(method: HttpMethod, path: string, form?: string, keepBody?: boolean): Promise<V2Answer>;
  close(): void;
}

export interface BenchClient {
  /** Index over all workers, so that clients of different workers differ. */
  index: number;
  connection: V2Sender;
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
  requestTimeoutMs: number;
}
