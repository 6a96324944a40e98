// The thread profiler samples the calling thread's JavaScript between start() and stop(): a
// function that kept the thread busy shows in the profile, and misuse is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThreadCpuProfiler } from '../../src/util/cpu-profiler.js';

function spinForProfile(ms: number): number {
  let x = 0;
  const endMs = performance.now() + ms;
  while (performance.now() < endMs) x += Math.sqrt(x + 1);
  return x;
}

test('a busy function shows in the profile of the window', async () => {
  const profiler = new ThreadCpuProfiler();
  try {
    await assert.rejects(profiler.stop(), /not running/);
    await profiler.start(500);
    assert.equal(profiler.isRunning, true);
    await assert.rejects(profiler.start(), /already running/);
    spinForProfile(150);
    const profile = await profiler.stop();
    assert.equal(profiler.isRunning, false);
    assert.ok(profile.endTime - profile.startTime >= 150_000, `the profile spans ${profile.endTime - profile.startTime} µs`);
    assert.equal(profile.samples.length, profile.timeDeltas.length);
    // A node stands for a stack some sample found: the spin, or what it called (Math.sqrt, the clock).
    assert.ok(profile.nodes.some((n) => n.callFrame.functionName === 'spinForProfile'), 'spinForProfile was sampled');
    assert.ok(profile.samples.length >= 50, `${profile.samples.length} samples in 150 ms at 0.5 ms`);
    await assert.rejects(profiler.start(0), /positive integer/);
  } finally {
    await profiler.close();
  }
  await assert.rejects(profiler.start(), /was closed/, 'a start after close (a late timer) is refused');
});
