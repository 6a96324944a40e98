// Plain-language warnings about figures a reader should not trust as they stand: a saturated
// generator, workers that started late, errors, an open loop the target could not follow,
// leadership that moved during the run, a machine that stalled or whose host took CPU time while
// a window was measured, a p99 that too few operations decide, and a run slowed by its own profiling.

import { LogLinearHistogram } from '../util/log-linear-histogram.js';
import type { BenchOptions } from './bench-options.js';
import type { TargetResult } from './bench-result.js';
import { formatFigure } from './figure-format.js';
import { SAMPLING_INTERVAL_US_DEFAULT } from '../util/cpu-profiler.js';

const GENERATOR_BUSY_WARN = 0.9;
const START_LAG_WARN_MS = 20;
const RATE_SHORTFALL_WARN = 0.95;
/** Steal above this share of the windows' CPU time is worth a warning (two busy loops here saw under 1%). */
const HOST_STEAL_WARN = 0.05;
/**
 * A p99 is steady when at least this many operations lie beyond it, i.e. over 100 times as many
 * were measured: from 110 (a sequential client behind 40 ms links for 9 s) it is the second
 * slowest, and one hiccup of the machine moves it by milliseconds.
 */
const P99_OPERATIONS_BEYOND_MIN = 10;
const P99_OPERATIONS_MIN = P99_OPERATIONS_BEYOND_MIN * 100;

export function benchWarnings(options: BenchOptions, targets: TargetResult[]): string[] {
  const warnings: string[] = [];
  if (options.cpuProfileDir !== undefined) {
    const unfair = targets.length > 1 ? `; and a started target, whose member threads are sampled too, is slowed more than one running in processes of its own (only the generator is sampled there), so the targets' figures do not compare fairly either` : '';
    warnings.push(`the threads were profiled (--cpu-prof): V8's sampler interrupts each one every ${SAMPLING_INTERVAL_US_DEFAULT} µs, so these figures are slower than an unprofiled run's${unfair}`);
  }
  for (const target of targets) {
    const { total, label } = target;
    if (total.generator.eventLoopBusyMax > GENERATOR_BUSY_WARN) {
      warnings.push(`${label}: a generator thread was busy ${percent(total.generator.eventLoopBusyMax)} of the time; the figures may show the generator's limit (try more --workers)`);
    }
    if (total.generator.startLagMsMax > START_LAG_WARN_MS) {
      warnings.push(`${label}: a generator thread started ${total.generator.startLagMsMax.toFixed(0)} ms late`);
    }
    if (total.errorsTotal > 0) {
      const kinds = Object.entries(total.errors).sort((a, b) => b[1] - a[1]).map(([kind, count]) => `${count} × ${kind}`);
      warnings.push(`${label}: ${total.errorsTotal} errors (${kinds.join(', ')})`);
    }
    if (total.stalls.count > 0) {
      const { count, longestMs } = total.stalls;
      warnings.push(`${label}: the machine stalled ${count} time${count === 1 ? '' : 's'} in the measured windows (longest ${longestMs.toFixed(1)} ms): every operation in flight waited too, so the tail shows the machine as well as the target`);
    }
    const stealShare = total.steal?.share ?? 0;
    if (stealShare >= HOST_STEAL_WARN) {
      warnings.push(`${label}: the host took ${formatFigure(stealShare, 'share')} of this machine's CPU time in the measured windows (steal: virtual CPUs ready to run and not run), so every thread's wake-ups waited for the host too`);
    }
    if (total.operations === 0) warnings.push(`${label}: no operation succeeded in the measured window`);
    else if (total.operations < P99_OPERATIONS_MIN) warnings.push(thinTailWarning(label, total.operations, options.durationMs));
    if (target.leaders !== undefined && target.leaders.length > 1) {
      warnings.push(`${label}: leadership moved during the run (${target.leaders.join(' → ')}); the floor is the lowest over the leaders that served`);
    }
    if (options.load.model === 'open' && options.workload.name !== 'watch') {
      if (total.servedPerSec < options.load.ratePerSec * RATE_SHORTFALL_WARN) {
        warnings.push(`${label}: served ${total.servedPerSec.toFixed(0)} operations/s of ${options.load.ratePerSec}/s scheduled; ${shortfallCause(options, target)}`);
      }
    }
  }
  return warnings;
}

/**
 * Little's law: C clients whose fastest operation takes M ms carry at most C × 1000 / M per
 * second. Far from the members (geo delays) that bound, not the target, is often what falls short.
 */
function shortfallCause(options: BenchOptions, target: TargetResult): string {
  const { clients, ratePerSec } = options.load;
  const fastestMs = target.total.latency.minMs;
  if (!(fastestMs > 0) || (clients * 1000) / fastestMs >= ratePerSec) return 'the target fell behind';
  const clientsNeeded = Math.ceil((ratePerSec * fastestMs) / 1000);
  return `${clients} clients whose fastest operation took ${fastestMs.toFixed(1)} ms cannot carry more than ${Math.floor((clients * 1000) / fastestMs)}/s: give --clients ${clientsNeeded} or more`;
}

/** Which operation decides the p99 of `operations`, and how long a run would give a steady one. */
function thinTailWarning(label: string, operations: number, durationMs: number): string {
  const rankFromSlowest = operations - LogLinearHistogram.percentileRank(99, operations) + 1;
  const slowest = rankFromSlowest === 1 ? 'the slowest' : `the ${ordinal(rankFromSlowest)} slowest`;
  const durationS = Math.ceil(((durationMs / 1000) * P99_OPERATIONS_MIN) / operations);
  return `${label}: p99 is ${slowest} of only ${operations} operations, so one hiccup moves it; --duration ${durationS}s or more measures ${P99_OPERATIONS_MIN}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}
