// Power cuts: the WAL publishes its synced position into shared memory after every sync; cutting
// the files back to that position (as losing the page cache would) and reopening must restore
// everything that was reported durable, and nothing else.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { Entry, HardState } from '../../src/raft/types.js';
import { Prng } from '../../src/util/prng.js';
import { WriteAheadLog } from '../../src/wal/wal.js';
import { ControlledDiskIo, makeEntries, plainEntries, segmentFiles, waitUntil, withTempDir } from './wal-fixtures.js';

const SEGMENT_SIZE_BYTES = 4096;

interface DurableState {
  entries: Entry[];
  hardState: HardState;
}

/**
 * Appends synced batches, then one more batch whose fdatasync never returns (the machine dies
 * during it), with `passCount` fdatasyncs let through first (one lets a segment cut complete).
 */
async function crashDuringSync(dir: string, seed: number, unsyncedEntries: number, passCount: number) {
  const io = new ControlledDiskIo();
  const position = new Float64Array(new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT));
  assert.equal(WriteAheadLog.readSyncedPosition(position), null);
  const { wal } = await WriteAheadLog.open(dir, { segmentSizeBytes: SEGMENT_SIZE_BYTES, diskIo: io, syncPositionOut: position });
  const prng = new Prng(seed);
  const durable: DurableState = { entries: [], hardState: { term: 0, vote: '', commit: 0 } };
  for (let batch = prng.int(1, 12); batch > 0; batch--) {
    const entries = makeEntries(prng, durable.entries.length + 1, prng.int(1, 4), 1, 60);
    const hardState = { term: 1, vote: 'n1', commit: durable.entries.length };
    wal.append(entries, hardState);
    await wal.sync();
    durable.entries.push(...entries);
    durable.hardState = hardState;
    assert.deepEqual(WriteAheadLog.readSyncedPosition(position), wal.syncedPosition);
  }
  io.hold(passCount);
  wal.append(makeEntries(prng, durable.entries.length + 1, unsyncedEntries, 1, 60), { term: 2, vote: '', commit: durable.entries.length });
  const doomed = wal.sync();
  await waitUntil(() => io.heldCount === 1, 'the last batch waits for its fdatasync');
  const published = WriteAheadLog.readSyncedPosition(position);
  assert.ok(published);
  assert.deepEqual(wal.syncedPosition, published, 'the written but unsynced batch does not count as synced');
  return { wal, io, doomed, durable, published };
}

/** Ends the dead writer's process state: its held sync fails, its files are released. */
async function buryWriter(wal: WriteAheadLog, io: ControlledDiskIo, doomed: Promise<number>): Promise<void> {
  io.failNextDatasync = new Error('power cut');
  io.releaseAll();
  await assert.rejects(doomed, /power cut/);
  await wal.close();
}

async function assertReopensTo(dir: string, durable: DurableState): Promise<void> {
  const { wal, restored } = await WriteAheadLog.open(dir, { segmentSizeBytes: SEGMENT_SIZE_BYTES });
  assert.deepEqual(plainEntries(restored.entries), plainEntries(durable.entries));
  assert.deepEqual(restored.hardState, durable.hardState);
  await wal.close();
}

test('after a power cut during a sync, reopening restores exactly what was reported durable', async () => {
  for (let seed = 1; seed <= 6; seed++) {
    await withTempDir(async (dir) => {
      const crash = await crashDuringSync(dir, seed, 2, 0);
      const files = await segmentFiles(dir);
      const lastImage = await fs.readFile(path.join(dir, files[files.length - 1]));
      assert.ok(lastImage.subarray(crash.published.offsetBytes).some((byte) => byte !== 0), 'unsynced bytes reached the file');
      await buryWriter(crash.wal, crash.io, crash.doomed);
      await WriteAheadLog.dropUnsynced(dir, crash.published);
      await assertReopensTo(dir, crash.durable);
    });
  }
});

test('a power cut after a segment cut but before its batch was synced loses only that batch', async () => {
  await withTempDir(async (dir) => {
    // 150 entries of 30 bytes on average overflow a 4 KiB segment: the flush cuts first, and the
    // new segment's head records are synced before the batch is written.
    const crash = await crashDuringSync(dir, 7, 150, 1);
    assert.equal(crash.published.segmentSeq, 2, 'the cut completed and was published');
    await buryWriter(crash.wal, crash.io, crash.doomed);
    await WriteAheadLog.dropUnsynced(dir, crash.published);
    assert.equal((await segmentFiles(dir)).length, 2);
    await assertReopensTo(dir, crash.durable);
  });
});

test('a power cut while a segment is being cut drops the half-made segment', async () => {
  await withTempDir(async (dir) => {
    const crash = await crashDuringSync(dir, 8, 150, 0);
    assert.equal(crash.published.segmentSeq, 1);
    assert.ok((await fs.readdir(dir)).includes('next-segment.wal.tmp'), 'the new segment is not in place yet');
    await buryWriter(crash.wal, crash.io, crash.doomed);
    await WriteAheadLog.dropUnsynced(dir, crash.published);
    await assertReopensTo(dir, crash.durable);
    assert.deepEqual((await fs.readdir(dir)).filter((name) => name.endsWith('.tmp')), [], 'leftovers are cleaned up');
  });
});
