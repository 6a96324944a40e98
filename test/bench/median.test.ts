// The median and quantiles of a handful of figures, by nearest rank from below: the median of an
// even count is the upper middle value, and the median leaves its input unsorted.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, percentileOfSorted } from '../../src/bench/median.js';

test('the median is the middle value, the upper middle for an even count, and leaves its input alone', () => {
  const values = [0.9, 0.1, 0.5];
  assert.equal(median(values), 0.5);
  assert.deepEqual(values, [0.9, 0.1, 0.5]);
  assert.equal(median([4, 1, 3, 2]), 3);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), RangeError);
});

test('a quantile of sorted values takes the nearest rank from below, the last for q = 1', () => {
  const sorted = Array.from({ length: 10 }, (_, i) => i + 1);
  assert.equal(percentileOfSorted(sorted, 0), 1);
  assert.equal(percentileOfSorted(sorted, 0.5), 6);
  assert.equal(percentileOfSorted(sorted, 0.9), 10);
  assert.equal(percentileOfSorted(sorted, 0.99), 10);
  assert.equal(percentileOfSorted(sorted, 1), 10);
  assert.throws(() => percentileOfSorted([], 0.5), RangeError);
});
