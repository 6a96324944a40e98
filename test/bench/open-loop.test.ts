// The open loop measures from the scheduled time: when the server stalls one request, every
// request scheduled behind it carries the stall in its latency (no coordinated omission),
// while a closed loop against the same server sees a single slow sample. The open loop also says
// how late it sent what it scheduled: those behind the stall waited for the only connection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultBenchOptions, type BenchOptions } from '../../src/bench/bench-options.js';
import { LogLinearHistogram } from '../../src/util/log-linear-histogram.js';
import { formatTable } from '../../src/bench/report-table.js';
import { runBench } from '../../src/bench/run-bench.js';
import { startStallingServer } from './stalling-server.js';

const STALL_MS = 600;
const STALL_AT_REQUEST = 10;

function optionsFor(endpoint: string, model: 'open' | 'closed'): BenchOptions {
  const options = defaultBenchOptions([{ kind: 'endpoints', label: 'stalling', endpoints: [endpoint] }]);
  options.load = { ...options.load, model, clients: 1, workers: 1, ratePerSec: model === 'open' ? 100 : 0 };
  options.durationMs = 1_200;
  options.warmupMs = 0;
  options.intervalMs = 100;
  return options;
}

test('open loop: operations scheduled during a stall carry it in their latency', async () => {
  const server = await startStallingServer(STALL_AT_REQUEST, STALL_MS);
  try {
    const result = await runBench(optionsFor(server.endpoint, 'open'));
    const total = result.targets[0].total;
    const histogram = LogLinearHistogram.fromSerialized(total.histogram);
    // 100/s for 1.2 s; one request held 600 ms on the only connection delays the ~60 due behind it.
    assert.ok(total.operations >= 110 && total.operations <= 121, `expected about 120 operations, got ${total.operations}`);
    assert.equal(total.errorsTotal, 0);
    assert.ok(total.latency.maxMs >= STALL_MS - 20, `max ${total.latency.maxMs} ms should include the ${STALL_MS} ms stall`);
    const delayedShare = 1 - cumulativeAt(histogram, 150_000);
    assert.ok(delayedShare >= 0.25, `${(delayedShare * 100).toFixed(0)}% of operations waited over 150 ms; about 37% were scheduled behind the stall`);
    assert.ok(total.latency.p90Ms >= 300, `p90 ${total.latency.p90Ms} ms should show the queue behind the stall`);
    // Those due during the stall left only when the connection was free again: late by up to the stall.
    const lateness = total.generator.sendLateness;
    assert.ok(lateness !== null, 'an open loop reports its send lateness');
    assert.equal(lateness.count, total.operations);
    assert.ok(lateness.maxMs >= STALL_MS - 50, `the latest send, ${lateness.maxMs} ms after its time, should have waited out the stall`);
    // About half were due before the stall or after the queue behind it drained: those left on
    // time. (Not the median: that sits on the border between the two halves, and on a loaded
    // machine a slower drain alone moves it.)
    const onTimeShare = cumulativeAt(LogLinearHistogram.fromSerialized(total.generator.sendLatenessHistogram), 50_000);
    assert.ok(onTimeShare >= 0.25, `only ${(onTimeShare * 100).toFixed(0)}% of operations left within 50 ms of their time`);
    assert.ok(lateness.p90Ms >= 150, `p90 send lateness ${lateness.p90Ms} ms should show the operations queued behind the stall`);
    assert.match(formatTable(result), /generator send lateness p99 \(ms\)\s+\d/);
  } finally {
    await server.close();
  }
});

test('closed loop against the same stall records it once', async () => {
  const server = await startStallingServer(STALL_AT_REQUEST, STALL_MS);
  try {
    const result = await runBench(optionsFor(server.endpoint, 'closed'));
    const total = result.targets[0].total;
    assert.ok(total.latency.maxMs >= STALL_MS - 20, `max ${total.latency.maxMs} ms should be the stall`);
    assert.ok(total.latency.p90Ms < 100, `p90 ${total.latency.p90Ms} ms: only one sample waited`);
    // A closed loop has no schedule, so no lateness to report.
    assert.equal(total.generator.sendLateness, null);
    assert.doesNotMatch(formatTable(result), /send lateness/);
  } finally {
    await server.close();
  }
});

function cumulativeAt(histogram: LogLinearHistogram, valueUs: number): number {
  let fraction = 0;
  for (const point of histogram.cumulative()) if (point.valueUs <= valueUs) fraction = point.fraction;
  return fraction;
}
