// The body of one load-generator thread (a piscina task): it opens its clients' keep-alive
// connections, sets up the workload, waits for the common start, drives the closed or open
// loop through warm-up and the measured window, and returns what it recorded (with a profile of
// the window's JavaScript when asked).

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Prng } from '../util/prng.js';
import { connectClient } from './client-delay.js';
import { runClosedLoop } from './closed-loop.js';
import { createWorkload } from './create-workload.js';
import { runOpenLoop } from './open-loop.js';
import { PhaseRecorder } from './phase-recorder.js';
import type { GeneratorTask, PhaseSlice, PhaseTask } from './phase-task.js';
import { ProgressWriter } from './shared-progress.js';
import type { BenchClient } from './workload.js';
import { ThreadCpuProfiler, type CpuProfile } from '../util/cpu-profiler.js';

export default async function runGeneratorTask(task: GeneratorTask): Promise<PhaseSlice | 'pong'> {
  if (task.kind === 'ping') {
    await sleep(task.holdMs);
    return 'pong';
  }
  return runPhase(task);
}

async function runPhase(task: PhaseTask): Promise<PhaseSlice> {
  const clients: BenchClient[] = task.clients.map((placement, i) => ({
    index: task.workerIndex + i * task.workerCount,
    connection: connectClient(placement, task.requestTimeoutMs),
  }));
  const profiler = task.cpuProfile === true ? new ThreadCpuProfiler() : null;
  const recorder = new PhaseRecorder(task.warmupMs, task.durationMs, task.intervalMs);
  const workload = await createWorkload({
    options: task.workload,
    prng: new Prng(task.seed),
    recorder,
    workerIndex: task.workerIndex,
    workerCount: task.workerCount,
    endpoints: task.endpoints,
    requestTimeoutMs: task.requestTimeoutMs,
  });
  try {
    const waitMs = task.startAtEpochMs - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    const busyBefore = performance.eventLoopUtilization();
    const phaseStartMs = performance.now();
    recorder.start(phaseStartMs);
    const profiling = profiler === null ? null : sleep(task.warmupMs).then(() => profiler.start());
    // Its failure reaches the run through stopAfterStart; a loop that fails first leaves it unread.
    profiling?.catch(() => undefined);
    const progress = new ProgressWriter(task.progress, task.workerIndex);
    if (task.model === 'closed') await runClosedLoop(clients, workload, recorder, progress);
    else await runOpenLoop(clients, workload, recorder, { firstDueMs: phaseStartMs + task.rateOffsetMs, periodMs: 1000 / task.ratePerSec }, progress);
    const eventLoopBusy = performance.eventLoopUtilization(busyBefore).utilization;
    const slice: PhaseSlice = { ...recorder.slice(), workerIndex: task.workerIndex, startLagMs: Math.max(0, -waitMs), eventLoopBusy };
    if (profiler !== null && profiling !== null) slice.cpuProfile = await stopAfterStart(profiler, profiling);
    return slice;
  } finally {
    await profiler?.close();
    await workload.close();
    for (const client of clients) client.connection.close();
  }
}

/** The window's profile: the loop can end before the warm-up timer started it (a window of 0). */
async function stopAfterStart(profiler: ThreadCpuProfiler, profiling: Promise<void>): Promise<CpuProfile> {
  await profiling;
  return profiler.stop();
}
