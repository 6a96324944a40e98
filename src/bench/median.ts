// The median and other quantiles of a handful of figures (rounds of a benchmark, samples of a
// probe, timer lateness): by nearest rank from below, so the median of an even count is the
// upper middle value.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('the median of no values');
  return percentileOfSorted([...values].sort((a, b) => a - b), 0.5);
}

/** The value at quantile `q` (0 … 1) of ascending `sorted`, by nearest rank from below. */
export function percentileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('no values');
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}
