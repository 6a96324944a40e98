// The latency histogram against data whose percentiles are known.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogLinearHistogram } from '../../src/util/log-linear-histogram.js';

/** The default precision promises values within 2^-10 of the truth, and never below it. */
const RELATIVE_ERROR_MAX = 1 / 1024;

function assertNear(actual: number, expected: number, what: string): void {
  assert.ok(actual >= expected, `${what}: ${actual} understates ${expected}`);
  assert.ok(actual <= expected * (1 + RELATIVE_ERROR_MAX), `${what}: ${actual} is more than 0.1% above ${expected}`);
}

test('values below 1024 microseconds are exact', () => {
  const histogram = new LogLinearHistogram();
  for (let v = 1; v <= 100; v++) histogram.record(v);
  assert.equal(histogram.count, 100);
  assert.equal(histogram.percentile(50), 50);
  assert.equal(histogram.percentile(99), 99);
  assert.equal(histogram.percentile(100), 100);
  assert.equal(histogram.min, 1);
  assert.equal(histogram.max, 100);
  assert.equal(histogram.mean, 50.5);
});

test('percentiles of 1..100000 microseconds land within the promised precision', () => {
  const histogram = new LogLinearHistogram();
  for (let v = 1; v <= 100_000; v++) histogram.record(v);
  assertNear(histogram.percentile(50), 50_000, 'p50');
  assertNear(histogram.percentile(90), 90_000, 'p90');
  assertNear(histogram.percentile(99), 99_000, 'p99');
  assertNear(histogram.percentile(99.9), 99_900, 'p99.9');
  assert.equal(histogram.percentile(100), 100_000);
  assert.equal(histogram.max, 100_000);
});

test('a commit latency under an 80 ms round trip is reported within a tenth of a millisecond', () => {
  const histogram = new LogLinearHistogram();
  for (let i = 0; i < 100; i++) histogram.record(80_100 + i * 10); // 80.10 .. 81.09 ms
  const p50Us = histogram.percentile(50);
  assert.ok(p50Us >= 80_590 && p50Us <= 80_590 + 100, `p50 ${p50Us} µs`);
});

test('a bimodal distribution puts each percentile in the right mode', () => {
  const histogram = new LogLinearHistogram();
  histogram.record(1_000, 900);
  histogram.record(250_000, 99);
  histogram.record(3_000_000);
  assertNear(histogram.percentile(90), 1_000, 'p90');
  assertNear(histogram.percentile(90.1), 250_000, 'p90.1');
  assertNear(histogram.percentile(99.9), 250_000, 'p99.9');
  assert.equal(histogram.percentile(99.95), 3_000_000);
  const cdf = histogram.cumulative();
  assert.equal(cdf.length, 3);
  assert.deepEqual(cdf.map((p) => p.fraction), [0.9, 0.999, 1]);
});

test('merging serialized slices equals recording everything in one histogram', () => {
  const whole = new LogLinearHistogram();
  const parts = [new LogLinearHistogram(), new LogLinearHistogram(), new LogLinearHistogram()];
  for (let i = 0; i < 30_000; i++) {
    const value = (i * 7919) % 5_000_000;
    whole.record(value);
    parts[i % 3].record(value);
  }
  const merged = new LogLinearHistogram();
  for (const part of parts) merged.mergeSerialized(JSON.parse(JSON.stringify(part.serialize())));
  assert.deepEqual(merged.serialize(), whole.serialize());
  for (const p of [50, 90, 99, 99.9]) assert.equal(merged.percentile(p), whole.percentile(p));
});

test('bad values and mismatched precisions are refused; huge values are clamped', () => {
  const histogram = new LogLinearHistogram();
  assert.throws(() => histogram.record(-1), /finite and >= 0/);
  assert.throws(() => histogram.record(Number.NaN), /finite and >= 0/);
  assert.throws(() => histogram.percentile(101), /percentile/);
  assert.throws(() => histogram.mergeSerialized(new LogLinearHistogram(4).serialize()), /precision/);
  histogram.record(1e15);
  assert.equal(histogram.max, 0xffff_ffff);
  assert.equal(new LogLinearHistogram().percentile(50), 0);
});

test('a window between two serializations holds exactly the values recorded in between', () => {
  const histogram = new LogLinearHistogram(6);
  for (let v = 1; v <= 1000; v++) histogram.record(5000 + v);
  const earlier = histogram.serialize();
  for (let v = 1; v <= 99; v++) histogram.record(300 + v);
  const window = LogLinearHistogram.since(histogram.serialize(), earlier);
  assert.equal(window.count, 99);
  // Without the subtraction the median would be one of the thousand values above 5000.
  assert.ok(window.percentile(50) >= 350 && window.percentile(50) <= 350 * (1 + 1 / 64), `median ${window.percentile(50)}`);
  assert.ok(window.max >= 399 && window.max <= 399 * (1 + 1 / 64), `max ${window.max}`);
  assert.ok(window.min <= 301 && window.min >= 301 / (1 + 1 / 64), `min ${window.min}`);
  assert.equal(window.mean, (301 + 399) / 2);
});

test('an empty window is empty, and a window against a later histogram is refused', () => {
  const histogram = new LogLinearHistogram(6);
  histogram.record(700);
  const once = histogram.serialize();
  assert.equal(LogLinearHistogram.since(once, once).count, 0);
  assert.equal(LogLinearHistogram.since(once, once).percentile(50), 0);
  histogram.record(800);
  assert.throws(() => LogLinearHistogram.since(once, histogram.serialize()), /lacks/);
  assert.throws(() => LogLinearHistogram.since(once, new LogLinearHistogram(7).serialize()), /precision/);
});
