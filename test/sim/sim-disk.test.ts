// The simulated disk: writes become durable in order, a crash loses what has not completed,
// entries overwrite a suffix, snapshots start the log afresh, and the hard state never regresses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntryType, type Entry, type HardState, type Snapshot } from '../../src/raft/types.js';
import { SimDisk, type WriteContent } from './sim-disk.js';

function entry(index: number, term: number, text = ''): Entry {
  return { index, term, type: EntryType.Normal, data: new TextEncoder().encode(text) };
}

function write(entries: Entry[], hardState: HardState | null = null, snapshot: Snapshot | null = null): WriteContent {
  return { snapshot, entries, hardState };
}

function snapshotAt(index: number, term: number): Snapshot {
  return { meta: { index, term, voters: ['n1'] }, data: new TextEncoder().encode(`${index}:0`) };
}

test('a write completes no earlier than its latency and never before the writes queued before it', () => {
  const disk = new SimDisk<string>(10);
  assert.equal(disk.write(write([entry(1, 1)]), 'first', 0, 50), 50);
  assert.equal(disk.write(write([entry(2, 1)]), 'second', 10, 5), 50);
  assert.equal(disk.write(write([entry(3, 1)]), 'third', 20, 40), 60);
  assert.equal(disk.completeNext(50), 'first');
  assert.equal(disk.completeNext(50), 'second');
  assert.throws(() => disk.completeNext(55), /due at 60ms/);
});

test('only completed writes survive a crash', () => {
  const disk = new SimDisk<null>(10);
  disk.write(write([entry(1, 1), entry(2, 1)], { term: 1, vote: 'n1', commit: 0 }), null, 0, 1);
  disk.write(write([entry(3, 1)], { term: 1, vote: 'n1', commit: 2 }), null, 0, 1);
  disk.completeNext(1);
  disk.crash();
  assert.equal(disk.pendingCount, 0);
  const restored = disk.restoreState();
  assert.deepEqual(restored.entries.map((e) => e.index), [1, 2]);
  assert.deepEqual(restored.hardState, { term: 1, vote: 'n1', commit: 0 });
});

test('entries at index i replace the durable entry at i and everything after it', () => {
  const disk = new SimDisk<null>(10);
  disk.write(write([entry(1, 1), entry(2, 1), entry(3, 1)]), null, 0, 0);
  disk.write(write([entry(2, 2)]), null, 0, 0);
  disk.completeNext(0);
  disk.completeNext(0);
  assert.deepEqual(disk.restoreState().entries.map((e) => `${e.index}/${e.term}`), ['1/1', '2/2']);
});

test('entries that leave a hole or reach into the snapshot are refused', () => {
  const disk = new SimDisk<null>(10);
  disk.write(write([entry(3, 1)]), null, 0, 0);
  assert.throws(() => disk.completeNext(0), /does not fit/);
});

test('a snapshot that matches the log keeps the entries after it; one that does not replaces the log', () => {
  const disk = new SimDisk<null>(10);
  disk.write(write([entry(1, 1), entry(2, 1), entry(3, 2)]), null, 0, 0);
  disk.write(write([], null, snapshotAt(2, 1)), null, 0, 0);
  disk.completeNext(0);
  disk.completeNext(0);
  let restored = disk.restoreState();
  assert.equal(restored.snapshot?.meta.index, 2);
  assert.deepEqual(restored.entries.map((e) => e.index), [3]);
  disk.write(write([], null, snapshotAt(5, 3)), null, 0, 0);
  disk.completeNext(0);
  restored = disk.restoreState();
  assert.equal(restored.snapshot?.meta.index, 5);
  assert.deepEqual(restored.entries, []);
  assert.equal(disk.lastIndex, 5);
});

test('the durable term never goes back and a vote never changes within a term', () => {
  const disk = new SimDisk<null>(10);
  disk.write(write([], { term: 3, vote: 'n2', commit: 0 }), null, 0, 0);
  disk.completeNext(0);
  disk.write(write([], { term: 2, vote: '', commit: 0 }), null, 0, 0);
  assert.throws(() => disk.completeNext(0), /go back/);
  disk.write(write([], { term: 3, vote: 'n3', commit: 0 }), null, 0, 0);
  assert.throws(() => disk.completeNext(0), /vote in term 3/);
});

test('the disk keeps its own copy of what was written, and refuses writes beyond its limit', () => {
  const disk = new SimDisk<null>(1);
  const written = entry(1, 1, 'abc');
  disk.write(write([written]), null, 0, 0);
  written.data[0] = 0x7a;
  assert.throws(() => disk.write(write([]), null, 0, 0), /limit 1/);
  disk.completeNext(0);
  assert.equal(new TextDecoder().decode(disk.restoreState().entries[0]!.data), 'abc');
});
