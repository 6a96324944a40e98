// runBench: starts the targets, warms the generator threads, preloads keys, gives targets with
// shaped links a hot start, then runs the phases - one per target per round, alternating A B A B
// so that slow drifts of the machine hit both targets alike, each followed by a disk probe for the
// floor, and each reading the members' WAL flush timings around its measured window where the
// target reports them, and profiling its threads over that window when asked - and assembles
// every figure with the configuration that made it.

import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { effectiveIntervalMs, validateBenchOptions, type BenchOptions } from './bench-options.js';
import { combinePhases, compareWithFloor, mergePhase, type FloorComparison, type Figures, type PhaseResult, type TargetResult } from './bench-result.js';
import type { BenchTarget, ServedPath } from './bench-target.js';
import { compareTargets, type Comparison } from './comparison.js';
import { GeneratorPool } from './generator-pool.js';
import { runHotStart } from './hot-start.js';
import { planPhase } from './phase-plan.js';
import { preloadKeys } from './preload.js';
import { benchWarnings } from './bench-warnings.js';
import { createProgressBuffer, readProgress } from './shared-progress.js';
import { routePhase, servedPaths } from './phase-routing.js';
import { startTarget, writeEndpointOf } from './start-target.js';
import { StallWatch } from './stall-watch.js';
import { readCpuTicks, stealBetween } from './host-steal.js';
import { measureThreadRoundTripUs } from './wake-probe.js';
import { LogLinearHistogram, type SerializedHistogram } from '../util/log-linear-histogram.js';
import { CpuProfileTally, writePhaseProfiles, type NamedCpuProfile } from './cpu-profiles.js';
import type { PhaseSlice } from './phase-task.js';

export const BENCH_RESULT_SCHEMA = 'raftyard-bench/1';
const PROGRESS_EVERY_MS = 250;
/** Time between planning a phase and its start: tasks reach the threads and clients connect. */
const START_LEAD_MS = 150;
const START_LEAD_PER_WATCHER_MS = 2;

export interface BenchProgress {
  target: string;
  round: number;
  rounds: number;
  elapsedMs: number;
  phaseMs: number;
  completed: number;
  errors: number;
}

export interface BenchHooks {
  onProgress?(progress: BenchProgress): void;
}

export interface BenchResult {
  schema: typeof BENCH_RESULT_SCHEMA;
  startedAt: string;
  finishedAt: string;
  config: BenchOptions & { intervalMsEffective: number };
  environment: {
    node: string;
    nodeFlags: string[];
    platform: string;
    cpus: number;
    cpuModel: string;
    loadAverage: number[];
    /** The median round trip of a message to a helper thread at the start, in µs (see wake-probe.ts). */
    threadRoundTripUs: number;
  };
  targets: TargetResult[];
  comparison?: Comparison;
  warnings: string[];
}

interface RunningTarget {
  label: string;
  target: BenchTarget;
}

/** One phase's figures and the paths its writes took (only when a floor will be worked out). */
interface PhaseRun {
  phase: PhaseResult;
  served: ServedPath[];
  /** Each member's WAL flushes from the measured window's start to the phase's end, by client URL. */
  walFlushes: Map<string, LogLinearHistogram>;
  /** With --cpu-prof: each member's and generator thread's profile of the measured window. */
  profiles: NamedCpuProfile[];
}

export async function runBench(options: BenchOptions, hooks: BenchHooks = {}): Promise<BenchResult> {
  validateBenchOptions(options);
  const startedAt = new Date().toISOString();
  const environment = await describeEnvironment();
  const running: RunningTarget[] = [];
  const pool = new GeneratorPool(options.load.workers);
  const stallWatch = StallWatch.start();
  try {
    for (const spec of options.targets) running.push({ label: spec.label, target: await startTarget(spec, options.targetSettings) });
    await pool.warm();
    for (const { target } of running) await preloadKeys(target.endpoints, options.workload, options.load.requestTimeoutMs);
    for (const { target } of running) await runHotStart(pool, options, target, START_LEAD_MS);
    const phases: PhaseRun[][] = running.map(() => []);
    const profiles = running.map(() => new CpuProfileTally());
    for (let round = 1; round <= options.rounds; round++) {
      for (let i = 0; i < running.length; i++) {
        const run = await runPhase(pool, stallWatch, options, running[i], round, hooks);
        await keepProfiles(options, running[i].label, round, run, profiles[i]);
        phases[i].push(run);
        await probeDiskAfterPhase(running[i].target, run);
      }
    }
    // One at a time: a floor's disk probe must not share the disk with another target's.
    const targets: TargetResult[] = [];
    for (let i = 0; i < running.length; i++) targets.push(await targetResult(running[i], phases[i], options, profiles[i]));
    const comparison = targets.length === 2 ? compareTargets(targets[0], targets[1]) : undefined;
    const config = { ...options, intervalMsEffective: effectiveIntervalMs(options) };
    return { schema: BENCH_RESULT_SCHEMA, startedAt, finishedAt: new Date().toISOString(), config, environment, targets, comparison, warnings: benchWarnings(options, targets) };
  } finally {
    await stallWatch.stop();
    await pool.close();
    await Promise.allSettled(running.map((r) => r.target.close()));
  }
}

