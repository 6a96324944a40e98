// Watch semantics of etcd's watcher hub: inclusive waitIndex answered from the history,
// error 401 once the history moved on, recursive watches, directory removal reaching the
// watchers of keys inside, the hidden-key rule, refreshes waking nobody, and stream watchers
// that are dropped once 100 events behind.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../src/store/v2-error.js';
import { NO_TTL, V2Store } from '../../src/store/v2-store.js';
import { WATCHER_QUEUE_MAX } from '../../src/store/watcher.js';
import { expectError, expectWatcher, T0_MS } from './store-helpers.js';

function keysOf(events: { node: { key: string } }[]): string[] {
  return events.map((e) => e.node.key);
}

test('a watch without an index waits for the next change of the key, then ends', () => {
  const store = new V2Store();
  store.set('/k', false, 'old', NO_TTL);
  const watcher = expectWatcher(store.watch('/k', false, false, 0));
  assert.deepEqual([watcher.sinceIndex, watcher.startIndex, watcher.isActive, store.watcherCount], [2, 1, true, 1]);
  store.set('/other', false, 'x', NO_TTL);
  assert.deepEqual(watcher.takeEvents(), []);
  store.set('/k', false, 'new', NO_TTL);
  const [event] = watcher.takeEvents();
  assert.deepEqual([event?.action, event?.node.value, event?.etcdIndex], ['set', 'new', 3]);
  assert.deepEqual([watcher.isActive, watcher.wasDropped, store.watcherCount], [false, false, 0]);
});

test('waitIndex is inclusive and answered at once from the history, reporting the current index', () => {
  const store = new V2Store();
  for (const value of ['1', '2', '3']) store.set('/k', false, value, NO_TTL);
  const watcher = expectWatcher(store.watch('/k', false, false, 2));
  const [event] = watcher.takeEvents();
  assert.deepEqual([event?.node.value, event?.node.modifiedIndex, event?.etcdIndex], ['2', 2, 3]);
  assert.equal(watcher.isActive, false);
  assert.equal(store.watcherCount, 0, 'a watch answered from the history is never registered');
  const future = expectWatcher(store.watch('/k', false, false, 10));
  store.set('/k', false, '4', NO_TTL);
  assert.deepEqual(future.takeEvents(), [], 'index 4 is before the waitIndex 10');
});

test('an index older than the history is error 401 with etcd\'s cause', () => {
  const store = new V2Store();
  for (let i = 0; i < 1005; i++) store.set('/k', false, String(i), NO_TTL);
  const cleared = expectError(store.watch('/k', false, false, 5), ErrorCode.EventIndexCleared);
  assert.deepEqual([cleared.message, cleared.cause, cleared.index], [
    'The event in requested index is outdated and cleared',
    'the requested history has been cleared [6/5]',
    1005,
  ]);
  assert.equal(expectWatcher(store.watch('/k', false, false, 6)).takeEvents()[0]?.node.modifiedIndex, 6);
  const small = new V2Store({ historyCapacity: 2 });
  for (let i = 0; i < 4; i++) small.set('/k', false, String(i), NO_TTL);
  assert.equal(expectError(small.watch('/k', false, false, 1), 401).cause, 'the requested history has been cleared [3/1]');
});

test('a recursive watch sees changes under the key; a plain one only the key itself', () => {
  const store = new V2Store();
  const recursive = expectWatcher(store.watch('/dir', true, true, 0));
  const plain = expectWatcher(store.watch('/dir', false, true, 0));
  store.set('/dir/a', false, '1', NO_TTL);
  store.set('/dirx', false, '1', NO_TTL);
  assert.deepEqual(keysOf(recursive.takeEvents()), ['/dir/a']);
  assert.deepEqual(plain.takeEvents(), []);
  store.set('/dir/b', false, '2', NO_TTL);
  assert.deepEqual(keysOf(expectWatcher(store.watch('/dir', true, false, 1)).takeEvents()), ['/dir/a']);
  assert.deepEqual(keysOf(expectWatcher(store.watch('/', true, false, 2)).takeEvents()), ['/dirx']);
});

