// The table printed on stdout: every figure for one target, or for two side by side with
// their ratio, then the per-round ratios, the commit-latency floor (p50 and p99 above it),
// errors and warnings.

import { FIGURES, type Comparison } from './comparison.js';
import { formatFigure, formatMs, formatRatio } from './figure-format.js';
import { floorPartsText, floorPathText, observedText } from './floor-text.js';
import type { TargetResult } from './bench-result.js';
import type { BenchResult } from './run-bench.js';
import { describeLoad, describeWorkload } from './run-description.js';

export function formatTable(result: BenchResult): string {
  const { targets, comparison } = result;
  const header = ['figure', ...targets.map((t, i) => (targets.length === 2 ? `${i === 0 ? 'A' : 'B'}: ${t.label}` : t.label))];
  if (comparison) header.push('B/A');
  const rows = FIGURES.map((figure) => {
    const row = [figure.label, ...targets.map((t) => formatFigure(figure.value(t.total), figure.format))];
    if (comparison) row.push(formatRatio(comparison.ratios[figure.key]));
    return row;
  });
  const lines = [`${describeWorkload(result.config)}`, `${describeLoad(result.config)}`, describeMachine(result), '', ...alignColumns([header, ...rows])];
  if (comparison) lines.push('', ...roundLines(comparison));
  for (const target of targets) lines.push(...detailLines(target, targets.length));
  if (result.warnings.length > 0) lines.push('', ...result.warnings.map((w) => `warning: ${w}`));
  return `${lines.join('\n')}\n`;
}

/** The machine's speed at waking threads, which an embedded cluster's figures follow from day to day. */
function describeMachine(result: BenchResult): string {
  const { cpus, threadRoundTripUs } = result.environment;
  return `machine: ${cpus} CPUs, thread round trip ${threadRoundTripUs.toFixed(0)} µs (median at the start)`;
}

function roundLines(comparison: Comparison): string[] {
  const list = (ratios: Array<number | null>): string => ratios.map(formatRatio).join('  ');
  return [`B/A per round, throughput: ${list(comparison.roundRatios.throughputPerSec)}`, `B/A per round, p50:        ${list(comparison.roundRatios.p50Ms)}`];
}

function detailLines(target: TargetResult, targetCount: number): string[] {
  const lines: string[] = [];
  const prefix = targetCount > 1 ? `${target.label}: ` : '';
  const { floor } = target;
  if (floor) {
    const path = floorPathText(floor);
    lines.push(
      `${prefix}commit p50 ${observedText(floor.observedP50Ms, floor.p50OverMs, floor.p50Ratio)}, p99 ${observedText(floor.observedP99Ms, floor.p99OverMs, floor.p99Ratio)}` +
        ` vs floor ${formatMs(floor.floorMs)} ms (${floorPartsText(floor)})${path === '' ? '' : ` for ${path}`}`,
    );
  }
  const counters = Object.entries(target.total.counters);
  if (counters.length > 0) lines.push(`${prefix}${counters.map(([name, count]) => `${name} ${count}`).join(', ')}`);
  return lines.length > 0 ? ['', ...lines] : [];
}

function alignColumns(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ').trimEnd());
}
