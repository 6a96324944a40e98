// append() and saveSnapshot() refuse input that would break the Raft log's invariants or the
// WAL's limits, and a refused call changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EntryType } from '../../src/raft/types.js';
import { Prng } from '../../src/util/prng.js';
import { WriteAheadLog } from '../../src/wal/wal.js';
import { makeEntries, plainEntries, withTempDir } from './wal-fixtures.js';

const OPTIONS = { segmentSizeBytes: 4096, recordSizeBytesMax: 1024, pendingSizeBytesMax: 8192 };

test('invalid appends are refused and leave the log unchanged', async () => {
  await withTempDir(async (dir) => {
    const prng = new Prng(51);
    const { wal } = await WriteAheadLog.open(dir, OPTIONS);
    const base = makeEntries(prng, 1, 5, 2);
    wal.append(base, { term: 2, vote: 'n1', commit: 2 });
    const entry = (index: number, term: number) => ({ index, term, type: EntryType.Normal, data: new Uint8Array(1) });
    const refusals: [string, () => unknown, RegExp][] = [
      ['nothing', () => wal.append([], null), /needs entries or a hard state/],
      ['gap', () => wal.append([entry(7, 2)], null), /gap after 5/],
      ['not consecutive', () => wal.append([entry(6, 2), entry(8, 2)], null), /not consecutive/],
      ['term going back', () => wal.append([entry(6, 1)], null), /term 1 after term 2/],
      ['committed overwrite', () => wal.append([entry(2, 3)], null), /overwrite committed/],
      ['oversized record', () => wal.append([{ ...entry(6, 2), data: new Uint8Array(1024) }], null), /record limit/],
      ['commit past the log', () => wal.append([], { term: 2, vote: 'n1', commit: 6 }), /commit 6 must lie in \[2, 5\]/],
      ['commit going back', () => wal.append([], { term: 2, vote: 'n1', commit: 1 }), /commit 1/],
      ['term going back', () => wal.append([], { term: 1, vote: 'n1', commit: 2 }), /term 1 is below 2/],
      ['second vote in a term', () => wal.append([], { term: 2, vote: 'n2', commit: 2 }), /vote changed within term 2/],
    ];
    for (const [what, call, message] of refusals) assert.throws(call, message, what);
    // Too much waiting for a sync: each append fits, together they exceed the pending limit.
    const big = (index: number) => ({ ...entry(index, 2), data: new Uint8Array(900) });
    let index = 6;
    assert.throws(() => {
      for (; index < 30; index++) wal.append([big(index)], null);
    }, /would exceed the limit 8192/);
    await wal.sync();
    wal.append([big(index)], null);
    await wal.close();
    const { wal: reopened, restored } = await WriteAheadLog.open(dir, OPTIONS);
    assert.equal(restored.entries.length, index);
    assert.deepEqual(plainEntries(restored.entries.slice(0, 5)), plainEntries(base));
    assert.deepEqual(restored.hardState, { term: 2, vote: 'n1', commit: 2 });
    await reopened.close();
  });
});

test('snapshots must move forward and respect the size limit', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, { ...OPTIONS, snapshotSizeBytesMax: 100 });
    wal.append(makeEntries(new Prng(52), 1, 5, 1), { term: 1, vote: '', commit: 5 });
    await wal.saveSnapshot({ meta: { index: 3, term: 1, voters: ['n1'] }, data: new Uint8Array(10) });
    await assert.rejects(wal.saveSnapshot({ meta: { index: 3, term: 1, voters: [] }, data: new Uint8Array(0) }), /not newer/);
    await assert.rejects(wal.saveSnapshot({ meta: { index: 4, term: 1, voters: [] }, data: new Uint8Array(101) }), /exceeds 100/);
    assert.throws(() => wal.append(makeEntries(new Prng(53), 3, 1, 1), null), /covered by snapshot 3/);
    // A snapshot at 4 with another term than the log's entry 4 would replace the log, commit 5 included.
    await assert.rejects(wal.saveSnapshot({ meta: { index: 4, term: 9, voters: [] }, data: new Uint8Array(0) }), /drop committed/);
    await wal.sync();
    await wal.close();
  });
});

test('options outside their limits are refused', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(WriteAheadLog.open(dir, { segmentSizeBytes: 100 }), /segmentSizeBytes/);
    await assert.rejects(WriteAheadLog.open(dir, { recordSizeBytesMax: 4096, pendingSizeBytesMax: 1024 }), /must not exceed/);
    await assert.rejects(WriteAheadLog.open(dir, { syncPositionOut: new Float64Array(1) }), /2 slots/);
  });
});
