// The HTML report: one self-contained file (inline CSS and SVG, no scripts, nothing fetched)
// with the summary table, warnings, latency over time, throughput over time, the latency
// distribution (CDF), per-round figures, errors by kind and the full configuration.

import { figuresFor } from './comparison.js';
import { formatFigure, formatMs, formatRatio } from './figure-format.js';
import { floorPartsText, floorPathText, formatOverMs } from './floor-text.js';
import { LogLinearHistogram } from '../util/log-linear-histogram.js';
import type { TargetResult } from './bench-result.js';
import { functionShareText, threadName, THREADS_HEADING } from './cpu-profiles.js';
import type { BenchResult } from './run-bench.js';
import { describeLoad, describeWorkload } from './run-description.js';
import { escapeXml, renderLineChart, type ChartSeries } from './svg-chart.js';

const TARGET_COLORS = ['#1f6fb4', '#d9480f'];
/** A ratio this far from 1 gets coloured as better or worse. */
const RATIO_NOTICE = 0.05;
const STYLE = `body{font-family:system-ui,sans-serif;margin:24px auto;max-width:960px;color:#222;line-height:1.4}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}.muted{color:#666;font-size:13px}
.warn{background:#fff4d6;border:1px solid #e8c96a;padding:8px 12px;border-radius:4px}
.better{color:#1a7f37;font-weight:600}.worse{color:#c62828;font-weight:600}pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}`;

