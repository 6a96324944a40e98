// A small line-chart renderer that writes inline SVG (no scripts, no network), with linear or
// logarithmic axes, readable ticks, a legend and optional vertical markers. The HTML report
// draws all of its charts with it.

export type AxisScale = 'linear' | 'log';

export interface ChartAxis {
  label: string;
  scale: AxisScale;
  format(value: number): string;
  /** Fixed domain; otherwise taken from the data. */
  min?: number;
  max?: number;
}

export interface ChartSeries {
  label: string;
  color: string;
  dash?: string;
  widthPx?: number;
  points: Array<[number, number]>;
}

export interface LineChart {
  x: ChartAxis;
  y: ChartAxis;
  series: ChartSeries[];
  /** x positions of thin vertical lines, e.g. round boundaries. */
  markersX?: number[];
  widthPx?: number;
  heightPx?: number;
}

const MARGIN = { left: 70, right: 20, bottom: 46 };
const LEGEND_ROW_PX = 18;
const TICKS_LINEAR_TARGET = 6;
const POINTS_PER_SERIES_MAX = 20_000;

interface Scale {
  min: number;
  max: number;
  toPx(value: number): number;
  ticks: number[];
}

export function renderLineChart(chart: LineChart): string {
  const width = chart.widthPx ?? 900;
  const height = chart.heightPx ?? 320;
  for (const s of chart.series) {
    if (s.points.length > POINTS_PER_SERIES_MAX) throw new Error(`series ${s.label} has ${s.points.length} points, more than ${POINTS_PER_SERIES_MAX}`);
  }
  const legendItems = layoutLegend(chart.series, width);
  const top = Math.max(...legendItems.map((item) => item.y), 0) + LEGEND_ROW_PX;
  const all = chart.series.flatMap((s) => s.points);
  const xScale = makeScale(chart.x, all.map((p) => p[0]), MARGIN.left, width - MARGIN.right);
  const yScale = makeScale(chart.y, all.map((p) => p[1]), height - MARGIN.bottom, top);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`,
    gridAndTicks(chart, xScale, yScale, { width, height, top }),
    ...(chart.markersX ?? []).map((x) => `<line x1="${px(xScale.toPx(x))}" x2="${px(xScale.toPx(x))}" y1="${top}" y2="${height - MARGIN.bottom}" stroke="#bbb" stroke-dasharray="2 3"/>`),
    ...chart.series.map((s) => seriesPath(s, xScale, yScale)),
    ...legendItems.map((item) => item.svg),
    '</svg>',
  ];
  return parts.join('\n');
}

function makeScale(axis: ChartAxis, values: number[], fromPx: number, toPx: number): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (axis.scale === 'linear' || v > 0));
  if (axis.scale === 'log') {
    const min = axis.min ?? stepBelow(finite.length > 0 ? Math.min(...finite) : 1);
    const max = Math.max(axis.max ?? stepAbove(finite.length > 0 ? Math.max(...finite) : 10), min * 10);
    const span = Math.log10(max) - Math.log10(min);
    const toPxLog = (v: number): number => fromPx + ((Math.log10(Math.max(v, min)) - Math.log10(min)) / span) * (toPx - fromPx);
    return { min, max, toPx: toPxLog, ticks: logTicks(min, max) };
  }
  const min = axis.min ?? Math.min(0, ...finite);
  const dataMax = finite.length > 0 ? Math.max(...finite) : 1;
  const step = niceStep(((axis.max ?? dataMax) - min) / TICKS_LINEAR_TARGET || 1);
  const max = axis.max ?? Math.max(min + step, Math.ceil(dataMax / step) * step);
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step / 1e6; t += step) ticks.push(Number(t.toPrecision(12)));
  return { min, max, toPx: (v) => fromPx + ((v - min) / (max - min)) * (toPx - fromPx), ticks };
}

const LOG_STEPS = [1, 2, 5];

/** The largest 1, 2 or 5 times a power of ten at or below `value`. */
function stepBelow(value: number): number {
  const decade = 10 ** Math.floor(Math.log10(value));
  return decade * (LOG_STEPS.filter((m) => decade * m <= value * (1 + 1e-9)).pop() ?? 1);
}

/** The smallest 1, 2 or 5 times a power of ten at or above `value`. */
function stepAbove(value: number): number {
  const decade = 10 ** Math.floor(Math.log10(value));
  const multiplier = [...LOG_STEPS, 10].find((m) => decade * m >= value * (1 - 1e-9)) ?? 10;
  return decade * multiplier;
}

/** Powers of ten, with 2 and 5 in between when the axis spans few decades. */
function logTicks(min: number, max: number): number[] {
  const multipliers = Math.log10(max / min) <= 3 ? LOG_STEPS : [1];
  const ticks: number[] = [];
  for (let decade = 10 ** Math.floor(Math.log10(min)); decade <= max * (1 + 1e-9); decade *= 10) {
    for (const m of multipliers) {
      const tick = Number((decade * m).toPrecision(6));
      if (tick >= min * (1 - 1e-9) && tick <= max * (1 + 1e-9)) ticks.push(tick);
    }
  }
  return ticks;
}

function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const normalized = rough / magnitude;
  return (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude;
}

function gridAndTicks(chart: LineChart, xScale: Scale, yScale: Scale, box: { width: number; height: number; top: number }): string {
  const { width, height, top } = box;
  const bottom = height - MARGIN.bottom;
  const right = width - MARGIN.right;
  const lines: string[] = [];
  for (const t of yScale.ticks) {
    const y = px(yScale.toPx(t));
    lines.push(`<line x1="${MARGIN.left}" x2="${right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    lines.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${escapeXml(chart.y.format(t))}</text>`);
  }
  for (const t of xScale.ticks) {
    const x = px(xScale.toPx(t));
    lines.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${bottom}" stroke="#f0f0f0"/>`);
    lines.push(`<text x="${x}" y="${bottom + 16}" text-anchor="middle" fill="#444">${escapeXml(chart.x.format(t))}</text>`);
  }
  lines.push(`<rect x="${MARGIN.left}" y="${top}" width="${right - MARGIN.left}" height="${bottom - top}" fill="none" stroke="#999"/>`);
  lines.push(`<text x="${(MARGIN.left + right) / 2}" y="${height - 8}" text-anchor="middle" fill="#222">${escapeXml(chart.x.label)}</text>`);
  lines.push(`<text transform="translate(16 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#222">${escapeXml(chart.y.label)}</text>`);
  return lines.join('\n');
}

