// Every store operation and its error paths, with etcd's codes, causes and indexes, and the
// index arithmetic: each successful write advances the index by one, reads and failed
// writes never do.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../src/store/v2-error.js';
import { NO_TTL, V2Store } from '../../src/store/v2-store.js';
import { expectError, expectEvent } from './store-helpers.js';

function storeWith(...files: [string, string][]): V2Store {
  const store = new V2Store();
  for (const [key, value] of files) expectEvent(store.set(key, false, value, NO_TTL));
  return store;
}

test('set creates a key, then replaces it with a new createdIndex and reports the previous node', () => {
  const store = new V2Store();
  const first = expectEvent(store.set('/foo', false, 'bar', NO_TTL));
  assert.equal(first.action, 'set');
  assert.equal(first.prevNode, null);
  assert.deepEqual([first.node.key, first.node.value, first.node.modifiedIndex, first.node.createdIndex], ['/foo', 'bar', 1, 1]);
  const second = expectEvent(store.set('foo', false, 'baz', NO_TTL));
  assert.deepEqual([second.node.value, second.node.modifiedIndex, second.node.createdIndex, second.etcdIndex], ['baz', 2, 2, 2]);
  assert.deepEqual([second.prevNode?.value, second.prevNode?.modifiedIndex], ['bar', 1]);
  assert.equal(store.index, 2);
});

test('set refuses the root, a directory, and a key under a file', () => {
  const store = storeWith(['/file', 'x']);
  expectEvent(store.set('/dir', true, '', NO_TTL));
  assert.deepEqual(expectError(store.set('/', false, 'x', NO_TTL), ErrorCode.RootReadOnly), {
    kind: 'error', errorCode: 107, message: 'Root is read only', cause: '/', index: 2,
  });
  assert.equal(expectError(store.set('/dir', false, 'x', NO_TTL), ErrorCode.NotFile).cause, '/dir');
  const underFile = expectError(store.set('/file/child', false, 'x', NO_TTL), ErrorCode.NotDir);
  assert.deepEqual([underFile.message, underFile.cause, underFile.index], ['Not a directory', '/file', 2]);
  assert.equal(store.index, 2, 'failed writes do not advance the index');
});

test('paths are cleaned before use', () => {
  const store = new V2Store();
  const event = expectEvent(store.set('//a/../b/', false, 'v', NO_TTL));
  assert.equal(event.node.key, '/b');
  assert.equal(expectEvent(store.get('/x/../b', false, false)).node.value, 'v');
});

test('get reads a file, lists a directory one level, or everything when recursive', () => {
  const store = storeWith(['/d/a', '1'], ['/d/sub/b', '2'], ['/d/_hidden', '3']);
  const file = expectEvent(store.get('/d/a', false, false));
  assert.deepEqual([file.action, file.node.value, file.etcdIndex, file.node.nodes], ['get', '1', 3, null]);
  const shallow = expectEvent(store.get('/d', false, true)).node;
  assert.equal(shallow.dir, true);
  assert.deepEqual(shallow.nodes?.map((n) => [n.key, n.dir, n.nodes]), [['/d/a', false, null], ['/d/sub', true, null]]);
  const deep = expectEvent(store.get('/d', true, true)).node;
  assert.deepEqual(deep.nodes?.[1]?.nodes?.map((n) => n.key), ['/d/sub/b']);
  assert.equal(expectEvent(store.get('/d/_hidden', false, false)).node.value, '3', 'hidden keys can be read directly');
  assert.equal(store.index, 3, 'reads do not advance the index');
});

test('sorted listings are in key order; unsorted ones in creation order, a replaced key keeping its place', () => {
  const store = storeWith(['/l/c', ''], ['/l/a', ''], ['/l/b', '']);
  assert.deepEqual(expectEvent(store.get('/l', false, true)).node.nodes?.map((n) => n.key), ['/l/a', '/l/b', '/l/c']);
  assert.deepEqual(expectEvent(store.get('/l', false, false)).node.nodes?.map((n) => n.key), ['/l/c', '/l/a', '/l/b']);
  // etcd's listing order is Go's map order (random); ours is deterministic, so replicas agree.
  expectEvent(store.set('/l/c', false, 'new', NO_TTL));
  expectEvent(store.delete('/l/a', false, false));
  expectEvent(store.set('/l/a', false, 'again', NO_TTL));
  const listed = expectEvent(store.get('/l', false, false)).node.nodes;
  assert.deepEqual(listed?.map((n) => [n.key, n.value]), [['/l/c', 'new'], ['/l/b', ''], ['/l/a', 'again']]);
});

