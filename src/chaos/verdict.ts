// The checks that decide a chaos run: the history is linearizable; the final state read with
// quorum on the leader is explained by it (no acknowledged write lost); no operation got a
// definite answer while the quorum was gone; and every member holds the same store.

import { checkHistory, describeFailingPart } from '../check/checker.js';
import type { CheckLimits } from '../check/budget.js';
import type { History } from '../check/history.js';
import { powerSetModel } from '../check/models/power-set.js';
import { v2KeyModel, type V2Input, type V2Output } from '../check/models/v2-key-model.js';
import type { ConvergenceResult } from './convergence.js';
import type { QuorumLossWindow } from './fault-timeline.js';
import type { TimedOperation } from './operation-log.js';

export type ViolationKind =
  | 'not-linearizable'
  | 'final-state-unexplained'
  | 'final-read-failed'
  | 'answered-without-quorum'
  | 'diverged'
  | 'not-converged'
  | 'member-failed'
  | 'unexpected-answer'
  | 'check-inconclusive';

export interface Violation {
  readonly kind: ViolationKind;
  readonly detail: string;
}

export interface HistoryVerdict {
  readonly violations: Violation[];
  readonly checkerMs: number;
  readonly stepsUsed: number;
}

/** A failing part is printed up to this many lines; the rest is summarized. */
const DETAIL_LINES_MAX = 80;
const v2Model = powerSetModel(v2KeyModel);

/**
 * Checks the clients' history together with the final reads (clients with ids from
 * `finalReaderIdMin` on). Only when that fails is the clients' part checked alone, to tell a
 * non-linearizable run from a final state that the run does not explain.
 */
export function judgeHistory(
  history: History<V2Input, V2Output>,
  finalReaderIdMin: number,
  limits: Partial<CheckLimits> = {},
): HistoryVerdict {
  const startedMs = performance.now();
  const whole = checkHistory(v2Model, history, limits);
  let stepsUsed = whole.stepsUsed;
  const violations: Violation[] = [];
  if (whole.verdict === 'unknown') violations.push({ kind: 'check-inconclusive', detail: whole.reason });
  if (whole.verdict === 'not-linearizable') {
    const runOnly = checkHistory(v2Model, history.filter((op) => op.clientId < finalReaderIdMin), limits);
    stepsUsed += runOnly.stepsUsed;
    const failing = runOnly.verdict === 'not-linearizable' ? runOnly.failing : whole.failing;
    const kind = runOnly.verdict === 'not-linearizable' ? 'not-linearizable' : 'final-state-unexplained';
    violations.push({ kind, detail: clip(describeFailingPart(v2Model, failing)) });
  }
  return { violations, checkerMs: performance.now() - startedMs, stepsUsed };
}

/**
 * Definite answers to operations sent after the quorum was lost (plus `marginMs`, so that the
 * fault has surely taken hold) and received before it came back: they needed a commit that
 * no majority could make. A write, a failed compare and a quorum get all go through Raft.
 */
export function answersWithoutQuorum(
  operations: readonly TimedOperation[],
  windows: readonly QuorumLossWindow[],
  marginMs: number,
): Violation[] {
  const violations: Violation[] = [];
  for (const window of windows) {
    for (const op of operations) {
      if (op.invokedAtMs >= window.lostAtMs + marginMs && op.completedAtMs <= window.restoredAtMs) {
        const answer = op.output.errorCode === 0 ? 'succeeded' : `failed definitely (${op.output.errorCode})`;
        const operation = `client ${op.clientId} ${v2Model.describeOperation(op.input, op.output)} ${answer}`;
        const span = `${Math.round(window.lostAtMs)}-${Math.round(window.restoredAtMs)} ms`;
        const detail = `${operation} at ${Math.round(op.completedAtMs)} ms during "${window.step}" (${span})`;
        violations.push({ kind: 'answered-without-quorum', detail });
      }
    }
  }
  return violations;
}

export function convergenceViolations(convergence: ConvergenceResult): Violation[] {
  return convergence.verdict === 'identical' ? [] : [{ kind: convergence.verdict, detail: convergence.detail }];
}

function clip(text: string): string {
  const lines = text.split('\n');
  if (lines.length <= DETAIL_LINES_MAX) return text;
  return [...lines.slice(0, DETAIL_LINES_MAX), `  ... ${lines.length - DETAIL_LINES_MAX} more lines`].join('\n');
}
