// The chaos run's figures as a person reads them: the run's settings, the fault schedule,
// operations by outcome, faults by kind, convergence, checker time, and every violation.

import type { ChaosResult } from './run-chaos.js';

export function formatChaosReport(result: ChaosResult): string {
  const { options, operations } = result;
  const cluster = `${options.nodes} nodes (${options.transport})`;
  const lines = [
    `raftyard chaos  seed ${options.seed}  ${cluster}  ${options.clients} clients  ${options.keys} keys  ${options.durationMs} ms`,
    '',
    `fault schedule (${result.schedule.length} steps):`,
    ...result.schedule.map((line) => `  ${line}`),
    '',
    `operations: ${operations.ok} ok, ${operations.failed} failed (100/101/105), ${operations.unknown} unknown, ` +
      `${operations.notSent} refused (not sent), ${operations.unexpected} unexpected`,
    `history: ${result.historyOperations} operations checked`,
    `faults injected: ${formatCounts(result.faults.injected)}`,
    `faults skipped: ${formatCounts(result.faults.skipped)}`,
    `quorum lost on purpose: ${result.faults.quorumLossWindows} times`,
    `convergence: ${formatConvergence(result)}`,
    `checker: ${result.checker.ms} ms, ${result.checker.steps} steps`,
    `violations: ${result.violations.length}`,
    ...result.violations.map((v) => `  [${v.kind}] ${v.detail}`),
    `elapsed: ${(result.elapsedMs / 1000).toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return 'none';
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return `${total} (${entries.map(([kind, n]) => `${kind} ${n}`).join(', ')})`;
}

function formatConvergence(result: ChaosResult): string {
  const convergence = result.convergence;
  if (convergence === null) return 'not checked (healing failed)';
  if (convergence.verdict === 'identical') {
    return `identical stores at index ${convergence.storeIndex} (hash ${convergence.storeHash.slice(0, 12)}) after ${convergence.waitedMs} ms`;
  }
  return `${convergence.verdict}: ${convergence.detail}`;
}