test('a key set again keeps none of its old self: its old TTL, a later delete and a snapshot see only the new value', () => {
  const store = new V2Store();
  expectEvent(store.set('/r/k', false, 'old', { expireTimeMs: Date.UTC(2030, 0, 1), refresh: false }));
  expectEvent(store.set('/r/k', false, 'new', NO_TTL));
  assert.equal(store.hasTtlKeys(), false);
  const copy = new V2Store();
  copy.recover(store.save());
  assert.equal(expectEvent(copy.get('/r/k', false, false)).node.value, 'new');
  const deleted = expectEvent(store.delete('/r/k', false, false));
  assert.equal(deleted.prevNode?.value, 'new');
  expectError(store.get('/r/k', false, false), ErrorCode.KeyNotFound);
  assert.deepEqual(expectEvent(store.get('/r', false, false)).node.nodes ?? [], []);
});

test('get of a missing key is 100 with the first missing path; under a file it is 104', () => {
  const store = storeWith(['/file', 'x']);
  const missing = expectError(store.get('/a/b/c', false, false), ErrorCode.KeyNotFound);
  assert.deepEqual([missing.message, missing.cause, missing.index], ['Key not found', '/a', 1]);
  assert.equal(expectError(store.get('/file/x', false, false), ErrorCode.NotDir).cause, '/file');
  const root = expectEvent(store.get('/', false, false)).node;
  assert.deepEqual([root.key, root.dir, root.createdIndex, root.nodes?.length], ['/', true, 0, 1]);
});

test('create fails on an existing key; it makes missing parent directories at the new index', () => {
  const store = storeWith(['/x', '1']);
  const created = expectEvent(store.create('/p/q/r', false, 'v', false, NO_TTL));
  assert.deepEqual([created.action, created.node.createdIndex], ['create', 2]);
  const parent = expectEvent(store.get('/p/q', false, false)).node;
  assert.deepEqual([parent.dir, parent.createdIndex, parent.modifiedIndex], [true, 2, 2]);
  const exists = expectError(store.create('/x', false, 'again', false, NO_TTL), ErrorCode.NodeExist);
  assert.deepEqual([exists.message, exists.cause, exists.index], ['Key already exists', '/x', 2]);
  expectError(store.create('/x/y', false, 'v', false, NO_TTL), ErrorCode.NotDir);
  expectError(store.create('/', true, '', false, NO_TTL), ErrorCode.RootReadOnly);
  assert.equal(store.index, 2);
});

test('create in order names the key by the new index, zero-padded to 20 digits', () => {
  const store = storeWith(['/other', 'x']);
  const first = expectEvent(store.create('/queue', false, 'job1', true, NO_TTL));
  const second = expectEvent(store.create('/queue/', false, 'job2', true, NO_TTL));
  assert.equal(first.node.key, '/queue/00000000000000000002');
  assert.equal(second.node.key, '/queue/00000000000000000003');
  const listed = expectEvent(store.get('/queue', false, true)).node.nodes?.map((n) => n.value);
  assert.deepEqual(listed, ['job1', 'job2']);
  assert.equal(expectEvent(store.create('/', false, 'top', true, NO_TTL)).node.key, '/00000000000000000004');
});

test('update changes a file, refuses a value for a directory, and keeps a directory\'s modifiedIndex', () => {
  const store = storeWith(['/f', 'old']);
  expectEvent(store.set('/d', true, '', NO_TTL));
  const updated = expectEvent(store.update('/f', 'new', NO_TTL));
  assert.deepEqual([updated.action, updated.node.value, updated.node.modifiedIndex, updated.node.createdIndex], ['update', 'new', 3, 1]);
  assert.equal(updated.prevNode?.value, 'old');
  assert.equal(expectError(store.update('/d', 'x', NO_TTL), ErrorCode.NotFile).cause, '/d');
  const dirUpdate = expectEvent(store.update('/d', '', { expireTimeMs: Date.UTC(2030, 0, 1), refresh: false }));
  assert.deepEqual([dirUpdate.node.dir, dirUpdate.node.value, dirUpdate.node.modifiedIndex], [true, null, 4]);
  assert.equal(expectEvent(store.get('/d', false, false)).node.modifiedIndex, 2, 'etcd does not write a directory');
  expectError(store.update('/missing', 'x', NO_TTL), ErrorCode.KeyNotFound);
  expectError(store.update('/', '', NO_TTL), ErrorCode.RootReadOnly);
  assert.equal(store.index, 4);
});

