// The WAL times each flush (write and fdatasync) into a running histogram: one value per batch,
// as long as the flush waited for its fdatasync, whether done on the pool or at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Prng } from '../../src/util/prng.js';
import { LogLinearHistogram } from '../../src/util/log-linear-histogram.js';
import { WriteAheadLog } from '../../src/wal/wal.js';
import { ControlledDiskIo, makeEntries, waitUntil, withTempDir } from './wal-fixtures.js';

/** How long the held fdatasync is kept back: far above any real one, so the timing must include it. */
const HELD_MS = 60;

test('a flush is timed from its write to its durability, a held fdatasync included', async () => {
  await withTempDir(async (dir) => {
    const io = new ControlledDiskIo();
    const { wal } = await WriteAheadLog.open(dir, { diskIo: io });
    const before = wal.timings.flushDurationsUs;
    const prng = new Prng(7);
    io.hold();
    wal.append(makeEntries(prng, 1, 3, 1), null);
    const synced = wal.sync();
    await waitUntil(() => io.heldCount === 1, 'the fdatasync held');
    await sleep(HELD_MS);
    io.releaseAll();
    await synced;
    const window = LogLinearHistogram.since(wal.timings.flushDurationsUs, before);
    assert.equal(window.count, 1, 'one batch, one flush timed');
    assert.ok(window.min >= HELD_MS * 1000 * (1 - 1 / 128), `timed ${window.min} µs for a flush held ${HELD_MS} ms`);
    assert.ok(window.max < 10_000_000, `timed ${window.max} µs`);
    await wal.close();
  });
});

test('every flush is timed once, at once (sync(true)) or through group commit, and cuts are not flushes', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, { syncMode: 'sync', segmentSizeBytes: 16 * 1024 });
    const prng = new Prng(8);
    const before = wal.timings.flushDurationsUs;
    const flushesBefore = wal.stats.flushes;
    for (let i = 0; i < 400; i++) {
      wal.append(makeEntries(prng, i + 1, 1, 1, 200), null);
      await wal.sync(i % 2 === 0);
    }
    assert.ok(wal.stats.segmentsCreated > 1, 'the log was cut into new segments on the way');
    const window = LogLinearHistogram.since(wal.timings.flushDurationsUs, before);
    assert.equal(window.count, wal.stats.flushes - flushesBefore);
    assert.equal(window.count, 400);
    assert.ok(window.min > 0, 'a write and an fdatasync take some time');
    await wal.close();
  });
});
