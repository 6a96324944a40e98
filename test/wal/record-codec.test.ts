// Record framing and payload codecs: every record type survives a round trip, the portable CRC
// agrees with zlib's, and each kind of damaged frame is recognised as invalid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { EntryType } from '../../src/raft/types.js';
import { Prng } from '../../src/util/prng.js';
import { crc32Portable } from '../../src/wal/checksum.js';
import { RecordType, readFrameAt } from '../../src/wal/record-frame.js';
import {
  SEGMENT_START_FRAME_BYTES,
  SNAPSHOT_MARKER_FRAME_BYTES,
  decodeRecord,
  encodeEntryFrame,
  encodeHardStateFrame,
  encodeSegmentStartFrame,
  encodeSnapshotMarkerFrame,
  entryFrameBytes,
  hardStateFrameBytes,
} from '../../src/wal/record-codec.js';

const LIMIT = 1 << 20;

function randomBytes(prng: Prng, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => prng.int(0, 256));
}

test('the portable CRC-32 matches zlib.crc32, including continued checksums', () => {
  const prng = new Prng(7);
  for (const length of [0, 1, 9, 100, 4096]) {
    const data = randomBytes(prng, length);
    assert.equal(crc32Portable(data), zlib.crc32(data));
    assert.equal(crc32Portable(data, 0xdeadbeef), zlib.crc32(data, 0xdeadbeef));
  }
});

test('every record type survives encode and decode', () => {
  const entry = { term: 2 ** 40 + 3, index: 2 ** 33 + 1, type: EntryType.ConfChange, data: randomBytes(new Prng(1), 300) };
  const hardState = { term: 9, vote: 'node-é', commit: 2 ** 52 };
  const buffer = Buffer.alloc(SEGMENT_START_FRAME_BYTES + entryFrameBytes(entry) + hardStateFrameBytes(hardState) + SNAPSHOT_MARKER_FRAME_BYTES);
  let at = encodeSegmentStartFrame(buffer, 0, { segmentSeq: 12, firstIndex: 345 });
  at = encodeEntryFrame(buffer, at, entry);
  at = encodeHardStateFrame(buffer, at, hardState);
  at = encodeSnapshotMarkerFrame(buffer, at, { index: 77, term: 5, retainLog: false });
  assert.equal(at, buffer.length);

  const decoded = [];
  for (let offset = 0; offset < buffer.length; ) {
    const frame = readFrameAt(buffer, offset, LIMIT);
    assert.ok(frame.ok, `frame at ${offset}`);
    decoded.push(decodeRecord(frame.type, frame.payload));
    offset = frame.endOffsetBytes;
  }
  assert.deepEqual(decoded, [
    { type: RecordType.SegmentStart, start: { segmentSeq: 12, firstIndex: 345 } },
    { type: RecordType.Entry, entry: { ...entry, data: new Uint8Array(entry.data) } },
    { type: RecordType.HardState, hardState },
    { type: RecordType.SnapshotMarker, marker: { index: 77, term: 5, retainLog: false } },
  ]);
});

test('damaged frames are reported invalid with a reason', () => {
  const entry = { term: 1, index: 1, type: EntryType.Normal, data: randomBytes(new Prng(2), 40) };
  const frame = Buffer.alloc(entryFrameBytes(entry));
  encodeEntryFrame(frame, 0, entry);
  const reasonFor = (bytes: Buffer, limit = LIMIT): string => {
    const read = readFrameAt(bytes, 0, limit);
    assert.equal(read.ok, false);
    return read.ok ? '' : read.reason;
  };
  assert.match(reasonFor(frame.subarray(0, 5)), /incomplete record header/);
  assert.match(reasonFor(frame.subarray(0, frame.length - 1)), /past the end/);
  assert.match(reasonFor(Buffer.alloc(32)), /invalid record type 0/);
  assert.match(reasonFor(frame, 32), /exceeds the limit/);
  for (const offset of [4, 8, 9, frame.length - 1]) {
    const flipped = Buffer.from(frame);
    flipped[offset] ^= 0x10;
    assert.notEqual(reasonFor(flipped), '', `flip at ${offset}`);
  }
});

test('malformed payloads and oversized votes are refused', () => {
  assert.throws(() => decodeRecord(RecordType.HardState, Buffer.alloc(5)), RangeError);
  assert.throws(() => decodeRecord(RecordType.SegmentStart, Buffer.alloc(17)), /trailing/);
  const longVote = { term: 1, vote: 'x'.repeat(65), commit: 0 };
  assert.throws(() => encodeHardStateFrame(Buffer.alloc(hardStateFrameBytes(longVote)), 0, longVote), /does not fit/);
});
