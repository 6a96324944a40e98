// TTLs: expiry only through deleteExpiredKeys with an explicit time (the SYNC), one expire
// event and one index per removed key in a total order, refreshes that keep the value, and
// the ways writes add, move or clear an expiration.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../src/store/v2-error.js';
import { NO_TTL, V2Store, type TtlOptions } from '../../src/store/v2-store.js';
import { expectError, expectEvent, T0_MS } from './store-helpers.js';

function expiresAt(timeMs: number): TtlOptions {
  return { expireTimeMs: timeMs, refresh: false };
}

function refreshTo(timeMs: number): TtlOptions {
  return { expireTimeMs: timeMs, refresh: true };
}

test('a key with a TTL stays until a sync at or after its expiration removes it', () => {
  const store = new V2Store();
  const set = expectEvent(store.set('/t', false, 'v', expiresAt(T0_MS + 5000)));
  assert.equal(set.node.expirationMs, T0_MS + 5000);
  assert.equal(store.hasTtlKeys(), true);
  assert.deepEqual(store.deleteExpiredKeys(T0_MS + 4999), []);
  assert.equal(store.index, 1, 'a sync with nothing to expire does not advance the index');
  const [expired, ...rest] = store.deleteExpiredKeys(T0_MS + 5000);
  assert.equal(rest.length, 0);
  assert.ok(expired);
  const { action, node, etcdIndex } = expired;
  assert.deepEqual([action, node.key, node.modifiedIndex, node.createdIndex, etcdIndex], ['expire', '/t', 2, 1, 2]);
  assert.deepEqual([expired.prevNode?.value, expired.prevNode?.expirationMs], ['v', T0_MS + 5000]);
  expectError(store.get('/t', false, false), ErrorCode.KeyNotFound);
  assert.equal(store.hasTtlKeys(), false);
  assert.equal(store.stats.get('expireCount'), 1);
});

test('keys expire earliest first, equal times by path, each at its own index', () => {
  const store = new V2Store();
  expectEvent(store.set('/c', false, '', expiresAt(T0_MS + 1000)));
  expectEvent(store.set('/b', false, '', expiresAt(T0_MS + 2000)));
  expectEvent(store.set('/a', false, '', expiresAt(T0_MS + 2000)));
  expectEvent(store.set('/late', false, '', expiresAt(T0_MS + 9000)));
  const events = store.deleteExpiredKeys(T0_MS + 2000);
  assert.deepEqual(events.map((e) => [e.node.key, e.node.modifiedIndex]), [['/c', 5], ['/a', 6], ['/b', 7]]);
  assert.equal(store.index, 7);
  assert.equal(expectEvent(store.get('/late', false, false)).node.value, '');
});

test('an expiring directory takes its children, even ones with their own TTL, in one event', () => {
  const store = new V2Store();
  expectEvent(store.set('/dir', true, '', expiresAt(T0_MS + 1000)));
  expectEvent(store.set('/dir/child', false, 'x', expiresAt(T0_MS + 1000)));
  expectEvent(store.set('/dir/other', false, 'y', expiresAt(T0_MS + 5000)));
  const events = store.deleteExpiredKeys(T0_MS + 10_000);
  assert.deepEqual(events.map((e) => [e.node.key, e.node.dir, e.prevNode?.dir]), [['/dir', true, true]]);
  assert.equal(store.hasTtlKeys(), false);
  assert.equal(store.index, 4);
});

test('an expiration before 2000 given at creation means none (as etcd)', () => {
  const store = new V2Store();
  const event = expectEvent(store.set('/old', false, 'v', expiresAt(Date.UTC(1999, 11, 31))));
  assert.equal(event.node.expirationMs, null);
  assert.equal(store.hasTtlKeys(), false);
});

