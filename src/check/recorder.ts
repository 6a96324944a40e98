// Records a history while a test runs: clients report when they invoke an operation and how it
// ended. Times come from a logical clock, because events are recorded on one thread and only
// their order matters to the checker.

import type { History, Operation } from './history.js';

/** A call in flight, returned by `invoke` and handed back to `complete` or `unknown`. */
export interface PendingCall {
  readonly slot: number;
}

interface MutableOperation<Input, Output> {
  clientId: number;
  input: Input;
  callTime: number;
  returnTime: number;
  output: Output | undefined;
  done: boolean;
}

export class HistoryRecorder<Input, Output> {
  private readonly operations: MutableOperation<Input, Output>[] = [];
  private readonly outstandingByClient = new Set<number>();
  private clock = 0;

  constructor(private readonly operationsMax: number = 100_000) {
    if (!(operationsMax > 0)) throw new Error(`operationsMax must be positive, got ${operationsMax}`);
  }

  invoke(clientId: number, input: Input): PendingCall {
    if (this.outstandingByClient.has(clientId)) {
      throw new Error(`client ${clientId} invoked an operation while another is outstanding`);
    }
    if (this.operations.length >= this.operationsMax) {
      throw new Error(`history is full (${this.operationsMax} operations)`);
    }
    this.outstandingByClient.add(clientId);
    const slot = this.operations.length;
    this.operations.push({ clientId, input, callTime: this.tick(), returnTime: Infinity, output: undefined, done: false });
    return { slot };
  }

  /** The operation returned `output`. */
  complete(call: PendingCall, output: Output): void {
    const op = this.finish(call);
    op.returnTime = this.tick();
    op.output = output;
  }

  /**
   * The outcome is unknown (a timeout): the operation may still take effect later, so it stays
   * open forever, and the client is free to issue its next operation.
   */
  unknown(call: PendingCall): void {
    this.finish(call);
  }

  /** The history so far; operations still in flight count as unknown. */
  history(): History<Input, Output> {
    return this.operations.map(
      (op): Operation<Input, Output> => ({
        clientId: op.clientId,
        input: op.input,
        callTime: op.callTime,
        returnTime: op.returnTime,
        output: op.output,
      }),
    );
  }

  private finish(call: PendingCall): MutableOperation<Input, Output> {
    const op = this.operations[call.slot];
    if (op === undefined || op.done) throw new Error(`call ${call.slot} is not outstanding`);
    op.done = true;
    this.outstandingByClient.delete(op.clientId);
    return op;
  }

  private tick(): number {
    this.clock += 1;
    return this.clock;
  }
}