export function renderHtmlReport(result: BenchResult): string {
  const title = `raftyard bench: ${result.config.workload.name} on ${result.targets.map((t) => t.label).join(' vs ')}`;
  const body = [
    `<h1>${escapeXml(title)}</h1>`,
    `<p>${escapeXml(describeWorkload(result.config))}<br>${escapeXml(describeLoad(result.config))}</p>`,
    `<p class="muted">${escapeXml(`${result.startedAt} · Node ${result.environment.node} · ${result.environment.cpus} CPUs (${result.environment.cpuModel}) · thread round trip ${result.environment.threadRoundTripUs.toFixed(0)} µs · load ${result.environment.loadAverage.map((l) => l.toFixed(2)).join(' ')}${nodeFlagsText(result.environment.nodeFlags)}`)}</p>`,
    warningsBlock(result.warnings),
    `<h2>Summary</h2>`,
    summaryTable(result),
    floorBlock(result.targets),
    `<h2>Latency over time</h2><p class="muted">By the time each operation started (was scheduled, in the open loop). Solid: p50, dashed: p99, dotted: max. Vertical lines separate rounds.</p>`,
    latencyOverTime(result),
    `<h2>Throughput over time</h2><p class="muted">Successful answers per second, by the time they arrived.</p>`,
    throughputOverTime(result),
    `<h2>Latency distribution</h2><p class="muted">Share of operations at or below a latency (cumulative distribution, log scale). The tail is on the right.</p>`,
    latencyCdf(result),
    roundsTable(result),
    threadsBlock(result.targets),
    errorsAndCounters(result.targets),
    `<h2>Configuration</h2><details><summary>Full configuration (as in the JSON file)</summary><pre>${escapeXml(JSON.stringify(result.config, null, 2))}</pre></details>`,
  ];
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>${STYLE}</style></head>\n<body>\n${body.join('\n')}\n</body></html>\n`;
}

/** The Node flags the bench's supervisor ran with, when it had any. */
function nodeFlagsText(flags: readonly string[]): string {
  return flags.length > 0 ? ` · node ${flags.join(' ')}` : '';
}

/** Axis ticks are round numbers; three significant digits without trailing zeros read best. */
function formatTick(value: number): string {
  return String(Number(value.toPrecision(3)));
}

function warningsBlock(warnings: string[]): string {
  if (warnings.length === 0) return '';
  return `<div class="warn"><strong>Read with care:</strong><ul>${warnings.map((w) => `<li>${escapeXml(w)}</li>`).join('')}</ul></div>`;
}

function summaryTable(result: BenchResult): string {
  const { targets, comparison } = result;
  const head = ['figure', ...targets.map((t, i) => (targets.length === 2 ? `${i === 0 ? 'A' : 'B'}: ${t.label}` : t.label)), ...(comparison ? ['B/A'] : [])];
  const rows = figuresFor(result.config.load.model).map((figure) => {
    const cells = targets.map((t) => `<td>${escapeXml(formatFigure(figure.value(t.total), figure.format))}</td>`);
    if (comparison) {
      const value = comparison.ratios[figure.key];
      const good = value !== null && (figure.better === 'higher' ? value > 1 + RATIO_NOTICE : value < 1 - RATIO_NOTICE);
      const bad = value !== null && (figure.better === 'higher' ? value < 1 - RATIO_NOTICE : value > 1 + RATIO_NOTICE);
      cells.push(`<td class="${good ? 'better' : bad ? 'worse' : ''}">${escapeXml(formatRatio(value))}</td>`);
    }
    return `<tr><td>${escapeXml(figure.label)}</td>${cells.join('')}</tr>`;
  });
  return `<table><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

function floorBlock(targets: TargetResult[]): string {
  const rows = targets.flatMap((t) => {
    const { floor } = t;
    if (!floor) return [];
    const cells = [
      t.label,
      floorPathText(floor) || '-',
      `${formatMs(floor.floorMs)} = ${floorPartsText(floor)}`,
      formatMs(floor.observedP50Ms),
      formatOverMs(floor.p50OverMs),
      formatRatio(floor.p50Ratio),
      formatMs(floor.observedP99Ms),
      formatOverMs(floor.p99OverMs),
      formatRatio(floor.p99Ratio),
    ];
    return [`<tr>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`];
  });
  if (rows.length === 0) return '';
  const head = ['target', 'path', 'floor (ms)', 'p50 (ms)', 'p50 over floor', 'p50 / floor', 'p99 (ms)', 'p99 over floor', 'p99 / floor'];
  const note = `<p class="muted">The floor: round trip from the leader to its nearest quorum + one fsync measured on the target's disk (after the disk rested as long as it did between the run's writes, when it did) + the client's round trip (+ the follower-leader round trip when the client talks to a follower).</p>`;
  return `<h2>Commit latency against its floor</h2>${note}<table><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

/** Phase series laid end to end: x is seconds of measured time, rounds one after another. */
function concatenatedSeries(target: TargetResult, intervalMs: number): { offsetsMs: number[]; points: Array<{ atS: number; p50: number; p99: number; max: number; rate: number }> } {
  const offsetsMs: number[] = [];
  const points: Array<{ atS: number; p50: number; p99: number; max: number; rate: number }> = [];
  let offsetMs = 0;
  for (const phase of target.phases) {
    offsetsMs.push(offsetMs);
    for (const p of phase.series) points.push({ atS: (offsetMs + p.atMs + intervalMs / 2) / 1000, p50: p.p50Ms, p99: p.p99Ms, max: p.maxMs, rate: p.completedPerSec });
    offsetMs += phase.measuredMs;
  }
  return { offsetsMs, points };
}

function latencyOverTime(result: BenchResult): string {
  const series: ChartSeries[] = [];
  let markers: number[] = [];
  result.targets.forEach((target, i) => {
    const { offsetsMs, points } = concatenatedSeries(target, result.config.intervalMsEffective);
    markers = offsetsMs.slice(1).map((ms) => ms / 1000);
    const color = TARGET_COLORS[i];
    const withLatency = points.filter((p) => p.max > 0 || p.p50 > 0);
    series.push({ label: `${target.label} p50`, color, widthPx: 2, points: withLatency.map((p) => [p.atS, p.p50]) });
    series.push({ label: `${target.label} p99`, color, dash: '6 4', points: withLatency.map((p) => [p.atS, p.p99]) });
    series.push({ label: `${target.label} max`, color, dash: '1 3', widthPx: 1, points: withLatency.map((p) => [p.atS, p.max]) });
  });
  return renderLineChart({
    x: { label: 'measured time (s)', scale: 'linear', format: formatTick, min: 0 },
    y: { label: 'latency (ms)', scale: 'log', format: formatTick },
    series,
    markersX: markers,
  });
}

function throughputOverTime(result: BenchResult): string {
  const series = result.targets.map((target, i): ChartSeries => {
    const { points } = concatenatedSeries(target, result.config.intervalMsEffective);
    return { label: target.label, color: TARGET_COLORS[i], widthPx: 2, points: points.map((p) => [p.atS, p.rate]) };
  });
  return renderLineChart({
    x: { label: 'measured time (s)', scale: 'linear', format: formatTick, min: 0 },
    y: { label: 'answers per second', scale: 'linear', format: (v) => v.toLocaleString('en-US') },
    series,
    heightPx: 260,
  });
}

function latencyCdf(result: BenchResult): string {
  const series = result.targets.map((target, i): ChartSeries => {
    const points = LogLinearHistogram.fromSerialized(target.total.histogram).cumulative();
    return { label: target.label, color: TARGET_COLORS[i], widthPx: 2, points: points.map((p) => [Math.max(p.valueUs, 1) / 1000, p.fraction * 100]) };
  });
  return renderLineChart({
    x: { label: 'latency (ms)', scale: 'log', format: formatTick },
    y: { label: 'operations at or below (%)', scale: 'linear', format: (v) => `${v}%`, min: 0, max: 100 },
    series,
  });
}

function roundsTable(result: BenchResult): string {
  if (result.config.rounds < 2) return '';
  const rows: string[] = [];
  for (let round = 0; round < result.config.rounds; round++) {
    for (const target of result.targets) {
      const phase = target.phases[round];
      const cells = [String(phase.round), target.label, formatFigure(phase.throughputPerSec, 'rate'), formatMs(phase.latency.p50Ms), formatMs(phase.latency.p99Ms), String(phase.errorsTotal), formatFigure(phase.steal?.share ?? null, 'share')];
      rows.push(`<tr>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`);
    }
  }
  const ratios = result.comparison
    ? `<p>B/A per round: throughput ${result.comparison.roundRatios.throughputPerSec.map(formatRatio).join(', ')}; p50 ${result.comparison.roundRatios.p50Ms.map(formatRatio).join(', ')}</p>`
    : '';
  return `<h2>Rounds</h2><table><tr><th>round</th><th>target</th><th>ops/s</th><th>p50 ms</th><th>p99 ms</th><th>errors</th><th>host steal</th></tr>${rows.join('')}</table>${ratios}`;
}

/** With --cpu-prof: each profiled thread's busy share, its time per operation and its top functions. */
function threadsBlock(targets: TargetResult[]): string {
  const rows = targets.flatMap((t) =>
    (t.threads ?? []).map(
      (thread) =>
        `<tr><td>${escapeXml(t.label)}</td><td>${escapeXml(threadName(thread))}</td><td>${formatFigure(thread.busyShare, 'share')}</td>` +
        `<td>${thread.busyUsPerOperation === null ? '' : formatFigure(thread.busyUsPerOperation, 'rate')}</td><td>${escapeXml(thread.top.map(functionShareText).join(', '))}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '';
  const heading = THREADS_HEADING.charAt(0).toUpperCase() + THREADS_HEADING.slice(1);
  return `<h2>Threads</h2><p class="muted">${escapeXml(heading)}.</p><table><tr><th>target</th><th>thread</th><th>busy</th><th>µs/op</th><th>top functions (self time)</th></tr>${rows.join('')}</table>`;
}

function errorsAndCounters(targets: TargetResult[]): string {
  const rows = targets.flatMap((t) => [
    ...Object.entries(t.total.errors).map(([kind, count]) => `<tr><td>${escapeXml(t.label)}</td><td>error: ${escapeXml(kind)}</td><td>${count}</td></tr>`),
    ...Object.entries(t.total.counters).map(([name, count]) => `<tr><td>${escapeXml(t.label)}</td><td>${escapeXml(name)}</td><td>${count}</td></tr>`),
  ]);
  if (rows.length === 0) return `<h2>Errors</h2><p>None.</p>`;
  return `<h2>Errors and counters</h2><table><tr><th>target</th><th>kind</th><th>count</th></tr>${rows.join('')}</table>`;
}
