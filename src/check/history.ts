// The history format the linearizability checker reads: one record per client operation,
// with its invocation and completion times, its input, and its output when one was observed.
// It owns the validation of a history (times, one outstanding operation per client).

/**
 * One client operation. Times only need to be comparable (a logical clock is fine).
 *
 * An operation whose outcome is unknown (a timeout, a lost connection) has `output`
 * undefined: it may have taken effect at any point after `callTime`, or never. When the client
 * never heard back at all, `returnTime` is `Infinity`, so the operation stays concurrent with
 * everything that follows. Operations that certainly did not take effect (the request never
 * left the client) must be left out of the history by the recorder.
 */
export interface Operation<Input, Output> {
  readonly clientId: number;
  readonly input: Input;
  readonly callTime: number;
  /** `Infinity` when the operation never completed. */
  readonly returnTime: number;
  /** `undefined` when the outcome is unknown: any output is then accepted. */
  readonly output: Output | undefined;
}

export type History<Input, Output> = readonly Operation<Input, Output>[];

/** The most operations one history may hold: the search keeps one bit per operation. */
export const historyOperationsMax = 1_000_000;

/**
 * Throws when the history is malformed: bad times, or a client with two completed operations
 * that overlap (a client is sequential, so its next call follows its last return). An operation
 * that never returned does not hold its client back: the client gave up waiting and went on.
 */
export function validateHistory<Input, Output>(history: History<Input, Output>): void {
  if (history.length > historyOperationsMax) {
    throw new Error(`history has ${history.length} operations, more than ${historyOperationsMax}`);
  }
  const lastReturnByClient = new Map<number, number>();
  const byCall = [...history].sort((a, b) => a.callTime - b.callTime);
  for (const op of byCall) {
    if (!Number.isFinite(op.callTime)) throw new Error(`operation has a non-finite call time ${op.callTime}`);
    if (Number.isNaN(op.returnTime) || op.returnTime < op.callTime) {
      throw new Error(`operation of client ${op.clientId} returns (${op.returnTime}) before its call (${op.callTime})`);
    }
    const lastReturn = lastReturnByClient.get(op.clientId);
    if (lastReturn !== undefined && op.callTime < lastReturn) {
      throw new Error(`client ${op.clientId} calls at ${op.callTime} before its previous operation returned (${lastReturn})`);
    }
    if (op.returnTime !== Infinity) lastReturnByClient.set(op.clientId, op.returnTime);
  }
}
