// The packed part of the log gives back what was pushed, across chunk boundaries and buffer
// growth, keeps views handed out valid, forgets compacted entries by whole chunks, and refuses
// gaps and indexes it does not hold.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENTRIES_PER_CHUNK, PackedEntries } from '../../src/raft/packed-entries.js';
import { EntryType, type Entry } from '../../src/raft/types.js';

/** Entry `index`: term index/1000 + 1, a ConfChange every 7th, data of (index % 300) bytes of its index. */
function entry(index: number): Entry {
  const data = new Uint8Array(index % 300).fill(index & 0xff);
  return { index, term: Math.floor(index / 1000) + 1, type: index % 7 === 0 ? EntryType.ConfChange : EntryType.Normal, data };
}

test('entries pushed come back equal, across chunks and grown buffers, and earlier views stay valid', () => {
  const packed = new PackedEntries();
  packed.reset(10);
  const count = 2 * ENTRIES_PER_CHUNK + 123;
  const early = new Map<number, Uint8Array>();
  for (let index = 11; index <= 10 + count; index++) {
    packed.push(entry(index));
    // Views taken now must survive the chunk's buffer growing afterwards.
    if (index % 997 === 0) early.set(index, packed.entryAt(index).data);
  }
  assert.equal(packed.firstIndex, 11);
  assert.equal(packed.lastIndex, 10 + count);
  for (let index = 11; index <= 10 + count; index++) {
    const expected = entry(index);
    assert.deepEqual(packed.entryAt(index), expected);
    assert.equal(packed.termAt(index), expected.term);
    assert.equal(packed.dataLengthAt(index), expected.data.length);
  }
  assert.ok(early.size > 5);
  for (const [index, data] of early) assert.deepEqual(data, entry(index).data, `view of ${index}`);
});

test('dropThrough forgets entries up to an index; a reset empties the store', () => {
  const packed = new PackedEntries();
  packed.reset(0);
  for (let index = 1; index <= 3 * ENTRIES_PER_CHUNK; index++) packed.push(entry(index));
  packed.dropThrough(ENTRIES_PER_CHUNK + 5);
  assert.equal(packed.firstIndex, ENTRIES_PER_CHUNK + 6);
  assert.throws(() => packed.termAt(ENTRIES_PER_CHUNK + 5), /outside/);
  assert.deepEqual(packed.entryAt(ENTRIES_PER_CHUNK + 6), entry(ENTRIES_PER_CHUNK + 6));
  assert.deepEqual(packed.entryAt(3 * ENTRIES_PER_CHUNK), entry(3 * ENTRIES_PER_CHUNK));
  packed.dropThrough(3);
  assert.equal(packed.firstIndex, ENTRIES_PER_CHUNK + 6, 'dropping what is already gone changes nothing');
  packed.push(entry(3 * ENTRIES_PER_CHUNK + 1));
  assert.deepEqual(packed.entryAt(3 * ENTRIES_PER_CHUNK + 1), entry(3 * ENTRIES_PER_CHUNK + 1));
  assert.throws(() => packed.dropThrough(3 * ENTRIES_PER_CHUNK + 2), /beyond the last index/);
  packed.dropThrough(3 * ENTRIES_PER_CHUNK + 1);
  assert.equal(packed.firstIndex, packed.lastIndex + 1, 'everything dropped');
  packed.reset(500);
  assert.deepEqual([packed.firstIndex, packed.lastIndex], [501, 500]);
  assert.throws(() => packed.entryAt(500), /outside/);
  packed.push(entry(501));
  assert.deepEqual(packed.entryAt(501), entry(501));
});

test('a push that does not follow the last entry is refused and changes nothing', () => {
  const packed = new PackedEntries();
  packed.reset(4);
  assert.throws(() => packed.push(entry(6)), /pushing index 6 after 4/);
  assert.throws(() => packed.push(entry(4)), /pushing index 4 after 4/);
  assert.equal(packed.lastIndex, 4);
  packed.push(entry(5));
  assert.deepEqual(packed.entryAt(5), entry(5));
});
