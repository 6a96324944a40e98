// How figures read in the table and the HTML report: rates with thousands separators,
// milliseconds with three significant digits, shares as percentages, ratios with a × sign.

import type { FigureFormat } from './comparison.js';

export function formatFigure(value: number, format: FigureFormat): string {
  switch (format) {
    case 'rate':
      return Math.round(value).toLocaleString('en-US');
    case 'count':
      return value.toLocaleString('en-US');
    case 'share':
      return `${(value * 100).toFixed(0)}%`;
    case 'ms':
      return formatMs(value);
  }
}

export function formatMs(ms: number): string {
  if (ms === 0) return '0';
  if (ms >= 100) return ms.toFixed(0);
  return ms.toPrecision(3);
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${ratio.toFixed(2)}×`;
}
