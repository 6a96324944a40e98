// warmWritePath: rewriting the zeros where the next batch goes changes no byte on disk and nothing
// recovery finds; it happens only between flushes with an io that writes on the calling thread,
// and a failure is reported once and ends the warming without harming the WAL.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { Entry } from '../../src/raft/types.js';
import { Prng } from '../../src/util/prng.js';
import { diskIoFor } from '../../src/wal/disk-io.js';
import { WriteAheadLog } from '../../src/wal/wal.js';
import { waitUntil } from '../support/wait-until.js';
import { ControlledDiskIo, makeEntries, plainEntries, segmentFiles, withTempDir } from './wal-fixtures.js';

/** Every segment file's bytes, by name. */
async function segmentBytes(dir: string): Promise<Map<string, Buffer>> {
  const bytes = new Map<string, Buffer>();
  for (const name of await segmentFiles(dir)) bytes.set(name, await fs.readFile(path.join(dir, name)));
  return bytes;
}

/** A ControlledDiskIo that also rewrites in place on the calling thread, and counts or fails that. */
class RewritingDiskIo extends ControlledDiskIo {
  rewrites = 0;
  failNextRewrite: Error | null = null;
  private readonly blocking = diskIoFor('sync');

  rewriteInPlace(fd: number, data: Uint8Array, positionBytes: number): void {
    this.rewrites++;
    const failure = this.failNextRewrite;
    if (failure) {
      this.failNextRewrite = null;
      throw failure;
    }
    this.blocking.rewriteInPlace!(fd, data, positionBytes);
  }
}

/** A WAL on a RewritingDiskIo in `dir`, and `count` entries (seeded) for it to log. */
async function openRewriting(dir: string, seed: number, count: number, segmentSizeBytes?: number) {
  const io = new RewritingDiskIo();
  const { wal } = await WriteAheadLog.open(dir, { diskIo: io, segmentSizeBytes });
  return { io, wal, entries: makeEntries(new Prng(seed), 1, count, 1, 40) };
}

/** Opens `dir` again and checks that it restores exactly `entries`. */
async function assertRestores(dir: string, entries: readonly Entry[], message?: string): Promise<void> {
  const { wal, restored } = await WriteAheadLog.open(dir);
  await wal.close();
  assert.deepEqual(plainEntries(restored.entries), plainEntries(entries), message);
}

for (const syncMode of ['sync', 'auto'] as const) {
  test(`a warm write changes no byte of the segments and nothing recovery finds (${syncMode})`, async () => {
    await withTempDir(async (dir) => {
      const { wal } = await WriteAheadLog.open(dir, { syncMode, segmentSizeBytes: 1 << 20 });
      const entries = makeEntries(new Prng(7), 1, 6, 1, 48);
      wal.append(entries.slice(0, 3), { term: 1, vote: 'n1', commit: 2 });
      await wal.sync();
      const before = await segmentBytes(dir);
      assert.equal(wal.warmWritePath(), true);
      assert.equal(wal.warmWritePath(), true);
      assert.equal(wal.stats.warmWrites, 2);
      assert.deepEqual(await segmentBytes(dir), before, 'the segments are byte for byte the same');
      // The next batch lands where the warm writes went, and both batches are recovered.
      wal.append(entries.slice(3), { term: 1, vote: 'n1', commit: 5 });
      await wal.sync();
      await wal.close();
      const { wal: reopened, restored } = await WriteAheadLog.open(dir, { syncMode });
      await reopened.close();
      assert.deepEqual(plainEntries(restored.entries), plainEntries(entries));
      assert.deepEqual(restored.hardState, { term: 1, vote: 'n1', commit: 5 });
    });
  });
}

test('an io whose writes leave the calling thread is never warmed', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, { syncMode: 'async' });
    wal.append(makeEntries(new Prng(8), 1, 2, 1), null);
    await wal.sync();
    assert.equal(wal.warmWritePath(), false);
    assert.equal(wal.stats.warmWrites, 0);
    await wal.close();
  });
});

test('no warm write while a flush runs or after close; appended records wait for theirs', async () => {
  await withTempDir(async (dir) => {
    const { io, wal, entries } = await openRewriting(dir, 9, 2);
    wal.append(entries, null);
    // Appended records are in memory only: the zeros after the offset are still zeros.
    assert.equal(wal.warmWritePath(), true, 'appended, no flush asked for');
    assert.equal(io.rewrites, 1);
    io.hold();
    const syncing = wal.sync();
    assert.equal(wal.warmWritePath(), false, 'a flush is asked for');
    // The batch's write goes through the thread pool first, which a loaded machine may delay.
    await waitUntil(() => io.heldCount === 1, 'the flush waits for its fdatasync');
    assert.equal(wal.warmWritePath(), false, 'its fdatasync is under way');
    io.releaseAll();
    await syncing;
    assert.equal(io.rewrites, 1);
    assert.equal(wal.warmWritePath(), true, 'between flushes');
    assert.equal(io.rewrites, 2);
    await wal.close();
    assert.equal(wal.warmWritePath(), false, 'closed');
    assert.equal(io.rewrites, 2);
    await assertRestores(dir, entries, 'the flushed batch went where the zeros were rewritten');
  });
});

test('a failed warm write is thrown once, ends the warming, and leaves the WAL working', async () => {
  await withTempDir(async (dir) => {
    const { io, wal, entries } = await openRewriting(dir, 10, 4);
    wal.append(entries.slice(0, 2), null);
    await wal.sync();
    io.failNextRewrite = new Error('EIO: simulated');
    assert.throws(() => wal.warmWritePath(), /EIO: simulated/);
    assert.equal(wal.warmWritePath(), false, 'no more warming after a failure');
    assert.equal(io.rewrites, 1);
    assert.equal(wal.stats.warmWrites, 0);
    wal.append(entries.slice(2), null);
    assert.equal(await wal.sync(), 2);
    await wal.close();
    await assertRestores(dir, entries);
  });
});

test('no warm write where the next batch would not fit in the preallocated segment', async () => {
  await withTempDir(async (dir) => {
    const { wal, entries } = await openRewriting(dir, 11, 200, 4096);
    // Small batches fill the first segment until too few zeros are left after them to warm.
    const [head] = await segmentFiles(dir);
    let logged = 0;
    for (;;) {
      const size = (await fs.stat(path.join(dir, head!))).size;
      if (!wal.warmWritePath()) break;
      assert.equal((await fs.stat(path.join(dir, head!))).size, size, 'a warm write never grows the file');
      assert.ok(logged < entries.length, 'a 4 KiB segment fills within 200 entries');
      wal.append([entries[logged++]!], null);
      await wal.sync();
    }
    assert.equal((await segmentFiles(dir)).length, 1, 'still the first segment: it stopped at its end');
    await wal.close();
    await assertRestores(dir, entries.slice(0, logged));
  });
});
