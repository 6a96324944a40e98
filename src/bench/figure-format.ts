// How figures read in the table and the HTML report: rates with thousands separators,
// milliseconds with three significant digits, shares as percentages (small ones to a tenth),
// ratios with a × sign, and a figure this machine could not measure as n/a.

import type { FigureFormat } from './comparison.js';

export function formatFigure(value: number | null, format: FigureFormat): string {
  if (value === null) return 'n/a';
  switch (format) {
    case 'rate':
      return Math.round(value).toLocaleString('en-US');
    case 'count':
      return value.toLocaleString('en-US');
    case 'share':
      return `${(value * 100).toFixed(value !== 0 && value < 0.1 ? 1 : 0)}%`;
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
