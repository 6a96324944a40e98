// The due-time queue under delay lines and arrival holds: items wait their own time in push
// order (on real time and, item by item, on simulated time), the queue is bounded, a cleared
// queue is empty, quiet and still usable, and a queue closed while it hands on goes idle.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DueQueue } from '../../src/transport/due-queue.js';
import { Prng } from '../../src/util/prng.js';
import { ManualClock } from './manual-clock.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('items wait for their own due time and never overtake one pushed before them', async () => {
  const handed: Array<{ item: string; atMs: number }> = [];
  const queue = new DueQueue<string>((item) => handed.push({ item, atMs: performance.now() }), 10);
  const startMs = performance.now();
  queue.pushAt(startMs + 3, 'a');
  queue.pushAt(startMs + 1, 'b'); // due earlier, but pushed later: waits for 'a'
  queue.pushAt(startMs + 5, 'c');
  await sleep(30);
  assert.deepEqual(handed.map((h) => h.item), ['a', 'b', 'c']);
  assert.ok(handed[0]!.atMs >= startMs + 3 && handed[2]!.atMs >= startMs + 5, 'an item was handed on early');
  assert.throws(() => queue.pushAt(Number.NaN, 'd'), /finite/);
});

test('clear() forgets what waits and the queue goes on; a closed queue refuses pushes', async () => {
  const handed: string[] = [];
  const queue = new DueQueue<string>((item) => handed.push(item), 2);
  queue.pushAt(performance.now() + 1, 'forgotten');
  queue.pushAt(performance.now() + 1, 'forgotten too');
  assert.ok(queue.isFull);
  assert.throws(() => queue.pushAt(performance.now(), 'one too many'), /full/);
  assert.equal(queue.clear(), 2);
  queue.pushAt(performance.now() + 1, 'later');
  await sleep(20);
  assert.deepEqual(handed, ['later']);
  assert.equal(queue.size, 0);
  queue.close();
  assert.throws(() => queue.pushAt(performance.now(), 'x'), /closed/);
});

test('on simulated time every item leaves at its own due time or its predecessor\'s, whichever is later, on one timer', () => {
  const clock = new ManualClock();
  const handed: Array<{ item: number; atMs: number }> = [];
  const queue = new DueQueue<number>((item) => handed.push({ item, atMs: clock.nowMs() }), 5000, clock);
  const prng = new Prng(3);
  const dueMs: number[] = [];
  // More than the compaction threshold, so the consumed prefix is dropped in bulk on the way.
  for (let item = 0; item < 3000; item++) {
    if (item % 10 === 0) clock.advanceTo(clock.nowMs() + prng.int(0, 3));
    dueMs.push(clock.nowMs() + prng.int(0, 20));
    queue.pushAt(dueMs[item]!, item);
  }
  clock.advanceTo(clock.nowMs() + 100);
  assert.deepEqual(handed.map((h) => h.item), dueMs.map((_, item) => item));
  let releasedAtMs = 0;
  for (const { item, atMs } of handed) {
    releasedAtMs = Math.max(releasedAtMs, dueMs[item]!);
    assert.ok(atMs >= releasedAtMs, `item ${item} left at ${atMs}, before ${releasedAtMs}`);
  }
  assert.equal(clock.pendingMax, 1);
  assert.equal(clock.pendingCount, 0);
  assert.equal(queue.size, 0);
});

test('a hand-on that throws leaves the rest armed; one that closes the queue leaves it idle', () => {
  const clock = new ManualClock();
  const handed: string[] = [];
  const queue = new DueQueue<string>((item) => {
    handed.push(item);
    if (item === 'throws') throw new Error('hand-on failed');
    if (item === 'closes') queue.close();
  }, 10, clock);
  queue.pushAt(1, 'throws');
  queue.pushAt(2, 'next');
  assert.throws(() => clock.advanceTo(1), /hand-on failed/);
  assert.equal(queue.size, 1);
  assert.equal(clock.pendingCount, 1);
  clock.advanceTo(2);
  queue.pushAt(3, 'closes');
  queue.pushAt(3, 'forgotten');
  clock.advanceTo(10);
  assert.deepEqual(handed, ['throws', 'next', 'closes']);
  assert.equal(clock.pendingCount, 0);
  assert.throws(() => queue.pushAt(11, 'refused'), /closed/);
});