test('a write without a TTL clears it; a write with one moves it', () => {
  const store = new V2Store();
  expectEvent(store.set('/k', false, 'v', expiresAt(T0_MS + 1000)));
  const moved = expectEvent(store.update('/k', 'w', expiresAt(T0_MS + 3000)));
  assert.equal(moved.node.expirationMs, T0_MS + 3000);
  assert.deepEqual(store.deleteExpiredKeys(T0_MS + 2000), []);
  expectEvent(store.compareAndSwap('/k', 'w', 0, 'z', NO_TTL));
  assert.deepEqual(store.deleteExpiredKeys(T0_MS + 60_000), []);
  assert.equal(expectEvent(store.get('/k', false, false)).node.expirationMs, null);
  expectEvent(store.set('/s', false, 'v', expiresAt(T0_MS + 1000)));
  expectEvent(store.set('/s', false, 'v2', NO_TTL));
  assert.equal(store.hasTtlKeys(), false, 'replacing a key drops the old TTL');
});

test('a set over a file rewrites it: the new TTL counts, not the old one, and earlier events keep what they showed', () => {
  const store = new V2Store();
  const first = expectEvent(store.set('/k', false, 'v', expiresAt(T0_MS + 1000)));
  const second = expectEvent(store.set('/k', false, 'w', expiresAt(T0_MS + 5000)));
  assert.deepEqual([first.node.value, first.node.expirationMs, first.node.createdIndex], ['v', T0_MS + 1000, 1]);
  assert.deepEqual([second.prevNode?.value, second.prevNode?.expirationMs, second.node.createdIndex], ['v', T0_MS + 1000, 2]);
  assert.deepEqual(store.deleteExpiredKeys(T0_MS + 2000), [], 'the old expiration no longer applies');
  const [expired, ...rest] = store.deleteExpiredKeys(T0_MS + 5000);
  assert.equal(rest.length, 0);
  assert.deepEqual([expired?.node.key, expired?.node.createdIndex, expired?.prevNode?.value], ['/k', 2, 'w']);
  // A directory set over a file with a TTL replaces it, and the file's TTL goes with it.
  expectEvent(store.set('/f', false, 'x', expiresAt(T0_MS + 1000)));
  const dir = expectEvent(store.set('/f', true, '', NO_TTL));
  assert.deepEqual([dir.node.dir, dir.prevNode?.value], [true, 'x']);
  assert.equal(store.hasTtlKeys(), false);
  expectEvent(store.set('/f/inner', false, 'y', NO_TTL));
});

test('a refresh keeps the value, moves the expiration and is marked as a refresh', () => {
  const store = new V2Store();
  expectEvent(store.set('/r', false, 'keep', expiresAt(T0_MS + 1000)));
  const bySet = expectEvent(store.set('/r', false, 'ignored', refreshTo(T0_MS + 5000)));
  assert.deepEqual([bySet.node.value, bySet.node.expirationMs, bySet.refresh, bySet.node.modifiedIndex], ['keep', T0_MS + 5000, true, 2]);
  const byUpdate = expectEvent(store.update('/r', 'ignored', refreshTo(T0_MS + 6000)));
  assert.deepEqual([byUpdate.node.value, byUpdate.refresh], ['keep', true]);
  const byCas = expectEvent(store.compareAndSwap('/r', 'keep', 0, 'ignored', refreshTo(T0_MS + 7000)));
  assert.deepEqual([byCas.node.value, byCas.refresh], ['keep', true]);
  assert.deepEqual(store.deleteExpiredKeys(T0_MS + 6999), []);
  assert.equal(store.deleteExpiredKeys(T0_MS + 7000).length, 1);
  expectError(store.set('/missing', false, '', refreshTo(T0_MS + 1000)), ErrorCode.KeyNotFound);
});

test('deleting a key with a TTL removes it from the expiry queue', () => {
  const store = new V2Store();
  expectEvent(store.set('/d/k', false, 'v', expiresAt(T0_MS + 1000)));
  expectEvent(store.delete('/d', true, true));
  assert.equal(store.hasTtlKeys(), false);
  assert.deepEqual(store.deleteExpiredKeys(T0_MS + 2000), []);
});
