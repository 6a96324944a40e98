// Plays a fault plan against a running cluster in real time: each step is injected at its
// offset, held, then undone. It counts what was injected and skipped, keeps the windows in
// which the quorum was gone on purpose, and notes any recovery that failed.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from '../cluster/cluster.js';
import { injectFault, type AppliedFault } from './fault-actions.js';
import { describeFault, describeStep, faultCategory, type FaultStep } from './fault-plan.js';

/** Milliseconds since the start of the fault phase (one clock shared by faults and clients). */
export type RunClock = () => number;

/** A stretch of the run during which no majority could communicate. */
export interface QuorumLossWindow {
  readonly lostAtMs: number;
  readonly restoredAtMs: number;
  readonly step: string;
}

export interface TimelineResult {
  /** Injected faults per category. */
  readonly injected: Record<string, number>;
  /** Steps that could not be injected (e.g. no leader to aim at), per category. */
  readonly skipped: Record<string, number>;
  readonly quorumLossWindows: QuorumLossWindow[];
  /** Recoveries that failed (a member that would not restart is a finding). */
  readonly recoveryFailures: string[];
}

export async function playTimeline(
  cluster: Cluster,
  plan: readonly FaultStep[],
  clock: RunClock,
  log: (line: string) => void,
): Promise<TimelineResult> {
  const result: TimelineResult = { injected: {}, skipped: {}, quorumLossWindows: [], recoveryFailures: [] };
  for (const step of plan) {
    await sleep(Math.max(0, step.atMs - clock()));
    const category = faultCategory(step.fault);
    let applied: AppliedFault;
    try {
      applied = await injectFault(cluster, step.fault);
    } catch (error) {
      bump(result.skipped, category);
      log(`${(clock() / 1000).toFixed(2)} s  skipped ${describeFault(step.fault)}: ${(error as Error).message}`);
      continue;
    }
    bump(result.injected, category);
    const lostAtMs = clock();
    log(`${(lostAtMs / 1000).toFixed(2)} s  ${describeFault(step.fault)} (hit ${applied.targets.join(',')}) for ${step.holdMs} ms`);
    await sleep(step.holdMs);
    const restoredAtMs = clock();
    if (step.quorumLost) result.quorumLossWindows.push({ lostAtMs, restoredAtMs, step: describeStep(step).trim() });
    try {
      await applied.recover();
    } catch (error) {
      result.recoveryFailures.push(`${describeStep(step).trim()}: recovery failed: ${(error as Error).message}`);
    }
  }
  return result;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
