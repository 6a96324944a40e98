// The one timer behind a queue with due times, on simulated time: armed for the head, moved
// earlier for a sooner head, re-armed for what is left after a drain (even a throwing one), never
// doubled by a push during a drain, and idle once the queue is empty or disarmed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryQueue } from '../../src/transport/delivery-queue.js';
import { HeadTimer } from '../../src/transport/head-timer.js';
import { ManualClock } from './manual-clock.js';

function timedQueue(onItem: (item: string, nowMs: number) => void = () => {}) {
  const clock = new ManualClock();
  const queue = new DeliveryQueue<string>(100);
  const handed: Array<{ item: string; atMs: number }> = [];
  const timer = new HeadTimer(
    {
      fireAtMs: () => queue.headAtMs,
      followingFireAtMs: () => queue.secondAtMs,
      drainDue: (nowMs) => {
        while (queue.headAtMs <= nowMs) {
          const item = queue.pop();
          handed.push({ item, atMs: nowMs });
          onItem(item, nowMs);
        }
      },
    },
    clock,
  );
  const push = (atMs: number, item: string): void => {
    queue.push(atMs, item);
    timer.update();
  };
  return { clock, queue, handed, timer, push };
}

test('one timer serves the queue: moved earlier for a sooner head, re-armed for the rest, idle when empty', () => {
  const { clock, handed, push } = timedQueue();
  push(10, 'b');
  push(20, 'c');
  assert.equal(clock.timersSet, 1, 'a later item needs no timer of its own');
  push(5, 'a');
  assert.equal(clock.timersSet, 2, 'a sooner head moves the timer');
  assert.equal(clock.pendingCount, 1, 'the later timer is cleared');
  clock.advanceTo(12);
  assert.deepStrictEqual(handed, [
    { item: 'a', atMs: 5 },
    { item: 'b', atMs: 10 },
  ]);
  assert.equal(clock.pendingCount, 1, 're-armed for what is left');
  clock.advanceTo(100);
  assert.deepStrictEqual(handed.at(-1), { item: 'c', atMs: 20 });
  assert.equal(clock.pendingCount, 0);
  assert.equal(clock.pendingMax, 1);
});

test('each timer carries the hint of when the next one will be due: the item behind the head, read when asked', () => {
  const { clock, push } = timedQueue();
  push(10, 'a');
  const following = clock.lastFollowing!;
  assert.equal(following(), Infinity, 'nothing behind the head yet');
  push(30, 'c');
  push(20, 'b');
  assert.equal(following(), 20, 'read when asked, not when the timer was set');
  clock.advanceTo(10);
  assert.equal(clock.lastFollowing!(), 30, 're-armed for b, with c behind it');
});

test('items due at the same time leave in one drain, on one timer', () => {
  const { clock, handed, push } = timedQueue();
  for (const item of ['x', 'y', 'z']) push(7, item);
  clock.advanceTo(7);
  assert.deepStrictEqual(handed.map((h) => h.item), ['x', 'y', 'z']);
  assert.equal(clock.timersSet, 1);
});

test('a push during a drain arms no timer of its own; the drain takes what is due and re-arms for the rest', () => {
  const { clock, handed, push } = timedQueue((item, nowMs) => {
    if (item !== 'first') return;
    push(nowMs, 'due at once');
    push(nowMs + 3, 'due later');
  });
  push(1, 'first');
  push(1, 'second');
  clock.advanceTo(2);
  assert.deepStrictEqual(handed.map((h) => h.item), ['first', 'second', 'due at once']);
  assert.equal(clock.timersSet, 2, 'one timer for the drain, one re-armed after it');
  assert.equal(clock.pendingCount, 1);
  clock.advanceTo(10);
  assert.deepStrictEqual(handed.at(-1), { item: 'due later', atMs: 4 });
});

test('after a throwing drain the items behind stay armed', () => {
  const { clock, handed, push } = timedQueue((item) => {
    if (item === 'bad') throw new Error('hand-on failed');
  });
  push(1, 'bad');
  push(2, 'good');
  assert.throws(() => clock.advanceTo(1), /hand-on failed/);
  assert.equal(clock.pendingCount, 1);
  clock.advanceTo(5);
  assert.deepStrictEqual(handed.map((h) => h.item), ['bad', 'good']);
});

test('disarm clears the timer; a NaN due time is refused', () => {
  const { clock, queue, timer, push } = timedQueue();
  push(3, 'dropped');
  queue.clear();
  timer.disarm();
  assert.equal(clock.pendingCount, 0);
  const broken = new HeadTimer({ fireAtMs: () => Number.NaN, followingFireAtMs: () => Infinity, drainDue: () => {} }, clock);
  assert.throws(() => broken.update(), /NaN/);
});
