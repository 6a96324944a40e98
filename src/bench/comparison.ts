// The figures the reports show for every target, and the comparison of two targets run
// alternately: each figure's ratio B / A over all rounds, and per round for the headline
// figures, so that a reader can see whether the ratio held steady while the machine's noise varied.

import type { LoadModel } from './bench-options.js';
import type { Figures, TargetResult } from './bench-result.js';
import { STALL_MIN_MS } from './stall-watch.js';

export interface FigureDefinition {
  key: string;
  label: string;
  /** Which direction is good, so a report can say whether B is better or worse. */
  better: 'higher' | 'lower';
  format: FigureFormat;
  /** null: not measured on this machine (the reports show n/a). */
  value(figures: Figures): number | null;
  /** Shown for open-loop runs only (the closed loop has no schedule to be late for). */
  openLoopOnly?: boolean;
}

export type FigureFormat = 'rate' | 'ms' | 'count' | 'share';

export const FIGURES: FigureDefinition[] = [
  { key: 'throughputPerSec', label: 'throughput (ops/s)', better: 'higher', format: 'rate', value: (f) => f.throughputPerSec },
  { key: 'servedPerSec', label: 'answered in window (ops/s)', better: 'higher', format: 'rate', value: (f) => f.servedPerSec },
  { key: 'p50Ms', label: 'latency p50 (ms)', better: 'lower', format: 'ms', value: (f) => f.latency.p50Ms },
  { key: 'p90Ms', label: 'latency p90 (ms)', better: 'lower', format: 'ms', value: (f) => f.latency.p90Ms },
  { key: 'p99Ms', label: 'latency p99 (ms)', better: 'lower', format: 'ms', value: (f) => f.latency.p99Ms },
  { key: 'p999Ms', label: 'latency p99.9 (ms)', better: 'lower', format: 'ms', value: (f) => f.latency.p999Ms },
  { key: 'maxMs', label: 'latency max (ms)', better: 'lower', format: 'ms', value: (f) => f.latency.maxMs },
  { key: 'meanMs', label: 'latency mean (ms)', better: 'lower', format: 'ms', value: (f) => f.latency.meanMs },
  { key: 'errorsTotal', label: 'errors', better: 'lower', format: 'count', value: (f) => f.errorsTotal },
  { key: 'generatorBusyMax', label: 'generator busy (busiest thread)', better: 'lower', format: 'share', value: (f) => f.generator.eventLoopBusyMax },
  {
    key: 'sendLatenessP99Ms',
    label: 'generator send lateness p99 (ms)',
    better: 'lower',
    format: 'ms',
    value: (f) => f.generator.sendLateness?.p99Ms ?? null,
    openLoopOnly: true,
  },
  { key: 'processCpuPerWall', label: 'process CPU / wall', better: 'lower', format: 'share', value: (f) => f.generator.processCpuPerWall },
  { key: 'stalls', label: `machine stalls (≥${STALL_MIN_MS} ms)`, better: 'lower', format: 'count', value: (f) => f.stalls.count },
  { key: 'stallLongestMs', label: 'longest machine stall (ms)', better: 'lower', format: 'ms', value: (f) => f.stalls.longestMs },
  { key: 'hostStealShare', label: 'CPU time taken by the host (steal)', better: 'lower', format: 'share', value: (f) => f.steal?.share ?? null },
];

/** The figures a report shows for a run of this load model. */
export function figuresFor(model: LoadModel): FigureDefinition[] {
  return FIGURES.filter((figure) => model === 'open' || figure.openLoopOnly !== true);
}

export interface Comparison {
  baseline: string;
  candidate: string;
  /** Candidate over baseline for each figure key; null where the baseline is 0. */
  ratios: Record<string, number | null>;
  roundRatios: { throughputPerSec: Array<number | null>; p50Ms: Array<number | null> };
}

export function compareTargets(baseline: TargetResult, candidate: TargetResult): Comparison {
  if (baseline.phases.length !== candidate.phases.length) {
    throw new Error(`compared targets ran ${baseline.phases.length} and ${candidate.phases.length} rounds`);
  }
  const ratios: Record<string, number | null> = {};
  for (const figure of FIGURES) ratios[figure.key] = ratio(figure.value(candidate.total), figure.value(baseline.total));
  const perRound = (pick: (f: Figures) => number): Array<number | null> =>
    baseline.phases.map((phase, i) => ratio(pick(candidate.phases[i]), pick(phase)));
  return {
    baseline: baseline.label,
    candidate: candidate.label,
    ratios,
    roundRatios: { throughputPerSec: perRound((f) => f.throughputPerSec), p50Ms: perRound((f) => f.latency.p50Ms) },
  };
}

/** Numerator over denominator; null where either was not measured or the denominator is 0. */
export function ratio(numerator: number | null, denominator: number | null): number | null {
  return numerator === null || denominator === null || denominator === 0 ? null : numerator / denominator;
}
