// Round trips through the files: what was appended and synced comes back on reopen, across segment
// cuts, overwritten suffixes, snapshots (kept or replacing the log) and removal of old segments.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { Entry, HardState } from '../../src/raft/types.js';
import { Prng } from '../../src/util/prng.js';
import { WriteAheadLog } from '../../src/wal/wal.js';
import { makeEntries, plainEntries, segmentFiles, withTempDir } from './wal-fixtures.js';

const SMALL_SEGMENT = { segmentSizeBytes: 4096 };

/** Mirrors the Raft overwrite rule, as the expected log. */
function applyToModel(model: Entry[], entries: Entry[]): void {
  if (entries.length === 0) return;
  const keep = model.findIndex((entry) => entry.index >= entries[0].index);
  if (keep >= 0) model.length = keep;
  model.push(...entries);
}

/** Closes `wal`, opens the directory again and closes that too; returns what it restored. */
async function reopenAndClose(dir: string, wal: WriteAheadLog): Promise<Awaited<ReturnType<typeof WriteAheadLog.open>>> {
  await wal.close();
  const reopened = await WriteAheadLog.open(dir, SMALL_SEGMENT);
  await reopened.wal.close();
  return reopened;
}

for (const syncMode of ['async', 'sync', 'auto'] as const) {
  test(`entries and hard states survive reopen across segment cuts and overwrites (${syncMode})`, async () => {
    await withTempDir(async (dir) => {
      const prng = new Prng(11);
      const model: Entry[] = [];
      let hardState: HardState = { term: 1, vote: 'n1', commit: 0 };
      let { wal } = await WriteAheadLog.open(dir, { ...SMALL_SEGMENT, syncMode });
      for (let round = 0; round < 60; round++) {
        const last = model.length === 0 ? 0 : model[model.length - 1].index;
        // Now and then a new term overwrites the uncommitted tail, as a new leader's appends do.
        const overwrite = round % 7 === 6 && last > hardState.commit + 2;
        const term = overwrite ? hardState.term + 1 : hardState.term;
        const first = overwrite ? prng.int(hardState.commit + 1, last + 1) : last + 1;
        const entries = makeEntries(prng, first, prng.int(1, 6), term, 120);
        applyToModel(model, entries);
        hardState = { term, vote: term === hardState.term ? hardState.vote : 'n2', commit: Math.max(hardState.commit, first - 1) };
        wal.append(entries, hardState);
        // 'auto' moves its fdatasync between the pool and this thread as a member changes role.
        if (round % 10 === 5) wal.syncOffThread(round % 20 === 5);
        if (round % 4 === 0) await wal.sync();
        if (round === 30) {
          await wal.close();
          ({ wal } = await WriteAheadLog.open(dir, { ...SMALL_SEGMENT, syncMode }));
        }
      }
      await wal.close();
      assert.ok(wal.stats.segmentsCreated >= 1 && (await segmentFiles(dir)).length >= 4, 'the log spans several segments');
      const reopened = await WriteAheadLog.open(dir, { ...SMALL_SEGMENT, syncMode });
      assert.deepEqual(reopened.restored.hardState, hardState);
      assert.deepEqual(plainEntries(reopened.restored.entries), plainEntries(model));
      assert.equal(reopened.restored.snapshot, null);
      assert.equal(reopened.wal.lastIndex, model[model.length - 1].index);
      await reopened.wal.close();
    });
  });
}

test('an overwrite that reaches back into an older segment is restored exactly', async () => {
  await withTempDir(async (dir) => {
    const prng = new Prng(3);
    const { wal } = await WriteAheadLog.open(dir, SMALL_SEGMENT);
    const early = makeEntries(prng, 1, 100, 1, 40);
    for (let k = 0; k < early.length; k += 10) {
      wal.append(early.slice(k, k + 10), null);
      await wal.sync();
    }
    assert.ok(wal.stats.segmentCount >= 2);
    const replacement = makeEntries(prng, 5, 3, 2, 40);
    wal.append(replacement, { term: 2, vote: '', commit: 4 });
    await wal.close();
    const { wal: reopened, restored } = await WriteAheadLog.open(dir, SMALL_SEGMENT);
    assert.deepEqual(plainEntries(restored.entries), plainEntries([...early.slice(0, 4), ...replacement]));
    await reopened.close();
  });
});

