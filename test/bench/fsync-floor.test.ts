// The disk probe behind the commit floor: back to back, or resting before every sync as long as
// it is told, and the rests it can keep.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probedRestMs, probeFsyncMs } from '../../src/bench/fsync-floor.js';

test('a rested probe rests before each of its syncs and leaves no file behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'raftyard-fsync-probe-'));
  try {
    const backToBackMs = await probeFsyncMs(dir, 0);
    assert.ok(backToBackMs > 0 && backToBackMs < 1_000, `back to back ${backToBackMs} ms`);
    // 100 ms of rest: 20 samples in the two-second budget, so at least 2 s go by.
    const startedMs = performance.now();
    const restedMs = await probeFsyncMs(dir, 100);
    const tookMs = performance.now() - startedMs;
    assert.ok(restedMs > 0 && restedMs < 1_000, `rested ${restedMs} ms`);
    assert.ok(tookMs >= 20 * 99, `a probe of 20 rests of 100 ms took ${tookMs.toFixed(0)} ms`);
    assert.deepEqual(readdirSync(dir), []);
    await assert.rejects(probeFsyncMs(dir, -1), /fsync rest must be in/);
    await assert.rejects(probeFsyncMs(dir, Number.NaN), /fsync rest must be in/);
    await assert.rejects(probeFsyncMs(dir, 0.5), /fsync rest must be in/, 'a rest probedRestMs would not keep');
    await assert.rejects(probeFsyncMs(dir, 301), /fsync rest must be in/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a wanted rest becomes one a probe keeps: none under a millisecond, at most 300 ms', () => {
  assert.equal(probedRestMs(0), 0);
  assert.equal(probedRestMs(0.99), 0);
  assert.equal(probedRestMs(1), 1);
  assert.equal(probedRestMs(40.5), 40.5);
  assert.equal(probedRestMs(60_000), 300);
  assert.throws(() => probedRestMs(-1), /disk rest must be >= 0/);
  assert.throws(() => probedRestMs(Number.NaN), /disk rest must be >= 0/);
});