test('compareAndSwap compares prevValue and prevIndex with etcd\'s causes', () => {
  const store = storeWith(['/k', 'one']);
  const valueMiss = expectError(store.compareAndSwap('/k', 'two', 0, 'x', NO_TTL), ErrorCode.TestFailed);
  assert.deepEqual([valueMiss.message, valueMiss.cause, valueMiss.index], ['Compare failed', '[two != one]', 1]);
  assert.equal(expectError(store.compareAndSwap('/k', '', 7, 'x', NO_TTL), 101).cause, '[7 != 1]');
  assert.equal(expectError(store.compareAndSwap('/k', 'two', 7, 'x', NO_TTL), 101).cause, '[two != one] [7 != 1]');
  const swapped = expectEvent(store.compareAndSwap('/k', 'one', 1, 'two', NO_TTL));
  assert.deepEqual(
    [swapped.action, swapped.node.value, swapped.node.modifiedIndex, swapped.prevNode?.value],
    ['compareAndSwap', 'two', 2, 'one'],
  );
  expectEvent(store.set('/d', true, '', NO_TTL));
  expectError(store.compareAndSwap('/d', 'a', 0, 'x', NO_TTL), ErrorCode.NotFile);
  expectError(store.compareAndSwap('/', 'a', 0, 'x', NO_TTL), ErrorCode.RootReadOnly);
  expectError(store.compareAndSwap('/none', 'a', 0, 'x', NO_TTL), ErrorCode.KeyNotFound);
  assert.equal(store.index, 3);
});

test('delete removes a file, an empty directory with dir, a tree with recursive', () => {
  const store = storeWith(['/f', 'v'], ['/tree/a/b', 'v']);
  expectEvent(store.set('/empty', true, '', NO_TTL));
  const deleted = expectEvent(store.delete('/f', false, false));
  const { action, node } = deleted;
  assert.deepEqual([action, node.key, node.value, node.modifiedIndex, node.createdIndex], ['delete', '/f', null, 4, 1]);
  assert.equal(deleted.prevNode?.value, 'v');
  assert.equal(expectError(store.delete('/empty', false, false), ErrorCode.NotFile).cause, '/empty');
  assert.equal(expectEvent(store.delete('/empty', true, false)).node.dir, true);
  const notEmpty = expectError(store.delete('/tree', true, false), ErrorCode.DirNotEmpty);
  assert.deepEqual([notEmpty.message, notEmpty.cause, notEmpty.index], ['Directory not empty', '/tree', 5]);
  expectEvent(store.delete('/tree', false, true));
  expectError(store.get('/tree/a/b', false, false), ErrorCode.KeyNotFound);
  expectError(store.delete('/', true, true), ErrorCode.RootReadOnly);
  expectError(store.delete('/f', false, false), ErrorCode.KeyNotFound);
  assert.equal(store.index, 6);
});

test('compareAndDelete deletes a file only when the compare holds', () => {
  const store = storeWith(['/k', 'v']);
  assert.equal(expectError(store.compareAndDelete('/k', 'w', 0), ErrorCode.TestFailed).cause, '[w != v]');
  expectEvent(store.set('/d', true, '', NO_TTL));
  expectError(store.compareAndDelete('/d', 'x', 0), ErrorCode.NotFile);
  expectError(store.compareAndDelete('/none', 'x', 0), ErrorCode.KeyNotFound);
  const deleted = expectEvent(store.compareAndDelete('/k', 'v', 1));
  assert.deepEqual([deleted.action, deleted.node.modifiedIndex, deleted.node.value, deleted.prevNode?.value], ['compareAndDelete', 3, null, 'v']);
  expectError(store.get('/k', false, false), ErrorCode.KeyNotFound);
  assert.equal(store.index, 3);
});

test('keys deeper than KEY_DEPTH_MAX are refused without advancing the index', () => {
  const store = new V2Store();
  const deep = '/x'.repeat(1025);
  assert.equal(expectError(store.set(deep, false, 'v', NO_TTL), ErrorCode.InvalidField).index, 0);
  expectEvent(store.set('/x'.repeat(1024), false, 'v', NO_TTL));
  assert.equal(store.index, 1);
});

test('malformed times and indexes are caller bugs and throw', () => {
  const store = storeWith(['/k', 'v']);
  assert.throws(() => store.set('/k', false, 'v', { expireTimeMs: 1.5, refresh: false }), /expireTimeMs must be/);
  assert.throws(() => store.compareAndSwap('/k', '', -1, 'v', NO_TTL), /prevIndex must be/);
  assert.throws(() => store.deleteExpiredKeys(Number.NaN), /cutoffMs must be/);
  assert.throws(() => store.watch('/k', false, false, 0.5), /sinceIndex must be/);
  assert.equal(store.index, 1);
});