test('a snapshot compacts the log, removes covered segments and survives reopen', async () => {
  await withTempDir(async (dir) => {
    const prng = new Prng(5);
    const { wal } = await WriteAheadLog.open(dir, SMALL_SEGMENT);
    const entries = makeEntries(prng, 1, 300, 1, 50);
    for (let k = 0; k < entries.length; k += 20) {
      wal.append(entries.slice(k, k + 20), { term: 1, vote: 'n1', commit: k });
      await wal.sync();
    }
    const segmentsBefore = await segmentFiles(dir);
    const snapshot = { meta: { index: 250, term: 1, voters: ['n1', 'n2', 'n3'] }, data: new Uint8Array([9, 8, 7]) };
    await wal.saveSnapshot(snapshot);
    const segmentsAfter = await segmentFiles(dir);
    assert.ok(segmentsAfter.length < segmentsBefore.length, `${segmentsBefore.length} -> ${segmentsAfter.length} segments`);
    assert.deepEqual(segmentsAfter, segmentsBefore.slice(segmentsBefore.length - segmentsAfter.length), 'only the oldest go');

    const more = makeEntries(prng, 301, 5, 2, 50);
    wal.append(more, { term: 2, vote: 'n2', commit: 280 });
    const { restored } = await reopenAndClose(dir, wal);
    assert.deepEqual(restored.snapshot?.meta, snapshot.meta);
    assert.deepEqual(Array.from(restored.snapshot?.data ?? []), [9, 8, 7]);
    assert.deepEqual(plainEntries(restored.entries), plainEntries([...entries.slice(250), ...more]));
    assert.deepEqual(restored.hardState, { term: 2, vote: 'n2', commit: 280 });
    assert.deepEqual((await fs.readdir(dir)).filter((name) => name.endsWith('.snap')), ['0000000000000250-0000000000000001.snap']);
  });
});

test('a snapshot whose (index, term) the log lacks replaces the whole log', async () => {
  await withTempDir(async (dir) => {
    const prng = new Prng(8);
    const { wal } = await WriteAheadLog.open(dir, SMALL_SEGMENT);
    wal.append(makeEntries(prng, 1, 10, 1), { term: 1, vote: '', commit: 3 });
    // The leader's snapshot at index 8 has term 2: our entries 4..10 from term 1 conflict with it.
    await wal.saveSnapshot({ meta: { index: 8, term: 2, voters: ['n1'] }, data: new Uint8Array([1]) });
    assert.equal(wal.lastIndex, 8);
    const after = makeEntries(prng, 9, 2, 2);
    wal.append(after, { term: 2, vote: '', commit: 9 });
    const { restored } = await reopenAndClose(dir, wal);
    assert.equal(restored.snapshot?.meta.index, 8);
    assert.deepEqual(plainEntries(restored.entries), plainEntries(after));
  });
});

test('reopen works after a snapshot removed the segment that held the entries before it', async () => {
  await withTempDir(async (dir) => {
    const prng = new Prng(9);
    const { wal } = await WriteAheadLog.open(dir, SMALL_SEGMENT);
    const entries = makeEntries(prng, 1, 200, 1, 60);
    for (let k = 0; k < entries.length; k += 25) {
      wal.append(entries.slice(k, k + 25), null);
      await wal.sync();
    }
    const segments = await segmentFiles(dir);
    // Snapshot exactly at the last index before the newest segment: every older segment goes,
    // though the newest segment's head still names the old (empty) snapshot.
    const newestFirstIndex = Number(segments[segments.length - 1].slice(17, 33));
    await wal.saveSnapshot({ meta: { index: newestFirstIndex - 1, term: 1, voters: [] }, data: new Uint8Array(0) });
    assert.deepEqual(await segmentFiles(dir), [segments[segments.length - 1]]);
    const { restored } = await reopenAndClose(dir, wal);
    assert.equal(restored.snapshot?.meta.index, newestFirstIndex - 1);
    assert.deepEqual(plainEntries(restored.entries), plainEntries(entries.slice(newestFirstIndex - 1)));
  });
});

