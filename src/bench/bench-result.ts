// The figures a benchmark produces and how they are put together: worker slices merge into one
// phase (one target, one round); the phases of a target combine into its totals.

import { LogLinearHistogram, type SerializedHistogram } from '../util/log-linear-histogram.js';
import type { CommitFloor } from './bench-target.js';
import type { ThreadCpuSummary } from './cpu-profiles.js';
import type { PhaseSlice } from './phase-task.js';
import { combineStalls, type StallSummary } from './stall-watch.js';
import { combineSteal, type StealSummary } from './host-steal.js';

export interface LatencySummary {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export interface GeneratorLoad {
  workers: number;
  /** Event-loop busy share of the generator threads (1 = saturated, the figures then understate the target). */
  eventLoopBusyMean: number;
  eventLoopBusyMax: number;
  /** Process CPU time over wall time during the phases; includes anything else in this process. */
  processCpuPerWall: number;
  startLagMsMax: number;
  /**
   * Open loop: how late the generator sent operations after their scheduled times, which their
   * latencies include (null in the closed loop); with the histogram it came from, for merging.
   */
  sendLateness: LatencySummary | null;
  sendLatenessHistogram: SerializedHistogram;
}

export interface Figures {
  measuredMs: number;
  operations: number;
  errorsTotal: number;
  errors: Record<string, number>;
  /** Successful operations that started in the window, per second of window. */
  throughputPerSec: number;
  /** Successes answered within the window per second: below the open-loop rate when the target falls behind. */
  servedPerSec: number;
  latency: LatencySummary;
  histogram: SerializedHistogram;
  counters: Record<string, number>;
  generator: GeneratorLoad;
  /** Times the machine ran none of this process's threads for a while, inside the measured window. */
  stalls: StallSummary;
  /** The machine's CPU time the host took in the measured window (null where it cannot be read). */
  steal: StealSummary | null;
}

export interface SeriesPoint {
  /** Start of the interval, from the start of the measured window. */
  atMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  completedPerSec: number;
  errors: number;
}

export interface PhaseResult extends Figures {
  round: number;
  /** Wall-clock start of the phase (warm-up included), to show the order phases ran in. */
  startedAtEpochMs: number;
  series: SeriesPoint[];
}

export interface FloorComparison extends CommitFloor {
  observedP50Ms: number;
  observedP99Ms: number;
  /** Observed commit latency over the floor (1 = as fast as physics allows). */
  p50Ratio: number;
  p99Ratio: number;
  /** Observed commit latency minus the floor. */
  p50OverMs: number;
  p99OverMs: number;
}

export interface TargetResult {
  label: string;
  endpoints: string[];
  phases: PhaseResult[];
  total: Figures;
  floor?: FloorComparison;
  /** Every leader seen at the start or end of a phase, in order, when the run asked. */
  leaders?: string[];
  /** With --cpu-prof: where each profiled thread spent the measured windows. */
  threads?: ThreadCpuSummary[];
}

export interface PhaseMeasurement {
  round: number;
  startedAtEpochMs: number;
  measuredMs: number;
  intervalMs: number;
  processCpuMs: number;
  wallMs: number;
  slices: PhaseSlice[];
  stalls: StallSummary;
  steal: StealSummary | null;
}

/** The observed p50 and p99 next to the floor, as ratios and as milliseconds above it. */
export function compareWithFloor(floor: CommitFloor, latency: LatencySummary): FloorComparison {
  if (!(floor.floorMs > 0)) throw new Error(`a floor must be positive, got ${floor.floorMs} ms`);
  return {
    ...floor,
    observedP50Ms: latency.p50Ms,
    observedP99Ms: latency.p99Ms,
    p50Ratio: latency.p50Ms / floor.floorMs,
    p99Ratio: latency.p99Ms / floor.floorMs,
    p50OverMs: latency.p50Ms - floor.floorMs,
    p99OverMs: latency.p99Ms - floor.floorMs,
  };
}

export function summarizeLatency(histogram: LogLinearHistogram): LatencySummary {
  const ms = (us: number): number => us / 1000;
  return {
    count: histogram.count,
    minMs: ms(histogram.min),
    meanMs: ms(histogram.mean),
    p50Ms: ms(histogram.percentile(50)),
    p90Ms: ms(histogram.percentile(90)),
    p99Ms: ms(histogram.percentile(99)),
    p999Ms: ms(histogram.percentile(99.9)),
    maxMs: ms(histogram.max),
  };
}

export function mergePhase(measurement: PhaseMeasurement): PhaseResult {
  const { slices } = measurement;
  if (slices.length === 0) throw new Error('a phase needs at least one worker slice');
  const histogram = new LogLinearHistogram();
  for (const slice of slices) histogram.mergeSerialized(slice.latency);
  const busy = slices.map((s) => s.eventLoopBusy);
  const generator: GeneratorLoad = {
    workers: slices.length,
    eventLoopBusyMean: busy.reduce((a, b) => a + b, 0) / busy.length,
    eventLoopBusyMax: Math.max(...busy),
    processCpuPerWall: measurement.processCpuMs / measurement.wallMs,
    startLagMsMax: Math.max(...slices.map((s) => s.startLagMs)),
    ...sendLatenessOf(slices.map((s) => s.sendLateness)),
  };
  const errors = sumRecords(slices.map((s) => s.errors));
  return {
    round: measurement.round,
    startedAtEpochMs: measurement.startedAtEpochMs,
    ...figuresOf(histogram, measurement.measuredMs, slices.reduce((sum, s) => sum + s.completedInWindow, 0), errors, sumRecords(slices.map((s) => s.counters)), generator, measurement.stalls, measurement.steal),
    series: mergeSeries(slices, measurement.intervalMs),
  };
}

/** The totals of one target over all its rounds. */
export function combinePhases(phases: PhaseResult[]): Figures {
  if (phases.length === 0) throw new Error('a target needs at least one phase');
  const histogram = new LogLinearHistogram();
  for (const phase of phases) histogram.mergeSerialized(phase.histogram);
  const measuredMs = phases.reduce((sum, p) => sum + p.measuredMs, 0);
  const weighted = (pick: (g: GeneratorLoad) => number): number => phases.reduce((sum, p) => sum + pick(p.generator) * p.measuredMs, 0) / measuredMs;
  const generator: GeneratorLoad = {
    workers: phases[0].generator.workers,
    eventLoopBusyMean: weighted((g) => g.eventLoopBusyMean),
    eventLoopBusyMax: Math.max(...phases.map((p) => p.generator.eventLoopBusyMax)),
    processCpuPerWall: weighted((g) => g.processCpuPerWall),
    startLagMsMax: Math.max(...phases.map((p) => p.generator.startLagMsMax)),
    ...sendLatenessOf(phases.map((p) => p.generator.sendLatenessHistogram)),
  };
  const served = phases.reduce((sum, p) => sum + p.servedPerSec * (p.measuredMs / 1000), 0);
  const stalls = combineStalls(phases.map((p) => p.stalls));
  const steal = combineSteal(phases.map((p) => p.steal));
  return figuresOf(histogram, measuredMs, served, sumRecords(phases.map((p) => p.errors)), sumRecords(phases.map((p) => p.counters)), generator, stalls, steal);
}

function sendLatenessOf(histograms: SerializedHistogram[]): Pick<GeneratorLoad, 'sendLateness' | 'sendLatenessHistogram'> {
  const merged = new LogLinearHistogram();
  for (const histogram of histograms) merged.mergeSerialized(histogram);
  return { sendLateness: merged.count === 0 ? null : summarizeLatency(merged), sendLatenessHistogram: merged.serialize() };
}

function figuresOf(
  histogram: LogLinearHistogram,
  measuredMs: number,
  completedInWindow: number,
  errors: Record<string, number>,
  counters: Record<string, number>,
  generator: GeneratorLoad,
  stalls: StallSummary,
  steal: StealSummary | null,
): Figures {
  if (!(measuredMs > 0)) throw new Error(`measured time must be positive, got ${measuredMs}`);
  return {
    measuredMs,
    operations: histogram.count,
    errorsTotal: Object.values(errors).reduce((a, b) => a + b, 0),
    errors,
    throughputPerSec: histogram.count / (measuredMs / 1000),
    servedPerSec: completedInWindow / (measuredMs / 1000),
    latency: summarizeLatency(histogram),
    histogram: histogram.serialize(),
    counters,
    generator,
    stalls,
    steal,
  };
}

function mergeSeries(slices: PhaseSlice[], intervalMs: number): SeriesPoint[] {
  const byIndex = new Map<number, { latency: LogLinearHistogram; completed: number; errors: number }>();
  for (const slice of slices) {
    for (const interval of slice.intervals) {
      let merged = byIndex.get(interval.index);
      if (!merged) {
        merged = { latency: new LogLinearHistogram(interval.latency.precisionBits), completed: 0, errors: 0 };
        byIndex.set(interval.index, merged);
      }
      merged.latency.mergeSerialized(interval.latency);
      merged.completed += interval.completed;
      merged.errors += interval.errors;
    }
  }
  return [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, merged]) => ({
      atMs: index * intervalMs,
      p50Ms: merged.latency.percentile(50) / 1000,
      p99Ms: merged.latency.percentile(99) / 1000,
      maxMs: merged.latency.max / 1000,
      completedPerSec: merged.completed / (intervalMs / 1000),
      errors: merged.errors,
    }));
}

function sumRecords(records: Array<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const record of records) for (const [key, value] of Object.entries(record)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}
