// The median of a handful of figures (rounds of a benchmark, samples of a probe): the middle
// one of the sorted values, the upper middle when their count is even.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('the median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
