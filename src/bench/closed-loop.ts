// The closed loop: every client sends one operation, waits for its answer, and sends the next,
// until the measured window ends. Throughput is whatever the target allows at that concurrency.

import { performance } from 'node:perf_hooks';
import type { PhaseRecorder } from './phase-recorder.js';
import type { ProgressWriter } from './shared-progress.js';
import type { BenchClient, Workload } from './workload.js';

export async function runClosedLoop(clients: BenchClient[], workload: Workload, recorder: PhaseRecorder, progress: ProgressWriter): Promise<void> {
  if (clients.length === 0) throw new Error('a closed loop needs at least one client');
  const loop = async (client: BenchClient): Promise<void> => {
    // The next operation starts the moment the last one ends: one clock reading serves both.
    for (let startMs = performance.now(); startMs < recorder.windowEndMs; ) {
      const outcome = await workload.run(client, startMs);
      const endMs = performance.now();
      recorder.recordOutcome(startMs, endMs, outcome);
      progress.add(outcome.errorKind !== undefined);
      startMs = endMs;
    }
  };
  await Promise.all(clients.map(loop));
}
