// The delivery-time heap (also the simulator's agenda): items leave earliest first, equal times
// in push order, also when pushes and pops interleave; removing an item from anywhere keeps that
// order for the rest; the head and the time after it are known without a pop; a full queue
// refuses a push, and a time that is not finite is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryQueue } from '../../src/transport/delivery-queue.js';
import { Prng } from '../../src/util/prng.js';

function drain<T>(queue: DeliveryQueue<T>): T[] {
  const items: T[] = [];
  while (queue.size > 0) items.push(queue.pop());
  return items;
}

test('items leave earliest first, equal times in the order they were pushed', () => {
  const queue = new DeliveryQueue<string>(10);
  queue.push(30, 'late');
  queue.push(10, 'a');
  queue.push(20, 'middle');
  queue.push(10, 'b');
  queue.push(10, 'c');
  assert.equal(queue.headAtMs, 10);
  assert.equal(queue.size, 5, 'looking at the head removes nothing');
  assert.deepStrictEqual(drain(queue), ['a', 'b', 'c', 'middle', 'late']);
  assert.equal(queue.headAtMs, Infinity);
  assert.equal(queue.head, undefined);
  assert.equal(queue.secondAtMs, Infinity);
  assert.throws(() => queue.pop(), /empty/);
});

test('a removed item never leaves and the others keep their order', () => {
  const prng = new Prng(7);
  for (let round = 0; round < 50; round++) {
    const queue = new DeliveryQueue<{ atMs: number; order: number }>(64);
    const pushed = Array.from({ length: 40 }, (_, order) => ({ atMs: prng.int(0, 9), order }));
    for (const item of pushed) queue.push(item.atMs, item);
    const removed = new Set(pushed.filter(() => prng.int(0, 2) === 0));
    for (const item of removed) assert.equal(queue.remove(item), true);
    assert.equal(queue.remove(pushed.find((item) => removed.has(item)) ?? { atMs: 0, order: -1 }), false);
    assert.equal(queue.size, pushed.length - removed.size);
    const expected = pushed.filter((item) => !removed.has(item)).sort((a, b) => a.atMs - b.atMs || a.order - b.order);
    assert.deepStrictEqual(drain(queue), expected, `round ${round}`);
  }
});

test('a full queue refuses a push until an item is removed', () => {
  const queue = new DeliveryQueue<string>(2);
  queue.push(1, 'a');
  queue.push(2, 'b');
  assert.equal(queue.isFull, true);
  assert.throws(() => queue.push(3, 'c'), /full/);
  queue.remove('a');
  queue.push(3, 'c');
  assert.deepStrictEqual(drain(queue), ['b', 'c']);
});

test('with pushes and pops interleaved, items leave by (time, push order), each at its own time', () => {
  const prng = new Prng(7);
  const queue = new DeliveryQueue<number>(10_000);
  const pushedAtMs: number[] = [];
  const popped: number[] = [];
  const popHead = (): number => {
    const headAtMs = queue.headAtMs;
    const [head, secondAtMs] = [queue.head, queue.secondAtMs];
    const order = queue.pop();
    assert.equal(headAtMs, pushedAtMs[order], `item ${order} left at another time than its own`);
    assert.equal(head, order, 'the head is the item that leaves next');
    assert.equal(queue.headAtMs, secondAtMs, 'the second time is the head time once the head has left');
    popped.push(order);
    return headAtMs;
  };
  let nowMs = 0;
  for (let order = 0; order < 5000; order++) {
    // Like the simulator: what is pushed is never due before the time of the last pop.
    pushedAtMs.push(nowMs + prng.int(0, 200));
    queue.push(pushedAtMs[order]!, order);
    if (prng.int(0, 2) === 0) nowMs = popHead();
  }
  while (queue.size > 0) popHead();
  assert.equal(popped.length, 5000);
  for (let at = 1; at < popped.length; at++) {
    const [before, after] = [popped[at - 1]!, popped[at]!];
    const inOrder = pushedAtMs[before]! < pushedAtMs[after]! || (pushedAtMs[before] === pushedAtMs[after] && before < after);
    assert.ok(inOrder, `pop ${at} out of order: ${before} before ${after}`);
  }
});

test('a time that is not finite and a capacity that is not a positive integer are refused', () => {
  const queue = new DeliveryQueue<string>(4);
  assert.throws(() => queue.push(Number.NaN, 'nan'), /finite/);
  assert.throws(() => queue.push(Infinity, 'never'), /finite/);
  assert.equal(queue.size, 0);
  assert.throws(() => new DeliveryQueue<string>(0), /capacity/);
  assert.throws(() => new DeliveryQueue<string>(1.5), /capacity/);
});
