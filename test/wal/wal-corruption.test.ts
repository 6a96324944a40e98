// Damage before the tail must never be silently dropped: a flipped bit in any byte of a record
// that valid data follows, stray bytes in an older segment, or a missing segment all fail open()
// with an error naming the file and byte offset.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { Prng } from '../../src/util/prng.js';
import { WalCorruptionError } from '../../src/wal/corruption-error.js';
import { segmentFileName } from '../../src/wal/file-names.js';
import { WriteAheadLog } from '../../src/wal/wal.js';
import { makeEntries, segmentFiles, withTempDir } from './wal-fixtures.js';

const OPTIONS = { segmentSizeBytes: 4096 };

interface RecordSpan {
  fileName: string;
  start: number;
  end: number;
}

/** Appends one entry per sync until the third segment holds five; returns each record's span. */
async function writeSpans(dir: string): Promise<RecordSpan[]> {
  const prng = new Prng(31);
  const { wal } = await WriteAheadLog.open(dir, OPTIONS);
  const spans: RecordSpan[] = [];
  let spansInThird = 0;
  for (let index = 1; spansInThird < 5; index++) {
    const start = wal.syncedPosition;
    wal.append(makeEntries(prng, index, 1, 1, 80), null);
    await wal.sync();
    const end = wal.syncedPosition;
    if (end.segmentSeq !== start.segmentSeq) continue;
    const files = await segmentFiles(dir);
    const fileName = files.find((name) => name.startsWith(segmentFileName(end.segmentSeq, 0).slice(0, 17)));
    assert.ok(fileName);
    spans.push({ fileName, start: start.offsetBytes, end: end.offsetBytes });
    if (end.segmentSeq === 3) spansInThird++;
  }
  await wal.close();
  return spans;
}

async function assertEveryBitFlipFails(dir: string, span: RecordSpan): Promise<void> {
  const filePath = path.join(dir, span.fileName);
  const image = await fs.readFile(filePath);
  for (let at = span.start; at < span.end; at++) {
    const flipped = Buffer.from(image);
    flipped[at] ^= 1 << (at % 8);
    await fs.writeFile(filePath, flipped);
    await assert.rejects(WriteAheadLog.open(dir, OPTIONS), (error: Error) => {
      assert.ok(error instanceof WalCorruptionError, `${error.message} (flip at ${at})`);
      assert.equal(error.fileName, span.fileName);
      assert.equal(error.offsetBytes, span.start);
      assert.match(error.message, new RegExp(`${span.fileName} at byte offset ${span.start}:`));
      return true;
    });
  }
  await fs.writeFile(filePath, image);
}

test('a bit flip in any byte of a record followed by valid ones fails open, naming file and offset', async () => {
  await withTempDir(async (dir) => {
    const spans = await writeSpans(dir);
    const files = await segmentFiles(dir);
    const lastFile = files[files.length - 1];
    const inLast = spans.filter((span) => span.fileName === lastFile);
    await assertEveryBitFlipFails(dir, inLast[1]);
    await assertEveryBitFlipFails(dir, spans.filter((span) => span.fileName === files[0])[2]);
    // The last record of an older segment is no tail either.
    await assertEveryBitFlipFails(dir, spans.filter((span) => span.fileName === files[1]).at(-1) as RecordSpan);
    const { wal, restored } = await WriteAheadLog.open(dir, OPTIONS);
    assert.equal(restored.entries.length, wal.lastIndex, 'the undamaged log still opens');
    await wal.close();
  });
});

test('stray bytes in the unused space of an older segment fail open', async () => {
  await withTempDir(async (dir) => {
    const spans = await writeSpans(dir);
    const [first] = await segmentFiles(dir);
    const lastInFirst = spans.filter((span) => span.fileName === first).at(-1) as RecordSpan;
    const handle = await fs.open(path.join(dir, first), 'r+');
    await handle.write(Buffer.from([7]), 0, 1, lastInFirst.end + 100);
    await handle.close();
    await assert.rejects(WriteAheadLog.open(dir, OPTIONS), new RegExp(`${first} at byte offset ${lastInFirst.end}: .*not the last`));
  });
});

test('a missing segment in the sequence fails open', async () => {
  await withTempDir(async (dir) => {
    await writeSpans(dir);
    const files = await segmentFiles(dir);
    await fs.unlink(path.join(dir, files[1]));
    await assert.rejects(WriteAheadLog.open(dir, OPTIONS), new RegExp(`${files[2]} at byte offset 0: segment 2 is missing`));
  });
});

test('a removed oldest segment that no snapshot covers fails open', async () => {
  await withTempDir(async (dir) => {
    await writeSpans(dir);
    const files = await segmentFiles(dir);
    await fs.unlink(path.join(dir, files[0]));
    await assert.rejects(WriteAheadLog.open(dir, OPTIONS), /neither in a segment nor in a snapshot/);
  });
});

test('a tail too damaged to search cheaply counts as corruption, not as a torn tail', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, OPTIONS);
    wal.append(makeEntries(new Prng(32), 1, 2, 1), null);
    await wal.close();
    const [fileName] = await segmentFiles(dir);
    const filePath = path.join(dir, fileName);
    const image = await fs.readFile(filePath);
    const end = wal.syncedPosition.offsetBytes;
    // Every 9th byte starts a plausible header (length 255, type 2) whose checksum must be tried.
    for (let at = end; at < image.length; at++) image[at] = (at - end) % 9 === 0 ? 0xff : (at - end) % 9 === 8 ? 2 : 0;
    await fs.writeFile(filePath, image);
    await assert.rejects(WriteAheadLog.open(dir, OPTIONS), new RegExp(`${fileName} at byte offset ${end}: checksum mismatch; gave up`));
  });
});
