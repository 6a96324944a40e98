// The due-time queue under delay lines and arrival holds: items wait their own time in push
// order, the queue is bounded, and a cleared queue is empty, quiet and still usable.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DueQueue } from '../../src/transport/due-queue.js';

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
