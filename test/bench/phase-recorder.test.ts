// The phase recorder: what it measures (starts inside the window only), and the interval each
// operation is counted in, up to the window's last instant.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PhaseRecorder } from '../../src/bench/phase-recorder.js';

/** The largest double below `x`. */
function nextDown(x: number): number {
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0]! -= 1n;
  return new Float64Array(bits.buffer)[0]!;
}

test('only operations started inside the window are measured, each in the interval it started in', () => {
  const recorder = new PhaseRecorder(100, 1000, 250);
  recorder.start(0);
  recorder.recordLatency(99.9, 1, 100.9); // in the warm-up
  recorder.recordLatency(100, 2, 102);
  recorder.recordLatency(600, 3, 603);
  recorder.recordLatency(1100, 4, 1104); // after the window
  recorder.recordError(350, 'timeout');
  const slice = recorder.slice();
  assert.equal(slice.latency.count, 2);
  assert.equal(slice.completedInWindow, 2);
  assert.deepEqual(
    slice.intervals.map((i) => [i.index, i.latency.count, i.completed, i.errors]),
    [
      [0, 1, 1, 0],
      [1, 0, 0, 1],
      [2, 1, 1, 0],
    ],
  );
  assert.deepEqual(slice.errors, { timeout: 1 });
});

test("a start or completion one ulp before the window's end is counted in the last interval, not refused", () => {
  // 1000.0822 + 3000 ms of warm-up: the start just before the 12 s window ends is 12000 ms after
  // its beginning in floating point, which a 50 ms interval puts at index 240 of 240.
  const recorder = new PhaseRecorder(3000, 12_000, 50);
  recorder.start(1000.0822);
  const lastStart = nextDown(recorder.windowEndMs);
  assert.ok(recorder.measures(lastStart));
  assert.equal(Math.floor((lastStart - recorder.windowStartMs) / 50), 240, 'the case this test is about');
  recorder.recordLatency(lastStart, 0.5, lastStart + 0.5); // completed after the window
  // Started 1 ms before the window's end, answered one ulp before it: counted as completed.
  recorder.recordLatency(recorder.windowEndMs - 1, lastStart - (recorder.windowEndMs - 1), lastStart);
  recorder.recordError(lastStart, 'refused');
  const slice = recorder.slice();
  assert.equal(slice.latency.count, 2);
  assert.equal(slice.completedInWindow, 1);
  assert.deepEqual(
    slice.intervals.map((i) => [i.index, i.latency.count, i.completed, i.errors]),
    [[239, 2, 1, 1]],
  );
});
