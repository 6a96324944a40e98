// Plain-language warnings about figures a reader should not trust as they stand: a saturated
// generator, workers that started late, errors, an open loop the target could not follow,
// leadership that moved during the run, and a machine that stalled while a window was measured.

import type { BenchOptions } from './bench-options.js';
import type { TargetResult } from './bench-result.js';

const GENERATOR_BUSY_WARN = 0.9;
const START_LAG_WARN_MS = 20;
const RATE_SHORTFALL_WARN = 0.95;

export function benchWarnings(options: BenchOptions, targets: TargetResult[]): string[] {
  const warnings: string[] = [];
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
    if (total.operations === 0) warnings.push(`${label}: no operation succeeded in the measured window`);
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

function percent(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}
