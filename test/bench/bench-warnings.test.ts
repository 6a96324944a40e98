// The bench's plain-language warnings: when a p99 rests on too few operations, the warning names
// which operation decides it and how long a run would measure enough; longer runs get no such warning.
// A host that took a noticeable share of the CPU time is named with it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BenchOptions } from '../../src/bench/bench-options.js';
import type { TargetResult } from '../../src/bench/bench-result.js';
import { benchWarnings } from '../../src/bench/bench-warnings.js';

/** A closed-loop run of 9 s with nothing wrong but its operation count. */
function quietRun(operations: number): { options: BenchOptions; targets: TargetResult[] } {
  const options = { durationMs: 9_000, load: { model: 'closed', clients: 1 }, workload: { name: 'put' } } as unknown as BenchOptions;
  const total = {
    operations,
    errorsTotal: 0,
    errors: {},
    stalls: { count: 0, longestMs: 0 },
    steal: null,
    generator: { workers: 1, eventLoopBusyMean: 0.1, eventLoopBusyMax: 0.1, processCpuPerWall: 0.2, startLagMsMax: 1 },
  };
  return { options, targets: [{ label: 'raftyard', total } as unknown as TargetResult] };
}

test('a p99 of 110 operations is called the second slowest, with a duration that would measure 1000', () => {
  const { options, targets } = quietRun(110);
  const warnings = benchWarnings(options, targets);
  assert.deepEqual(warnings, ['raftyard: p99 is the 2nd slowest of only 110 operations, so one hiccup moves it; --duration 82s or more measures 1000']);
});

test('the operation that decides the p99 follows the histogram ranking', () => {
  const expectations: [number, string][] = [
    [1, 'the slowest'],
    [50, 'the slowest'],
    [100, 'the 2nd slowest'],
    [201, 'the 3rd slowest'],
    [999, 'the 10th slowest'],
  ];
  for (const [operations, phrase] of expectations) {
    const { options, targets } = quietRun(operations);
    const [warning] = benchWarnings(options, targets);
    assert.ok(warning?.includes(`p99 is ${phrase} of only ${operations} operations`), `${operations}: ${warning}`);
  }
});

test('a run of 1000 operations or more, or of none, gets no thin-tail warning', () => {
  for (const operations of [1000, 250_000]) {
    const { options, targets } = quietRun(operations);
    assert.deepEqual(benchWarnings(options, targets), []);
  }
  const { options, targets } = quietRun(0);
  assert.deepEqual(benchWarnings(options, targets), ['raftyard: no operation succeeded in the measured window']);
});

test('a profiled run says it was slowed, and a profiled comparison that its targets do not compare fairly', () => {
  const { options, targets } = quietRun(5_000);
  assert.deepEqual(benchWarnings(options, targets), [], 'nothing to say about a quiet, unprofiled run');
  const profiled = { ...options, cpuProfileDir: '/tmp/profiles' };
  const [alone] = benchWarnings(profiled, targets);
  assert.match(alone, /^the threads were profiled \(--cpu-prof\): V8's sampler interrupts each one every 1000 µs, so these figures are slower than an unprofiled run's$/);
  const [compared] = benchWarnings(profiled, [...targets, { ...targets[0], label: 'etcd' }]);
  assert.match(compared, /slower than an unprofiled run's; and a started target, whose member threads are sampled too, .* do not compare fairly either$/);
});

test('a host that took 5% or more of the CPU time is named with its share; less, or unknown, is not', () => {
  const { options, targets } = quietRun(5_000);
  const withSteal = (share: number | null): TargetResult[] => [{ ...targets[0], total: { ...targets[0].total, steal: share === null ? null : { share, stealTicks: 1, cpuTicks: 1 } } }];
  assert.deepEqual(benchWarnings(options, withSteal(0.218)), [
    "raftyard: the host took 22% of this machine's CPU time in the measured windows (steal: virtual CPUs ready to run and not run), so every thread's wake-ups waited for the host too",
  ]);
  assert.equal(benchWarnings(options, withSteal(0.05)).length, 1);
  assert.deepEqual(benchWarnings(options, withSteal(0.049)), []);
  assert.deepEqual(benchWarnings(options, withSteal(null)), []);
});
