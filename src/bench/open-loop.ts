// The open loop: operations are due on a fixed schedule (start + offset + i * period) whether
// or not earlier ones have answered. A due operation takes an idle client or waits in a bounded
// backlog until one frees up, and its latency runs from the SCHEDULED time, so a stalled server
// shows up in every operation it delayed, not only the one it stalled (no coordinated omission).
// How late each operation left after its scheduled time is recorded too: the generator's share.

import { performance } from 'node:perf_hooks';
import { preciseTimers } from '../transport/precise-timer.js';
import type { PhaseRecorder } from './phase-recorder.js';
import type { ProgressWriter } from './shared-progress.js';
import type { BenchClient, Workload } from './workload.js';

/** Due operations that may wait for a client; beyond this the generator itself is overloaded. */
export const BACKLOG_OPERATIONS_MAX = 100_000;
export const BACKLOG_FULL_ERROR_KIND = 'generator backlog full';
const BACKLOG_COMPACT_AT = 4096;

export interface OpenLoopSchedule {
  /** performance.now() of operation 0. */
  firstDueMs: number;
  periodMs: number;
}

export function runOpenLoop(
  clients: BenchClient[],
  workload: Workload,
  recorder: PhaseRecorder,
  schedule: OpenLoopSchedule,
  progress: ProgressWriter,
): Promise<void> {
  if (clients.length === 0) throw new Error('an open loop needs at least one client');
  if (!(schedule.periodMs > 0)) throw new Error(`the open loop period must be positive, got ${schedule.periodMs}`);
  return new Promise((resolve, reject) => {
    const idle = [...clients];
    const backlog: number[] = [];
    let backlogHead = 0;
    let nextOperation = 0;
    let inFlight = 0;
    let scheduling = true;
    const dueAt = (operation: number): number => schedule.firstDueMs + operation * schedule.periodMs;
    const takeFromBacklog = (): number | undefined => {
      if (backlogHead === backlog.length) return undefined;
      const dueMs = backlog[backlogHead++];
      // Drop the consumed head now and then, so the array stays as small as the backlog.
      if (backlogHead >= BACKLOG_COMPACT_AT && backlogHead * 2 >= backlog.length) {
        backlog.splice(0, backlogHead);
        backlogHead = 0;
      }
      return dueMs;
    };

    const finishIfDone = (): void => {
      if (!scheduling && inFlight === 0) resolve();
    };
    const start = (client: BenchClient, dueMs: number): void => {
      inFlight += 1;
      recorder.recordSendLateness(dueMs, performance.now());
      workload.run(client, dueMs).then((outcome) => {
        recorder.recordOutcome(dueMs, performance.now(), outcome);
        progress.add(outcome.errorKind !== undefined);
        inFlight -= 1;
        const waitingDueMs = takeFromBacklog();
        if (waitingDueMs === undefined) idle.push(client);
        else start(client, waitingDueMs);
        finishIfDone();
      }, reject);
    };
    const dispatch = (dueMs: number): void => {
      const client = idle.pop();
      if (client) start(client, dueMs);
      else if (backlog.length - backlogHead < BACKLOG_OPERATIONS_MAX) backlog.push(dueMs);
      else recorder.recordError(dueMs, BACKLOG_FULL_ERROR_KIND);
    };
    // Timers fire late under load; every operation that fell due meanwhile is sent at once, and
    // its lateness is part of its measured latency. Node's timers count whole milliseconds, which
    // would add up to a millisecond to every latency: the precise timers wake within ~0.1 ms.
    const followingTick = (): number => dueAt(nextOperation + 1);
    const tick = (): void => {
      const nowMs = performance.now();
      while (dueAt(nextOperation) <= nowMs && dueAt(nextOperation) < recorder.windowEndMs) dispatch(dueAt(nextOperation++));
      if (dueAt(nextOperation) < recorder.windowEndMs) {
        preciseTimers.setAt(tick, dueAt(nextOperation), followingTick);
        return;
      }
      scheduling = false;
      finishIfDone();
    };
    tick();
  });
}
