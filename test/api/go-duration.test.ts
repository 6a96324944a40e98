// Go's time.Duration.String(), as etcd prints the leader uptime.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDurationOfMs, goDurationString } from '../../src/api/go-duration.js';

test('durations print as Go prints them', () => {
  const cases: [bigint, string][] = [
    [0n, '0s'],
    [850n, '850ns'],
    [1500n, '1.5µs'],
    [104_846_646n, '104.846646ms'],
    [1_000_000n, '1ms'],
    [2_500_000_000n, '2.5s'],
    [62_000_000_001n, '1m2.000000001s'],
    [3_600_000_000_000n, '1h0m0s'],
    [-1_500_000_000n, '-1.5s'],
    [90_061_000_000_000n, '25h1m1s'],
  ];
  for (const [nanos, text] of cases) assert.equal(goDurationString(nanos), text, `${nanos} ns`);
  assert.equal(goDurationOfMs(0.0015), '1.5µs');
  assert.throws(() => goDurationOfMs(Infinity), /finite/);
});