test('a damaged snapshot file fails open with its name', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, SMALL_SEGMENT);
    wal.append(makeEntries(new Prng(4), 1, 5, 1), { term: 1, vote: '', commit: 5 });
    await wal.saveSnapshot({ meta: { index: 5, term: 1, voters: ['n1'] }, data: new Uint8Array(100).fill(3) });
    await wal.close();
    const snapshotPath = path.join(dir, '0000000000000005-0000000000000001.snap');
    const image = await fs.readFile(snapshotPath);
    image[image.length - 10] ^= 1;
    await fs.writeFile(snapshotPath, image);
    await assert.rejects(WriteAheadLog.open(dir, SMALL_SEGMENT), /0000000000000005-0000000000000001\.snap.*checksum mismatch/);
    await fs.unlink(snapshotPath);
    await assert.rejects(WriteAheadLog.open(dir, SMALL_SEGMENT), /ENOENT.*0000000000000005-0000000000000001\.snap/);
  });
});

test('an overwrite reaching below the oldest kept segment is restored after older ones were removed', async () => {
  await withTempDir(async (dir) => {
    const prng = new Prng(10);
    const { wal } = await WriteAheadLog.open(dir, SMALL_SEGMENT);
    const model: Entry[] = [];
    const appendSynced = async (entries: Entry[], commit: number) => {
      applyToModel(model, entries);
      wal.append(entries, { term: entries[0].term, vote: '', commit });
      await wal.sync();
    };
    while (wal.stats.segmentCount < 2) await appendSynced(makeEntries(prng, model.length + 1, 5, 1, 20), 0);
    const secondFirstIndex = Number((await segmentFiles(dir))[1].slice(17, 33));
    // Term 2 rewrites the log from 8 entries before the second segment's first index.
    const overwriteFrom = secondFirstIndex - 8;
    await appendSynced(makeEntries(prng, overwriteFrom, 30, 2, 20), overwriteFrom - 1);
    assert.equal(wal.stats.segmentCount, 2, 'the overwrite went into the second segment');
    while (wal.stats.segmentCount < 3) await appendSynced(makeEntries(prng, model.length + 1, 5, 2, 20), overwriteFrom - 1);
    const snapshotIndex = secondFirstIndex - 1;
    await wal.saveSnapshot({ meta: { index: snapshotIndex, term: 2, voters: [] }, data: new Uint8Array(0) });
    const files = await segmentFiles(dir);
    assert.equal(files.length, 2, 'only the first segment was removed');
    assert.equal(Number(files[0].slice(17, 33)), secondFirstIndex);
    const { restored } = await reopenAndClose(dir, wal);
    assert.deepEqual(plainEntries(restored.entries), plainEntries(model.slice(snapshotIndex)));
  });
});

test('a snapshot taken while the next segment is being prepared does not disturb the preparation', async () => {
  await withTempDir(async (dir) => {
    const prng = new Prng(12);
    const { wal } = await WriteAheadLog.open(dir, SMALL_SEGMENT);
    const model: Entry[] = [];
    for (let round = 0; round < 60; round++) {
      const entries = makeEntries(prng, model.length + 1, 4, 1, 60);
      model.push(...entries);
      wal.append(entries, { term: 1, vote: '', commit: model.length });
      await wal.sync();
      // Right after a sync the writer may have started preparing the next segment.
      if (round % 5 === 4) await wal.saveSnapshot({ meta: { index: model.length, term: 1, voters: [] }, data: new Uint8Array(1) });
    }
    assert.ok(wal.stats.segmentsCreated >= 3, `${wal.stats.segmentsCreated} segments created`);
    const { restored } = await reopenAndClose(dir, wal);
    assert.equal(restored.snapshot?.meta.index, 60 * 4);
    assert.deepEqual(restored.entries, []);
  });
});

test("syncBlocksThread says where a flush's fdatasync runs: 'sync' on this thread, 'async' on the pool, 'auto' where it was last moved", async () => {
  await withTempDir(async (dir) => {
    for (const [syncMode, blocks] of [['sync', true], ['async', false], ['auto', true]] as const) {
      const { wal } = await WriteAheadLog.open(path.join(dir, syncMode), { syncMode });
      assert.equal(wal.syncBlocksThread, blocks, syncMode);
      wal.syncOffThread(true);
      assert.equal(wal.syncBlocksThread, syncMode === 'sync', `${syncMode} after a move to the pool`);
      wal.syncOffThread(false);
      assert.equal(wal.syncBlocksThread, syncMode !== 'async', `${syncMode} after a move back`);
      await wal.close();
    }
  });
});
