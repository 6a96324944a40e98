// The table printed on stdout: every figure for one target, or for two side by side with
// their ratio, then the per-round ratios, the commit-latency floor (p50 and p99 above it),
// the CPU by thread of a profiled run, errors and warnings.

import { figuresFor, type Comparison } from './comparison.js';
import { formatFigure, formatMs, formatRatio } from './figure-format.js';
import { floorPartsText, floorPathText, observedText } from './floor-text.js';
import type { TargetResult } from './bench-result.js';
import { functionShareText, threadName, THREADS_HEADING, type ThreadCpuSummary } from './cpu-profiles.js';
import { dirname } from 'node:path';
import type { BenchResult } from './run-bench.js';
import { describeLoad, describeWorkload } from './run-description.js';

export function formatTable(result: BenchResult): string {
  const { targets, comparison } = result;
  const header = ['figure', ...targets.map((t, i) => (targets.length === 2 ? `${i === 0 ? 'A' : 'B'}: ${t.label}` : t.label))];
  if (comparison) header.push('B/A');
  const rows = figuresFor(result.config.load.model).map((figure) => {
    const row = [figure.label, ...targets.map((t) => formatFigure(figure.value(t.total), figure.format))];
    if (comparison) row.push(formatRatio(comparison.ratios[figure.key]));
    return row;
  });
  const lines = [`${describeWorkload(result.config)}`, `${describeLoad(result.config)}`, describeMachine(result), '', ...alignColumns([header, ...rows])];
  if (comparison) lines.push('', ...roundLines(comparison));
  const steal = stealLine(targets);
  if (steal !== null) lines.push(...(comparison ? [steal] : ['', steal]));
  for (const target of targets) lines.push(...detailLines(target, targets.length));
  if (result.warnings.length > 0) lines.push('', ...result.warnings.map((w) => `warning: ${w}`));
  return `${lines.join('\n')}\n`;
}

/** The machine's speed at waking threads, which an embedded cluster's figures follow from day to day. */
function describeMachine(result: BenchResult): string {
  const { cpus, threadRoundTripUs } = result.environment;
  return `machine: ${cpus} CPUs, thread round trip ${threadRoundTripUs.toFixed(0)} µs (median at the start)`;
}

/** Each target's host steal round by round (it changes from minute to minute); null where unknown. */
function stealLine(targets: TargetResult[]): string | null {
  if (targets.every((t) => t.phases.every((p) => p.steal === null))) return null;
  const perTarget = targets.map((t) => `${t.label} ${t.phases.map((p) => formatFigure(p.steal?.share ?? null, 'share')).join(' ')}`);
  return `host steal per round: ${perTarget.join('; ')}`;
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
  if (target.threads) lines.push(...threadLines(prefix, target.threads));
  return lines.length > 0 ? ['', ...lines] : [];
}

const TABLE_FUNCTIONS = 5;

/** Where each profiled thread spent the measured windows (--cpu-prof), and where the files went. */
function threadLines(prefix: string, threads: readonly ThreadCpuSummary[]): string[] {
  const names = threads.map(threadName);
  const width = Math.max(...names.map((name) => name.length));
  const lines = [`${prefix}${THREADS_HEADING}:`];
  threads.forEach((thread, i) => {
    const perOperation = thread.busyUsPerOperation === null ? '' : `, ${formatFigure(thread.busyUsPerOperation, 'rate')} µs/op`;
    const functions = thread.top.slice(0, TABLE_FUNCTIONS).map(functionShareText);
    lines.push(`  ${names[i].padEnd(width)}  ${formatFigure(thread.busyShare, 'share')} busy${perOperation}: ${functions.join(', ')}`);
  });
  const dirs = [...new Set(threads.flatMap((t) => t.files.map((file) => dirname(file))))];
  lines.push(`  profiles (.cpuprofile, for Chrome DevTools, VS Code or speedscope) in ${dirs.join(', ')}`);
  return lines;
}

function alignColumns(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ').trimEnd());
}
