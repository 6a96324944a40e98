// The expiry heap keeps its order through random pushes, updates and removals (seeded, so
// any failure replays), and orders equal times by path.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TtlHeap, type TtlEntry } from '../../src/store/ttl-heap.js';
import { Prng } from '../../src/util/prng.js';

function entry(path: string, expireTimeMs: number): TtlEntry {
  return { path, expireTimeMs, heapIndex: -1 };
}

test('pops in (time, path) order after random pushes, updates and removals', () => {
  const prng = new Prng(20240101);
  const heap = new TtlHeap<TtlEntry>();
  const live = new Set<TtlEntry>();
  for (let i = 0; i < 2000; i++) {
    const roll = prng.nextUint32() % 4;
    const existing = [...live][prng.nextUint32() % Math.max(1, live.size)];
    if (roll === 0 && existing !== undefined) {
      heap.remove(existing);
      live.delete(existing);
    } else if (roll === 1 && existing !== undefined) {
      heap.remove(existing);
      existing.expireTimeMs = prng.nextUint32() % 50;
      heap.push(existing);
    } else {
      const added = entry(`/k${i}`, prng.nextUint32() % 50);
      heap.push(added);
      live.add(added);
    }
  }
  const expected = [...live].sort((a, b) => (a.expireTimeMs as number) - (b.expireTimeMs as number) || (a.path < b.path ? -1 : 1));
  const popped: TtlEntry[] = [];
  while (heap.size > 0) popped.push(heap.pop());
  assert.deepEqual(popped.map((e) => e.path), expected.map((e) => e.path));
  assert.ok(popped.every((e) => e.heapIndex === -1));
});

test('refuses double pushes and entries without an expiration; remove of an absent entry is a no-op', () => {
  const heap = new TtlHeap<TtlEntry>();
  const a = entry('/a', 5);
  heap.push(a);
  assert.throws(() => heap.push(a), /already queued/);
  assert.throws(() => heap.push({ path: '/p', expireTimeMs: null, heapIndex: -1 }), /no expiration/);
  heap.remove(entry('/b', 1));
  assert.equal(heap.top(), a);
  heap.update(a);
  assert.equal(heap.pop(), a);
  assert.throws(() => heap.pop(), /empty/);
});
