// The bench's probe of the machine's thread wake-ups: a median round trip to a helper thread,
// which must be a real, positive time (a thread cannot answer in no time, nor should it take
// anything near a second on an idle machine), and a bad count is refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureThreadRoundTripUs } from '../../src/bench/wake-probe.js';

test('the thread round trip is a positive time of microseconds to milliseconds', async () => {
  const roundTripUs = await measureThreadRoundTripUs(200);
  assert.ok(Number.isFinite(roundTripUs) && roundTripUs > 1 && roundTripUs < 50_000, `round trip ${roundTripUs} µs`);
});

test('a count that is not a positive integer is refused', async () => {
  await assert.rejects(measureThreadRoundTripUs(0), RangeError);
  await assert.rejects(measureThreadRoundTripUs(2.5), RangeError);
});
