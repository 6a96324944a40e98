// The hot start: before its first round, a target whose links are shaped (a geo preset, a
// delay) runs the workload once with those links unshaped, in a closed loop at full speed for
// the warm-up time, and nothing of it is recorded. A JIT-compiled target reaches its steady
// state only after thousands of requests, and behind 40 ms links one sequential client sends
// about 12 a second: the phase's own warm-up would end with the write path barely compiled, and
// the first seconds measured would report start-up, not the system. A compiled target (etcd)
// gains nothing from it, but goes through it alike. The watch workload has no hot start: its
// watchers are the phase's own.

import type { BenchOptions } from './bench-options.js';
import type { BenchTarget } from './bench-target.js';
import type { GeneratorPool } from './generator-pool.js';
import { planPhase } from './phase-plan.js';
import { routePhase } from './phase-routing.js';
import { createProgressBuffer } from './shared-progress.js';

/** Whether the run has a hot start for the targets that can unshape their links. */
export function runHasHotStart(options: BenchOptions): boolean {
  return options.warmupMs > 0 && options.workload.name !== 'watch';
}

/** Runs the hot start if the target gets one; `startLeadMs` gives the threads time to set up. */
export async function runHotStart(pool: GeneratorPool, options: BenchOptions, target: BenchTarget, startLeadMs: number): Promise<void> {
  if (target.unshaped === undefined || !runHasHotStart(options)) return;
  const hot: BenchOptions = {
    ...options,
    load: { ...options.load, model: 'closed' },
    warmupMs: 0,
    durationMs: options.warmupMs,
    rounds: 1,
  };
  const route = await routePhase(hot, target);
  // Clients sit beside their members: a distant client's wait would slow the loop as much.
  const clients = route.clients.map((placement) => ({ endpoint: placement.endpoint, rttMs: 0 }));
  const progress = createProgressBuffer(options.load.workers);
  await target.unshaped!(async () => {
    const tasks = planPhase(hot, { endpoints: target.endpoints, clients }, 0, progress, Date.now() + startLeadMs);
    await pool.runPhase(tasks);
  });
}