function seriesPath(series: ChartSeries, xScale: Scale, yScale: Scale): string {
  const visible = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (visible.length === 0) return '';
  const d = visible.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(xScale.toPx(x))} ${px(yScale.toPx(Math.min(y, yScale.max)))}`).join(' ');
  const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : '';
  const dot = visible.length === 1 ? `<circle cx="${px(xScale.toPx(visible[0][0]))}" cy="${px(yScale.toPx(visible[0][1]))}" r="3" fill="${series.color}"/>` : '';
  return `<path d="${d}" fill="none" stroke="${series.color}" stroke-width="${series.widthPx ?? 1.5}"${dash} stroke-linejoin="round"/>${dot}`;
}

/** Legend entries left to right, wrapping into more rows when the labels need them. */
function layoutLegend(series: ChartSeries[], width: number): Array<{ y: number; svg: string }> {
  const items: Array<{ y: number; svg: string }> = [];
  let x = MARGIN.left;
  let y = 14;
  for (const s of series) {
    const itemWidthPx = 40 + s.label.length * 6.5;
    if (x + itemWidthPx > width - MARGIN.right && x > MARGIN.left) {
      x = MARGIN.left;
      y += LEGEND_ROW_PX;
    }
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    const svg =
      `<line x1="${x}" x2="${x + 22}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="${Math.max(2, s.widthPx ?? 1.5)}"${dash}/>` +
      `<text x="${x + 27}" y="${y}" dominant-baseline="middle" fill="#222">${escapeXml(s.label)}</text>`;
    items.push({ y, svg });
    x += itemWidthPx;
  }
  return items;
}

function px(value: number): string {
  return value.toFixed(1);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
