// Host steal: the machine-wide "cpu" line of /proc/stat is read into total and stolen ticks, two
// readings give a window's steal, windows combine by their ticks, and anything unreadable is
// unknown (null), never a made-up 0. The live file reads, and a steal share is a share.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combineSteal, parseCpuTicks, readCpuTicks, stealBetween } from '../../src/bench/host-steal.js';
import { formatFigure } from '../../src/bench/figure-format.js';

/** A /proc/stat as Linux 6.x writes it: user nice system idle iowait irq softirq steal guest guest_nice. */
const PROC_STAT = [
  'cpu  4705 356 584 3699176 23060 0 277 1830 0 0',
  'cpu0 1393 280 384 1848480 11521 0 96 915 0 0',
  'cpu1 3312 76 200 1850696 11539 0 181 915 0 0',
  'intr 114930548 113199788 3 0 5 263 0 0 0 0',
  'ctxt 1990473',
].join('\n');

test('the machine-wide cpu line gives total ticks (its first eight fields) and the steal field', () => {
  assert.deepEqual(parseCpuTicks(PROC_STAT), { total: 4705 + 356 + 584 + 3699176 + 23060 + 0 + 277 + 1830, steal: 1830 });
});

test('a text without the machine-wide line, or with too few or bad fields, is unknown', () => {
  assert.equal(parseCpuTicks(''), null);
  assert.equal(parseCpuTicks('cpu0 1 2 3 4 5 6 7 8 0 0'), null, 'a per-CPU line is not the machine-wide one');
  assert.equal(parseCpuTicks('cpu  1 2 3 4 5 6 7'), null, 'a kernel without a steal field');
  assert.equal(parseCpuTicks('cpu  1 2 3 x 5 6 7 8'), null);
  assert.equal(readCpuTicks('/nonexistent/proc/stat'), null);
});

test('two readings give the stolen share of the CPU time between them', () => {
  const before = { total: 10_000, steal: 100 };
  assert.deepEqual(stealBetween(before, { total: 11_800, steal: 460 }), { share: 0.2, stealTicks: 360, cpuTicks: 1800 });
  assert.deepEqual(stealBetween(before, { total: 11_800, steal: 100 }), { share: 0, stealTicks: 0, cpuTicks: 1800 });
  assert.equal(stealBetween(before, before), null, 'no tick passed: nothing was measured');
  assert.equal(stealBetween(null, before), null);
  assert.equal(stealBetween(before, null), null);
});

test('windows combine by their ticks, not by averaging shares; one unknown window makes the whole unknown', () => {
  const quiet = { share: 0.01, stealTicks: 18, cpuTicks: 1800 };
  const busy = { share: 0.5, stealTicks: 100, cpuTicks: 200 };
  assert.deepEqual(combineSteal([quiet, busy]), { share: 118 / 2000, stealTicks: 118, cpuTicks: 2000 });
  assert.equal(combineSteal([quiet, null]), null);
  assert.equal(combineSteal([]), null);
});

test('the reports show a small share to a tenth of a percent, and an unknown one as n/a', () => {
  assert.equal(formatFigure(0.012, 'share'), '1.2%');
  assert.equal(formatFigure(0.218, 'share'), '22%');
  assert.equal(formatFigure(0, 'share'), '0%');
  assert.equal(formatFigure(null, 'share'), 'n/a');
});

test('the live /proc/stat reads (the tests run on Linux, as CI does), and the machine moves on between two readings', async () => {
  const before = readCpuTicks();
  assert.ok(before !== null && before.total > 0 && before.steal >= 0 && before.steal <= before.total, JSON.stringify(before));
  await new Promise((resolve) => setTimeout(resolve, 120));
  const steal = stealBetween(before, readCpuTicks());
  assert.ok(steal !== null && steal.share >= 0 && steal.share <= 1 && steal.cpuTicks > 0, JSON.stringify(steal));
});
