// Splits one phase among the generator threads: clients are dealt round-robin to workers and
// to endpoints, the open-loop rate is divided so that the workers' schedules interleave into
// one even stream, and every worker gets a seed that depends on the round but not on the
// target, so that compared targets see the same keys in the same order.

import { effectiveIntervalMs, type BenchOptions } from './bench-options.js';
import type { PhaseTask } from './phase-task.js';

export interface PhaseTarget {
  endpoints: string[];
  writeEndpoint: string;
}

export function planPhase(options: BenchOptions, target: PhaseTarget, round: number, progress: SharedArrayBuffer, startAtEpochMs: number): PhaseTask[] {
  const { load } = options;
  const workerCount = load.workers;
  if (target.endpoints.length === 0) throw new Error('a phase needs at least one endpoint');
  const tasks: PhaseTask[] = [];
  for (let workerIndex = 0; workerIndex < workerCount; workerIndex++) {
    const clientEndpoints: string[] = [];
    for (let client = workerIndex; client < load.clients; client += workerCount) clientEndpoints.push(clientEndpoint(options, target, client));
    tasks.push({
      kind: 'phase',
      workerIndex,
      workerCount,
      clientEndpoints,
      endpoints: target.endpoints,
      writeEndpoint: target.writeEndpoint,
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

function clientEndpoint(options: BenchOptions, target: PhaseTarget, client: number): string {
  // The watch writer writes where the leader is; watchers spread themselves.
  if (options.load.sendTo === 'leader' || options.workload.name === 'watch') return target.writeEndpoint;
  return target.endpoints[client % target.endpoints.length];
}

function workerSeed(seed: number, round: number, workerIndex: number): number {
  return (Math.imul(seed, 0x9e3779b1) + Math.imul(round, 0x85ebca6b) + Math.imul(workerIndex + 1, 0xc2b2ae35)) >>> 0;
}
