// Torn tails: a crash may leave the last record of the last segment cut short, zeroed, or full of
// garbage. For every byte offset inside that record, reopening must restore exactly the records
// before it, erase the damage, and go on appending where they end.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { Entry } from '../../src/raft/types.js';
import { Prng } from '../../src/util/prng.js';
import { WriteAheadLog } from '../../src/wal/wal.js';
import { makeEntries, plainEntries, segmentFiles, withTempDir } from './wal-fixtures.js';

const OPTIONS = { segmentSizeBytes: 8192 };
type Damage = 'truncate' | 'zero-fill' | 'garbage';

/** Writes a few synced batches and returns the segment image and where its last record lies. */
async function writeLog(dir: string, prng: Prng) {
  const { wal } = await WriteAheadLog.open(dir, OPTIONS);
  const kept: Entry[] = [];
  for (let batch = 0; batch < 4; batch++) {
    const entries = makeEntries(prng, kept.length + 1, 3, 1, 40);
    kept.push(...entries);
    wal.append(entries, { term: 1, vote: 'n1', commit: kept.length - 3 });
    await wal.sync();
  }
  const lastStart = wal.syncedPosition.offsetBytes;
  const [lastEntry] = makeEntries(prng, kept.length + 1, 1, 1, 40);
  wal.append([lastEntry], null);
  await wal.sync();
  const lastEnd = wal.syncedPosition.offsetBytes;
  await wal.close();
  const [segment] = await segmentFiles(dir);
  assert.equal((await segmentFiles(dir)).length, 1);
  const segmentPath = path.join(dir, segment);
  return { segmentPath, image: await fs.readFile(segmentPath), kept, lastEntry, lastStart, lastEnd };
}

function damaged(image: Buffer, cut: number, end: number, damage: Damage, prng: Prng): Buffer {
  if (damage === 'truncate') return Buffer.from(image.subarray(0, cut));
  const copy = Buffer.from(image);
  for (let at = cut; at < end; at++) copy[at] = damage === 'zero-fill' ? 0 : prng.int(1, 256);
  return copy;
}

test('every torn variant of the last record recovers the prefix and appends after it', async () => {
  await withTempDir(async (dir) => {
    const prng = new Prng(21);
    const log = await writeLog(dir, prng);
    assert.ok(log.lastEnd - log.lastStart > 26, 'the last record has a header and a payload');
    let checked = 0;
    for (const damage of ['truncate', 'zero-fill', 'garbage'] as const) {
      for (let cut = log.lastStart; cut < log.lastEnd; cut++) {
        await fs.writeFile(log.segmentPath, damaged(log.image, cut, log.lastEnd, damage, prng));
        const first = await WriteAheadLog.open(dir, OPTIONS);
        const context = `${damage} at ${cut}`;
        assert.deepEqual(plainEntries(first.restored.entries), plainEntries(log.kept), context);
        assert.deepEqual(first.restored.hardState, { term: 1, vote: 'n1', commit: log.kept.length - 3 }, context);
        assert.equal(first.wal.syncedPosition.offsetBytes, log.lastStart, context);
        // The damaged bytes are gone: a shorter record written now is followed only by zeros.
        const replacement = { ...log.lastEntry, data: new Uint8Array([cut & 0xff]) };
        first.wal.append([replacement], null);
        await first.wal.close();
        const second = await WriteAheadLog.open(dir, OPTIONS);
        assert.deepEqual(plainEntries(second.restored.entries), plainEntries([...log.kept, replacement]), context);
        await second.wal.close();
        checked++;
      }
    }
    assert.equal(checked, 3 * (log.lastEnd - log.lastStart));
  });
});

test('a repaired segment is preallocated again to its full size', async () => {
  await withTempDir(async (dir) => {
    const log = await writeLog(dir, new Prng(22));
    await fs.truncate(log.segmentPath, log.lastStart + 3);
    const { wal } = await WriteAheadLog.open(dir, OPTIONS);
    await wal.close();
    assert.equal((await fs.stat(log.segmentPath)).size, OPTIONS.segmentSizeBytes);
  });
});
