// Plain-language warnings about figures a reader should not trust as they stand: a saturated
// generator, workers that started late, errors, and an open loop the target could not follow.

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
    if (total.operations === 0) warnings.push(`${label}: no operation succeeded in the measured window`);
    if (options.load.model === 'open' && options.workload.name !== 'watch') {
      if (total.servedPerSec < options.load.ratePerSec * RATE_SHORTFALL_WARN) {
        warnings.push(`${label}: served ${total.servedPerSec.toFixed(0)} operations/s of ${options.load.ratePerSec}/s scheduled; the target fell behind`);
      }
    }
  }
  return warnings;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}