async function runPhase(pool: GeneratorPool, stallWatch: StallWatch, options: BenchOptions, running: RunningTarget, round: number, hooks: BenchHooks): Promise<PhaseRun> {
  const progress = createProgressBuffer(options.load.workers);
  const route = await routePhase(options, running.target);
  const leadMs = START_LEAD_MS + (options.workload.name === 'watch' ? options.workload.watchers * START_LEAD_PER_WATCHER_MS : 0);
  const startAtEpochMs = Date.now() + leadMs;
  const tasks = planPhase(options, { endpoints: running.target.endpoints, clients: route.clients }, round, progress, startAtEpochMs);
  const phaseMs = options.warmupMs + tasks[0].durationMs;
  const cpuBefore = process.cpuUsage();
  const wallBeforeMs = performance.now();
  const startMs = wallBeforeMs + leadMs;
  const report = (): void =>
    hooks.onProgress?.({ target: running.label, round, rounds: options.rounds, elapsedMs: Math.max(0, performance.now() - startMs), phaseMs, ...readProgress(progress) });
  const timer = hooks.onProgress ? setInterval(report, PROGRESS_EVERY_MS) : undefined;
  const windowStartEpochMs = startAtEpochMs + tasks[0].warmupMs;
  const windowEndEpochMs = windowStartEpochMs + tasks[0].durationMs;
  // Read by timers on this thread, which the load does not run on: the ticks as the window opens and closes.
  const ticksAtWindowStart = whenClockReaches(windowStartEpochMs, async () => readCpuTicks());
  const ticksAtWindowEnd = whenClockReaches(windowEndEpochMs, async () => readCpuTicks());
  const flushesAtWindowStart = measuresFloor(options, running.target) && running.target.walFlushes !== undefined ? whenClockReaches(windowStartEpochMs, () => walFlushesNow(running.target)) : Promise.resolve(new Map());
  if (options.cpuProfileDir !== undefined) for (const task of tasks) task.cpuProfile = true;
  const stopProfilingMembers = profileMembers(options, running.target, windowStartEpochMs);
  try {
    const slices = await pool.runPhase(tasks);
    const cpu = process.cpuUsage(cpuBefore);
    const phase = mergePhase({
      round,
      startedAtEpochMs: startAtEpochMs,
      measuredMs: tasks[0].durationMs,
      intervalMs: tasks[0].intervalMs,
      processCpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - wallBeforeMs,
      slices,
      stalls: stallWatch.summarize(windowStartEpochMs, windowEndEpochMs),
      steal: stealBetween(await ticksAtWindowStart, await ticksAtWindowEnd),
    });
    // Leadership may have moved while the phase ran: the floor must describe whoever served it.
    const served = measuresFloor(options, running.target) ? servedPaths(route, await writeEndpointOf(running.target)) : [];
    // After the phase's CPU and wall time are read: handing a profile over takes its member a while.
    const profiles = [...(await stopProfilingMembers()), ...generatorProfiles(slices)];
    return { phase, served, walFlushes: await flushesSince(running.target, await flushesAtWindowStart), profiles };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Runs `work` by a timer when the clock reaches `atEpochMs`, such as the measured window's start:
 * the WAL flush totals read then, and the profiles started then, leave the warm-up out.
 */
function whenClockReaches<T>(atEpochMs: number, work: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => setTimeout(() => work().then(resolve, reject), Math.max(0, atEpochMs - Date.now())));
}

/**
 * With --cpu-prof and a target whose members run here: starts profiling them as the window opens.
 * The function returned stops that and hands over their profiles (none without).
 */
function profileMembers(options: BenchOptions, target: BenchTarget, windowStartEpochMs: number): () => Promise<NamedCpuProfile[]> {
  const members = options.cpuProfileDir === undefined ? undefined : target.cpuProfiles;
  if (members === undefined) return async () => [];
  const started = whenClockReaches(windowStartEpochMs, () => members.start());
  // Read by the stop; a phase that fails first leaves it unread.
  started.catch(() => undefined);
  return () => started.then(() => members.stop());
}

function generatorProfiles(slices: readonly PhaseSlice[]): NamedCpuProfile[] {
  return slices.flatMap((slice) => (slice.cpuProfile === undefined ? [] : [{ thread: `generator ${slice.workerIndex + 1}`, profile: slice.cpuProfile }]));
}

/** With --cpu-prof: writes a phase's profiles out and tallies them; the run keeps only the tally. */
async function keepProfiles(options: BenchOptions, label: string, round: number, run: PhaseRun, tally: CpuProfileTally): Promise<void> {
  if (options.cpuProfileDir === undefined || run.profiles.length === 0) return;
  const files = await writePhaseProfiles(options.cpuProfileDir, label, round, run.profiles);
  run.profiles.forEach((named, i) => tally.add(named, files[i]));
  run.profiles = [];
}

function walFlushesNow(target: BenchTarget): Promise<Map<string, SerializedHistogram>> {
  return target.walFlushes === undefined ? Promise.resolve(new Map()) : target.walFlushes().catch(() => new Map());
}

/**
 * Each member's flushes since the window's start: read again only when it was read then (a run
 * without a floor, or a target without WAL timings, asks its members nothing at the phase's end).
 */
async function flushesSince(target: BenchTarget, atWindowStart: Map<string, SerializedHistogram>): Promise<Map<string, LogLinearHistogram>> {
  return atWindowStart.size === 0 ? new Map() : flushWindows(atWindowStart, await walFlushesNow(target));
}

/** Each member's flushes between two readings; a member missing from either, or restarted in between, is left out. */
function flushWindows(before: Map<string, SerializedHistogram>, after: Map<string, SerializedHistogram>): Map<string, LogLinearHistogram> {
  const windows = new Map<string, LogLinearHistogram>();
  for (const [endpoint, later] of after) {
    const earlier = before.get(endpoint);
    if (earlier === undefined) continue;
    try {
      windows.set(endpoint, LogLinearHistogram.since(later, earlier));
    } catch {
      // Restarted in between: its totals began again and lack some of the earlier values.
    }
  }
  return windows;
}

/** Between phases, so that the floor's fsync describes the disk over the whole run, not at its end. */
async function probeDiskAfterPhase(target: BenchTarget, run: PhaseRun): Promise<void> {
  if (run.served.length === 0 || !(run.phase.throughputPerSec > 0) || !target.probeDiskAfterPhase) return;
  await target.probeDiskAfterPhase(run.served, 1000 / run.phase.throughputPerSec);
}

/** Only a write workload measures commit latency, so only there is the floor meaningful. */
function measuresFloor(options: BenchOptions, target: BenchTarget): boolean {
  return options.workload.name === 'put' && target.floorMs !== undefined;
}

async function targetResult(running: RunningTarget, runs: PhaseRun[], options: BenchOptions, profiles: CpuProfileTally): Promise<TargetResult> {
  const phases = runs.map((r) => r.phase);
  const total = combinePhases(phases);
  const served = runs.flatMap((r) => r.served);
  const leaders = [...new Set(served.map((path) => path.leaderEndpoint))];
  const floor = measuresFloor(options, running.target) ? await floorComparison(running.target, total, served, mergedFlushes(runs)) : undefined;
  const result: TargetResult = { label: running.label, endpoints: running.target.endpoints, phases, total };
  if (floor) result.floor = floor;
  if (leaders.length > 0) result.leaders = leaders;
  const threads = profiles.summaries(total.operations);
  if (threads.length > 0) result.threads = threads;
  return result;
}

/** Every phase's WAL flush windows, merged per member (none when the target reports none). */
function mergedFlushes(runs: readonly PhaseRun[]): Map<string, LogLinearHistogram> | undefined {
  const merged = new Map<string, LogLinearHistogram>();
  for (const run of runs) {
    for (const [endpoint, window] of run.walFlushes) {
      let total = merged.get(endpoint);
      if (total === undefined) merged.set(endpoint, (total = new LogLinearHistogram(window.precisionBits)));
      total.mergeSerialized(window.serialize());
    }
  }
  return merged.size > 0 ? merged : undefined;
}

async function floorComparison(target: BenchTarget, total: Figures, served: ServedPath[], walFlushes: Map<string, LogLinearHistogram> | undefined): Promise<FloorComparison | undefined> {
  if (!target.floorMs) return undefined;
  // The disk rested between writes as long as the run's pace let it.
  const writeGapMs = total.throughputPerSec > 0 ? 1000 / total.throughputPerSec : undefined;
  const floor = await target.floorMs(served, writeGapMs, walFlushes);
  if (!(floor.floorMs > 0)) throw new Error(`target ${target.name} reported a floor of ${floor.floorMs} ms; a floor must be positive`);
  return compareWithFloor(floor, total.latency);
}

async function describeEnvironment(): Promise<BenchResult['environment']> {
  // Measured first, on a machine the bench has not loaded yet.
  const threadRoundTripUs = await measureThreadRoundTripUs();
  return {
    node: process.version,
    nodeFlags: [...process.execArgv],
    platform: `${process.platform} ${process.arch}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage: loadavg(),
    threadRoundTripUs,
  };
}
