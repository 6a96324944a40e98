// Splits one phase among the generator threads: clients (each placed at its member by
// phase-routing.ts) are dealt round-robin to workers, the open-loop rate is divided so that
// the workers' schedules interleave into one even stream, and every worker gets a seed that
// depends on the round but not on the target, so that compared targets see the same keys in
// the same order.

import { effectiveIntervalMs, type BenchOptions } from './bench-options.js';
import type { ClientPlacement } from './client-delay.js';
import type { PhaseTask } from './phase-task.js';

export interface PhaseTarget {
  endpoints: string[];
  /** One placement per client, in client order. */
  clients: ClientPlacement[];
}

export function planPhase(options: BenchOptions, target: PhaseTarget, round: number, progress: SharedArrayBuffer, startAtEpochMs: number): PhaseTask[] {
  const { load } = options;
  const workerCount = load.workers;
  if (target.endpoints.length === 0) throw new Error('a phase needs at least one endpoint');
  if (target.clients.length !== load.clients) throw new Error(`${target.clients.length} client placements for ${load.clients} clients`);
  const tasks: PhaseTask[] = [];
  for (let workerIndex = 0; workerIndex < workerCount; workerIndex++) {
    tasks.push({
      kind: 'phase',
      workerIndex,
      workerCount,
      clients: target.clients.filter((_, client) => client % workerCount === workerIndex),
      endpoints: target.endpoints,
      model: load.model,
      ratePerSec: load.model === 'open' ? load.ratePerSec / workerCount : 0,
      rateOffsetMs: load.model === 'open' ? (workerIndex * 1000) / load.ratePerSec : 0,
      workload: options.workload,
      seed: workerSeed(options.targetSettings.seed, round, workerIndex),
      startAtEpochMs,
      warmupMs: options.warmupMs,
      durationMs: Math.floor(options.durationMs / options.rounds),
      intervalMs: effectiveIntervalMs(options),
      requestTimeoutMs: load.requestTimeoutMs,
      progress,
    });
  }
  return tasks;
}

function workerSeed(seed: number, round: number, workerIndex: number): number {
  return (Math.imul(seed, 0x9e3779b1) + Math.imul(round, 0x85ebca6b) + Math.imul(workerIndex + 1, 0xc2b2ae35)) >>> 0;
}