test('deleting or expiring a directory wakes the watchers of keys inside it', () => {
  const store = new V2Store();
  store.set('/dir/sub/a', false, '1', NO_TTL);
  store.set('/ttl/b', false, '1', NO_TTL);
  store.update('/ttl', '', { expireTimeMs: T0_MS + 1000, refresh: false });
  const inside = expectWatcher(store.watch('/dir/sub/a', false, false, 0));
  const expiring = expectWatcher(store.watch('/ttl/b', false, false, 0));
  store.delete('/dir', true, true);
  const [deleted] = inside.takeEvents();
  assert.deepEqual([deleted?.action, deleted?.node.key, deleted?.node.dir], ['delete', '/dir', true]);
  store.deleteExpiredKeys(T0_MS + 1000);
  assert.deepEqual(expiring.takeEvents().map((e) => [e.action, e.node.key]), [['expire', '/ttl']]);
  const late = expectWatcher(store.watch('/dir/sub/a', false, false, 4));
  assert.equal(late.takeEvents()[0]?.node.key, '/dir', 'the history matches keys inside a removed directory');
});

test('hidden keys wake only the watchers of that very key', () => {
  const store = new V2Store();
  const root = expectWatcher(store.watch('/', true, true, 0));
  const parent = expectWatcher(store.watch('/a', true, true, 0));
  const itself = expectWatcher(store.watch('/_h', false, true, 0));
  store.set('/_h', false, 'x', NO_TTL);
  store.set('/a/_b/c', false, 'x', NO_TTL);
  store.set('/a/c', false, 'x', NO_TTL);
  assert.deepEqual(keysOf(root.takeEvents()), ['/a/c']);
  assert.deepEqual(keysOf(parent.takeEvents()), ['/a/c']);
  assert.deepEqual(keysOf(itself.takeEvents()), ['/_h']);
});

test('a refresh wakes no watcher and is skipped by history scans', () => {
  const store = new V2Store();
  store.set('/r', false, 'v', { expireTimeMs: T0_MS + 1000, refresh: false });
  const watcher = expectWatcher(store.watch('/r', false, true, 0));
  store.set('/r', false, '', { expireTimeMs: T0_MS + 5000, refresh: true });
  assert.deepEqual(watcher.takeEvents(), []);
  store.set('/r', false, 'changed', NO_TTL);
  assert.deepEqual(watcher.takeEvents().map((e) => e.node.value), ['changed']);
  assert.equal(expectWatcher(store.watch('/r', false, false, 2)).takeEvents()[0]?.node.modifiedIndex, 3);
});

test('a stream watcher keeps receiving; one that falls 100 events behind is dropped', () => {
  const store = new V2Store();
  const stream = expectWatcher(store.watch('/s', false, true, 0));
  for (let i = 0; i < 3; i++) store.set('/s', false, String(i), NO_TTL);
  assert.equal(stream.takeEvents().length, 3);
  assert.equal(stream.isActive, true);
  for (let i = 0; i < WATCHER_QUEUE_MAX + 1; i++) store.set('/s', false, String(i), NO_TTL);
  assert.deepEqual([stream.isActive, stream.wasDropped, store.watcherCount], [false, true, 0]);
  const queued = stream.takeEvents();
  assert.equal(queued.length, WATCHER_QUEUE_MAX);
  assert.equal(queued[0]?.node.modifiedIndex, 4);
});

test('a stream watcher of a deleted key hears the delete twice, as in etcd', () => {
  const store = new V2Store();
  store.set('/k', false, 'v', NO_TTL);
  const stream = expectWatcher(store.watch('/k', false, true, 0));
  store.delete('/k', false, false);
  assert.deepEqual(stream.takeEvents().map((e) => [e.action, e.node.modifiedIndex]), [['delete', 2], ['delete', 2]]);
});

test('a removed watcher receives nothing more; wake-ups come from a microtask', async () => {
  const store = new V2Store();
  const watcher = expectWatcher(store.watch('/w', true, true, 0));
  let wakes = 0;
  watcher.onWake(() => wakes++);
  store.set('/w/a', false, '1', NO_TTL);
  store.set('/w/b', false, '2', NO_TTL);
  assert.equal(wakes, 0, 'listeners never run inside a store operation');
  await Promise.resolve();
  assert.equal(wakes, 1, 'one wake-up covers both events');
  watcher.remove();
  watcher.remove();
  assert.equal(store.watcherCount, 0);
  store.set('/w/c', false, '3', NO_TTL);
  assert.deepEqual(keysOf(watcher.takeEvents()), ['/w/a', '/w/b']);
});

test('beyond watchersMax a watch is refused with error 300', () => {
  const store = new V2Store({ watchersMax: 2 });
  expectWatcher(store.watch('/a', false, false, 0));
  expectWatcher(store.watch('/b', false, false, 0));
  assert.equal(expectError(store.watch('/c', false, false, 0), ErrorCode.RaftInternal).cause, 'too many watchers (at most 2)');
});
