// The pure link scheduler: replay from a seed, FIFO order under jitter, loss, bursts,
// duplication, reordering, jitter distributions, bandwidth queueing, cuts and validation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkScheduler } from '../../src/transport/link-scheduler.js';
import type { LinkConfig } from '../../src/transport/link-config.js';

/** Sends `count` messages of `sizeBytes`, one every `gapMs`, and returns their arrival lists. */
function sendMany(scheduler: LinkScheduler, count: number, gapMs = 1, sizeBytes = 100): number[][] {
  return Array.from({ length: count }, (_, i) => scheduler.schedule(i * gapMs, sizeBytes));
}

const noisy: Partial<LinkConfig> = { delayMs: 20, jitterMs: 8, distribution: 'normal', loss: 0.1, duplicate: 0.05, reorder: 0.1, bandwidthBps: 1e6 };

test('the same seed replays the same decisions; another seed does not', () => {
  const first = sendMany(new LinkScheduler(noisy, 5), 2000);
  assert.deepStrictEqual(sendMany(new LinkScheduler(noisy, 5), 2000), first);
  assert.notDeepStrictEqual(sendMany(new LinkScheduler(noisy, 6), 2000), first);
});

test('without reorder, arrivals keep send order even with heavy jitter', () => {
  for (const distribution of ['uniform', 'normal', 'pareto'] as const) {
    const arrivals = sendMany(new LinkScheduler({ delayMs: 10, jitterMs: 30, distribution, duplicate: 0.2 }, 1), 3000, 0.5).flat();
    for (let i = 1; i < arrivals.length; i++) assert.ok(arrivals[i] >= arrivals[i - 1], `${distribution}: message ${i} overtook`);
  }
});

test('with reorder and jitter, some messages overtake earlier ones', () => {
  const arrivals = sendMany(new LinkScheduler({ delayMs: 10, jitterMs: 5, reorder: 0.2 }, 2), 2000).map((times) => times[0]);
  let overtakes = 0;
  for (let i = 1; i < arrivals.length; i++) if (arrivals[i] < arrivals[i - 1]) overtakes++;
  assert.ok(overtakes > 50 && overtakes < 1000, `${overtakes} overtakes`);
});

test('independent loss stays within tolerance of the configured rate', () => {
  const count = 20_000;
  const lost = sendMany(new LinkScheduler({ delayMs: 1, loss: 0.2 }, 3), count).filter((t) => t.length === 0).length;
  // Three standard deviations of a binomial(20000, 0.2) are about 170 messages.
  assert.ok(Math.abs(lost - 0.2 * count) < 300, `lost ${lost} of ${count}`);
});

test('bursty loss keeps the long-run rate and produces bursts of the configured mean length', () => {
  const count = 50_000;
  const lostFlags = sendMany(new LinkScheduler({ delayMs: 1, loss: 0.1, lossBurstLengthMean: 5 }, 4), count).map((t) => t.length === 0);
  const lost = lostFlags.filter(Boolean).length;
  let bursts = 0;
  for (let i = 0; i < count; i++) if (lostFlags[i] && !lostFlags[i - 1]) bursts++;
  assert.ok(Math.abs(lost / count - 0.1) < 0.02, `loss rate ${lost / count}`);
  assert.ok(Math.abs(lost / bursts - 5) < 0.75, `mean burst ${lost / bursts}`);
});

test('duplicates arrive at the configured rate, each with its own time', () => {
  const count = 20_000;
  const arrivals = sendMany(new LinkScheduler({ delayMs: 5, jitterMs: 2, duplicate: 0.1 }, 5), count);
  const duplicated = arrivals.filter((t) => t.length === 2).length;
  assert.ok(Math.abs(duplicated - 0.1 * count) < 250, `duplicated ${duplicated}`);
});

test('jitter distributions have the documented centre and never go negative', () => {
  const stats = (distribution: LinkConfig['distribution']): { mean: number; min: number; max: number; sd: number } => {
    const delays = sendMany(new LinkScheduler({ delayMs: 10, jitterMs: 4, distribution, reorder: 1 }, 6), 20_000, 0).map((t) => t[0]);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    const sd = Math.sqrt(delays.reduce((a, b) => a + (b - mean) ** 2, 0) / delays.length);
    return { mean, min: Math.min(...delays), max: Math.max(...delays), sd };
  };
  const uniform = stats('uniform');
  assert.ok(uniform.min >= 6 && uniform.max <= 14 && Math.abs(uniform.mean - 10) < 0.1, JSON.stringify(uniform));
  const normal = stats('normal');
  assert.ok(normal.min >= 0 && Math.abs(normal.mean - 10) < 0.1 && Math.abs(normal.sd - 4) < 0.2, JSON.stringify(normal));
  const pareto = stats('pareto');
  assert.ok(pareto.min >= 10 && Math.abs(pareto.mean - 14) < 0.3 && pareto.max > 30, JSON.stringify(pareto));
  const wide = sendMany(new LinkScheduler({ delayMs: 1, jitterMs: 10, distribution: 'normal', reorder: 1 }, 7), 1000, 0);
  assert.ok(wide.every((t) => t[0] >= 0));
});

test('bandwidth makes messages queue behind each other by size', () => {
  // 1000 bytes/s: a 100-byte message takes 100 ms on the wire, then 10 ms of delay.
  const scheduler = new LinkScheduler({ delayMs: 10, bandwidthBps: 1000 }, 8);
  assert.deepStrictEqual(scheduler.schedule(0, 100), [110]);
  assert.deepStrictEqual(scheduler.schedule(0, 300), [410]);
  assert.deepStrictEqual(scheduler.schedule(50, 50), [460]);
  // Once the wire is idle, a message starts when it is sent.
  assert.deepStrictEqual(scheduler.schedule(1000, 100), [1110]);
});

test('a cut link loses everything and a healed one delivers again', () => {
  const scheduler = new LinkScheduler({ delayMs: 3, cut: true }, 9);
  assert.deepStrictEqual(scheduler.schedule(0, 10), []);
  scheduler.configure({ cut: false });
  assert.deepStrictEqual(scheduler.schedule(1, 10), [4]);
});

test('settings change at run time and bad settings are refused', () => {
  const scheduler = new LinkScheduler({ delayMs: 3 }, 10);
  scheduler.configure({ delayMs: 7 });
  assert.deepStrictEqual(scheduler.schedule(0, 1), [7]);
  for (const bad of [{ delayMs: -1 }, { loss: 1.5 }, { jitterMs: Number.NaN }, { loss: 0.9, lossBurstLengthMean: 2 }, { lossBurstLengthMean: 0.5 }]) {
    assert.throws(() => scheduler.configure(bad), RangeError, JSON.stringify(bad));
  }
  assert.equal(scheduler.config.delayMs, 7, 'a refused change leaves the settings as they were');
  assert.throws(() => scheduler.schedule(-1, 1), /precedes/);
});
