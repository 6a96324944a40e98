// Group commit: concurrent sync() calls share one write and one fdatasync, no sync resolves before
// the fdatasync covering its data has returned, and a failed fdatasync breaks the WAL for good.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../src/util/prng.js';
import { WriteAheadLog } from '../../src/wal/wal.js';
import { ControlledDiskIo, makeEntries, settleEventLoop, waitUntil, withTempDir } from './wal-fixtures.js';

for (const syncMode of ['async', 'sync', 'auto'] as const) {
  test(`a thousand appends each followed by sync() share a handful of fdatasyncs (${syncMode})`, async () => {
    await withTempDir(async (dir) => {
      const { wal } = await WriteAheadLog.open(dir, { syncMode, segmentSizeBytes: 1 << 20 });
      const before = wal.stats;
      const entries = makeEntries(new Prng(41), 1, 1000, 1, 16);
      const syncs = entries.map((entry) => {
        const seq = wal.append([entry], null);
        return wal.sync().then((durableSeq) => ({ seq, durableSeq }));
      });
      for (const { seq, durableSeq } of await Promise.all(syncs)) assert.ok(durableSeq >= seq, `${durableSeq} < ${seq}`);
      const flushes = wal.stats.flushes - before.flushes;
      const datasyncs = wal.stats.datasyncs - before.datasyncs;
      assert.ok(flushes >= 1 && flushes <= 3, `${flushes} flushes`);
      assert.equal(datasyncs, flushes, 'one fdatasync per flush');
      assert.equal(wal.durableSeq, 1000);
      await wal.close();
    });
  });
}

test('sync(true) is done before it returns where the fdatasync blocks this thread, and is an ordinary flush otherwise', async () => {
  for (const syncMode of ['sync', 'auto', 'async'] as const) {
    await withTempDir(async (dir) => {
      const { wal } = await WriteAheadLog.open(dir, { syncMode });
      const prng = new Prng(43);
      const atOnce = syncMode !== 'async';
      const before = wal.stats;
      const seqA = wal.append(makeEntries(prng, 1, 2, 1), null);
      const syncA = wal.sync(true);
      assert.equal(wal.durableSeq, atOnce ? seqA : 0, `${syncMode}: durable when sync(true) returned`);
      assert.equal(wal.stats.datasyncs - before.datasyncs, atOnce ? 1 : 0, `${syncMode}: fdatasyncs when sync(true) returned`);
      assert.equal(await syncA, seqA);

      // A flush under way (begun by sync(), which waits for the turn to end) is not overtaken.
      const seqB = wal.append(makeEntries(prng, 3, 1, 1), null);
      const syncB = wal.sync();
      const seqC = wal.append(makeEntries(prng, 4, 1, 1), null);
      const syncC = wal.sync(true);
      assert.equal(wal.durableSeq, seqA, `${syncMode}: nothing after A was durable yet`);
      assert.ok((await syncB) >= seqB);
      assert.equal(await syncC, seqC);

      if (syncMode === 'auto') {
        // A leader's 'auto' WAL syncs on the pool: then nothing is done at once.
        wal.syncOffThread(true);
        const seqD = wal.append(makeEntries(prng, 5, 1, 1), null);
        const syncD = wal.sync(true);
        assert.equal(wal.durableSeq, seqC, 'auto with the sync off the thread: not at once');
        assert.equal(await syncD, seqD);
      }
      await wal.close();
    });
  }
});

test('a sync resolves only after the fdatasync that covers its data returned', async () => {
  await withTempDir(async (dir) => {
    const io = new ControlledDiskIo();
    const { wal } = await WriteAheadLog.open(dir, { diskIo: io });
    const settled: string[] = [];
    // Opening wrote and synced the first segment's head records; count from here on.
    const writesBefore = io.writes;
    const datasyncsBefore = io.datasyncsDone;
    io.hold();
    const prng = new Prng(42);
    const seqA = wal.append(makeEntries(prng, 1, 2, 1), null);
    const syncA = wal.sync().then((seq) => settled.push(`A:${seq}`));
    const seqB = wal.append(makeEntries(prng, 3, 2, 1), { term: 1, vote: '', commit: 2 });
    const syncB1 = wal.sync().then((seq) => settled.push(`B1:${seq}`));
    const syncB2 = wal.sync().then((seq) => settled.push(`B2:${seq}`));
    await waitUntil(() => io.heldCount === 1, 'the first flush waits for its fdatasync');
    await settleEventLoop();
    assert.deepEqual(settled, [], 'nothing resolves while the first fdatasync is held');
    assert.equal(io.writes - writesBefore, 1, 'the second batch waits for the first sync');

    io.releaseOne();
    await syncA;
    await waitUntil(() => io.heldCount === 1, 'the second flush waits for its fdatasync');
    await settleEventLoop();
    assert.deepEqual(settled, [`A:${seqA}`], 'B waits for its own fdatasync');
    assert.equal(wal.durableSeq, seqA);

    io.releaseOne();
    await Promise.all([syncB1, syncB2]);
    assert.deepEqual(settled.sort(), [`A:${seqA}`, `B1:${seqB}`, `B2:${seqB}`]);
    assert.equal(io.writes - writesBefore, 2, 'both B callers shared one flush');
    assert.equal(io.datasyncsDone - datasyncsBefore, 2);
    io.releaseAll();
    await wal.close();
  });
});

test('a failed fdatasync breaks the WAL: that sync and every later call fail', async () => {
  await withTempDir(async (dir) => {
    const io = new ControlledDiskIo();
    const { wal } = await WriteAheadLog.open(dir, { diskIo: io });
    const prng = new Prng(43);
    wal.append(makeEntries(prng, 1, 1, 1), null);
    await wal.sync();
    io.failNextDatasync = new Error('EIO: simulated');
    wal.append(makeEntries(prng, 2, 1, 1), null);
    await assert.rejects(wal.sync(), /EIO: simulated/);
    assert.throws(() => wal.append(makeEntries(prng, 3, 1, 1), null), /broken.*EIO: simulated/);
    await assert.rejects(wal.sync(), /broken/);
    await assert.rejects(wal.saveSnapshot({ meta: { index: 1, term: 1, voters: [] }, data: new Uint8Array(0) }), /broken/);
    assert.equal(wal.durableSeq, 1);
    await wal.close();
    assert.throws(() => wal.append(makeEntries(prng, 3, 1, 1), null), /closed/);
  });
});
