// The disk probe behind the commit floor: back to back, or resting before every sync as long as
// it is told, and the rests it can keep.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probedRestMs, probeFsyncSamples } from '../../src/bench/fsync-floor.js';

test('a rested probe rests before each of its syncs, takes about its budget, and leaves no file behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'raftyard-fsync-probe-'));
  const plausible = (syncsMs: number[]): boolean => syncsMs.every((ms) => ms > 0 && ms < 1_000);
  try {
    const backToBack = await probeFsyncSamples(dir, 0);
    assert.equal(backToBack.length, 200);
    assert.ok(plausible(backToBack), `back to back ${backToBack.join(', ')} ms`);
    // 100 ms of rest: 20 samples in the default two-second budget, so at least 2 s go by.
    let startedMs = performance.now();
    const rested = await probeFsyncSamples(dir, 100);
    let tookMs = performance.now() - startedMs;
    assert.equal(rested.length, 20);
    assert.ok(plausible(rested), `rested ${rested.join(', ')} ms`);
    assert.ok(tookMs >= 20 * 99, `a probe of 20 rests of 100 ms took ${tookMs.toFixed(0)} ms`);
    // A 600 ms budget at 20 ms rests: 30 samples.
    startedMs = performance.now();
    const shorter = await probeFsyncSamples(dir, 20, 600);
    tookMs = performance.now() - startedMs;
    assert.equal(shorter.length, 30);
    assert.ok(tookMs >= 30 * 19, `a probe of 30 rests of 20 ms took ${tookMs.toFixed(0)} ms`);
    assert.equal((await probeFsyncSamples(dir, 100, 100)).length, 15, 'never fewer than 15 rests');
    assert.deepEqual(readdirSync(dir), []);
    await assert.rejects(probeFsyncSamples(dir, -1), /fsync rest must be in/);
    await assert.rejects(probeFsyncSamples(dir, Number.NaN), /fsync rest must be in/);
    await assert.rejects(probeFsyncSamples(dir, 0.5), /fsync rest must be in/, 'a rest probedRestMs would not keep');
    await assert.rejects(probeFsyncSamples(dir, 301), /fsync rest must be in/);
    await assert.rejects(probeFsyncSamples(dir, 10, 0), /budget must be > 0/);
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
