// The linearizability checker's entry point: validates a history, splits it into the model's
// independent parts (keys), searches each part, and reports the verdict with, when the history
// is not linearizable, the smallest failing part and its operations.

import { Budget, defaultCheckLimits, type CheckLimits } from './budget.js';
import { validateHistory, type History, type Operation } from './history.js';
import type { Model } from './model.js';
import { searchPartition } from './search.js';

export interface FailingPart<Input, Output> {
  /** The part's key ('' when the model does not partition). */
  readonly key: string;
  readonly operations: readonly Operation<Input, Output>[];
  /** The longest order of this part's operations the search could linearize. */
  readonly longestPrefix: readonly Operation<Input, Output>[];
}

export type CheckResult<Input, Output> =
  | { readonly verdict: 'linearizable'; readonly stepsUsed: number }
  | { readonly verdict: 'not-linearizable'; readonly stepsUsed: number; readonly failing: FailingPart<Input, Output> }
  | { readonly verdict: 'unknown'; readonly stepsUsed: number; readonly reason: string };

/** Groups the operations by the model's partition key, smallest part first. */
export function partitionHistory<State, Input, Output>(
  model: Model<State, Input, Output>,
  history: History<Input, Output>,
): { key: string; operations: Operation<Input, Output>[] }[] {
  const byKey = new Map<string, Operation<Input, Output>[]>();
  for (const op of history) {
    const key = model.partitionKey === undefined ? '' : model.partitionKey(op.input);
    const part = byKey.get(key);
    if (part === undefined) byKey.set(key, [op]);
    else part.push(op);
  }
  const parts = [...byKey].map(([key, operations]) => ({ key, operations }));
  return parts.sort((a, b) => a.operations.length - b.operations.length || (a.key < b.key ? -1 : 1));
}

/**
 * Decides whether `history` is linearizable with respect to `model`. Parts are searched from
 * the smallest up, and the first that fails is reported: it is the smallest failing part, and
 * one failing part suffices for the verdict. A part that runs out of budget makes the verdict
 * 'unknown' unless another part fails.
 */
export function checkHistory<State, Input, Output>(
  model: Model<State, Input, Output>,
  history: History<Input, Output>,
  limits: Partial<CheckLimits> = {},
): CheckResult<Input, Output> {
  validateHistory(history);
  const budget = new Budget({ ...defaultCheckLimits, ...limits });
  let unknownReason: string | undefined;
  for (const part of partitionHistory(model, history)) {
    const outcome = searchPartition(model, part.operations, budget);
    if (outcome.verdict === 'illegal') {
      const longestPrefix = outcome.longestPrefix.map((index) => part.operations[index]);
      const failing = { key: part.key, operations: part.operations, longestPrefix };
      return { verdict: 'not-linearizable', stepsUsed: budget.stepsUsed, failing };
    }
    if (outcome.verdict === 'unknown') {
      unknownReason ??= `part '${part.key}': ${outcome.reason}`;
      // A part that merely ran out of visited pairs leaves budget for the others; a spent
      // step or time budget does not.
      if (budget.exhaustedBy !== undefined) break;
    }
  }
  if (unknownReason !== undefined) return { verdict: 'unknown', stepsUsed: budget.stepsUsed, reason: unknownReason };
  return { verdict: 'linearizable', stepsUsed: budget.stepsUsed };
}

/** A readable account of a failing part, one operation per line, for test failure messages. */
export function describeFailingPart<State, Input, Output>(
  model: Model<State, Input, Output>,
  failing: FailingPart<Input, Output>,
): string {
  const line = (op: Operation<Input, Output>): string =>
    `  client ${op.clientId} [${op.callTime}, ${op.returnTime}] ${model.describeOperation(op.input, op.output)}`;
  return [
    `part '${failing.key}' (${failing.operations.length} operations) is not linearizable:`,
    ...failing.operations.map(line),
    `longest linearizable prefix (${failing.longestPrefix.length} operations):`,
    ...failing.longestPrefix.map(line),
  ].join('\n');
}
