// The simulator's agenda: events pop by time, ties in push order, and it refuses to overflow
// or to take an event at a time that is not a number.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/util/prng.js';
import { EventQueue } from './event-queue.js';

test('events pop in time order, and events at the same time in the order they were pushed', () => {
  const queue = new EventQueue<string>(100);
  queue.push(30, 'c');
  queue.push(10, 'a1');
  queue.push(20, 'b');
  queue.push(10, 'a2');
  queue.push(10, 'a3');
  const popped: string[] = [];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) popped.push(next.event);
  assert.deepEqual(popped, ['a1', 'a2', 'a3', 'b', 'c']);
});

test('a large random agenda drains sorted by (time, push order)', () => {
  const prng = new Prng(7);
  const queue = new EventQueue<number>(10_000);
  const pushed: { timeMs: number; order: number }[] = [];
  for (let order = 0; order < 5000; order++) {
    const timeMs = prng.int(0, 200);
    pushed.push({ timeMs, order });
    queue.push(timeMs, order);
  }
  pushed.sort((a, b) => a.timeMs - b.timeMs || a.order - b.order);
  const drained: number[] = [];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) drained.push(next.event);
  assert.deepEqual(drained, pushed.map((p) => p.order));
});

test('peekTimeMs shows the earliest time without removing it', () => {
  const queue = new EventQueue<string>(10);
  assert.equal(queue.peekTimeMs(), undefined);
  queue.push(5, 'x');
  queue.push(2, 'y');
  assert.equal(queue.peekTimeMs(), 2);
  assert.equal(queue.size, 2);
});

test('the agenda refuses to grow beyond its limit and rejects non-finite times', () => {
  const queue = new EventQueue<number>(2);
  queue.push(1, 1);
  queue.push(2, 2);
  assert.throws(() => queue.push(3, 3), /full/);
  assert.throws(() => new EventQueue<number>(5).push(Number.NaN, 0), /finite/);
});
