// Snapshot files: one checksummed file per snapshot, written atomically (temp file, fdatasync,
// rename, directory fsync) and verified in full when loaded. Layout: "RYSNAP01", u32 crc32 of the
// rest, u32 meta length, u64 data length, meta (index, term, voters), then the state-machine data.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Snapshot, SnapshotMeta } from '../raft/types.js';
import { ByteReader, writeU64 } from './binary.js';
import { crc32 } from './checksum.js';
import { WalCorruptionError } from './corruption-error.js';
import { writeFileAtomically } from './durable-fs.js';
import { snapshotFileName } from './file-names.js';

const MAGIC = Buffer.from('RYSNAP01', 'latin1');
const CRC_OFFSET = MAGIC.length;
const CHECKED_FROM = CRC_OFFSET + 4;
const HEADER_BYTES = CHECKED_FROM + 4 + 8;
const VOTER_BYTES_MAX = 64;
const VOTERS_MAX = 0xffff;

function encodeMeta(meta: SnapshotMeta): Buffer {
  if (meta.voters.length > VOTERS_MAX) throw new RangeError(`snapshot names ${meta.voters.length} voters`);
  const voterBytes = meta.voters.map((voter) => Buffer.from(voter, 'utf8'));
  const tooLong = voterBytes.findIndex((bytes) => bytes.length > VOTER_BYTES_MAX);
  if (tooLong >= 0) throw new RangeError(`voter id '${meta.voters[tooLong]}' exceeds ${VOTER_BYTES_MAX} bytes`);
  const out = Buffer.alloc(18 + voterBytes.reduce((sum, bytes) => sum + 1 + bytes.length, 0));
  let at = writeU64(out, writeU64(out, 0, meta.index), meta.term);
  at = out.writeUInt16LE(meta.voters.length, at);
  for (const bytes of voterBytes) {
    out[at] = bytes.length;
    out.set(bytes, at + 1);
    at += 1 + bytes.length;
  }
  return out;
}

function decodeMeta(bytes: Buffer): SnapshotMeta {
  const reader = new ByteReader(bytes);
  const index = reader.u64();
  const term = reader.u64();
  const voters = Array.from({ length: reader.u16() }, () => reader.bytesOf(reader.u8()).toString('utf8'));
  reader.end();
  return { index, term, voters };
}

/** The file's bytes as chunks (header + meta, then the data uncopied). */
function encodeSnapshotFile(snapshot: Snapshot): Uint8Array[] {
  const meta = encodeMeta(snapshot.meta);
  const head = Buffer.alloc(HEADER_BYTES + meta.length);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(meta.length, CHECKED_FROM);
  writeU64(head, CHECKED_FROM + 4, snapshot.data.length);
  meta.copy(head, HEADER_BYTES);
  head.writeUInt32LE(crc32(snapshot.data, crc32(head.subarray(CHECKED_FROM))), CRC_OFFSET);
  return [head, snapshot.data];
}

/** Parses and verifies a snapshot file image; throws WalCorruptionError naming the file. */
function decodeSnapshotFile(image: Buffer, fileName: string): Snapshot {
  if (image.length < HEADER_BYTES || !image.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new WalCorruptionError(fileName, 0, 'not a snapshot file (bad magic or too short)');
  }
  const reader = new ByteReader(image.subarray(CHECKED_FROM, HEADER_BYTES));
  const metaBytes = reader.u32();
  const dataBytes = reader.u64();
  const expectedBytes = HEADER_BYTES + metaBytes + dataBytes;
  if (expectedBytes !== image.length) {
    throw new WalCorruptionError(fileName, CHECKED_FROM, `lengths say ${expectedBytes} bytes, file has ${image.length}`);
  }
  if (crc32(image.subarray(CHECKED_FROM)) !== image.readUInt32LE(CRC_OFFSET)) {
    throw new WalCorruptionError(fileName, CRC_OFFSET, 'snapshot checksum mismatch');
  }
  const metaEnd = HEADER_BYTES + metaBytes;
  let meta: SnapshotMeta;
  try {
    meta = decodeMeta(image.subarray(HEADER_BYTES, metaEnd));
  } catch (error) {
    throw new WalCorruptionError(fileName, HEADER_BYTES, `malformed snapshot meta: ${(error as Error).message}`);
  }
  return { meta, data: new Uint8Array(image.buffer, image.byteOffset + metaEnd, dataBytes) };
}

/** Writes the snapshot durably under its canonical name; returns the file name. */
export async function saveSnapshotFile(dir: string, snapshot: Snapshot): Promise<string> {
  const fileName = snapshotFileName(snapshot.meta.index, snapshot.meta.term);
  await writeFileAtomically(path.join(dir, fileName), encodeSnapshotFile(snapshot));
  return fileName;
}

/** Loads and verifies the snapshot (index, term); a missing or damaged file throws. */
export async function loadSnapshotFile(dir: string, index: number, term: number, sizeBytesMax: number): Promise<Snapshot> {
  const fileName = snapshotFileName(index, term);
  const filePath = path.join(dir, fileName);
  const { size } = await fs.stat(filePath);
  if (size > sizeBytesMax) throw new WalCorruptionError(fileName, 0, `snapshot of ${size} bytes exceeds ${sizeBytesMax}`);
  const snapshot = decodeSnapshotFile(await fs.readFile(filePath), fileName);
  if (snapshot.meta.index !== index || snapshot.meta.term !== term) {
    throw new WalCorruptionError(fileName, HEADER_BYTES, `holds (${snapshot.meta.index}, ${snapshot.meta.term})`);
  }
  return snapshot;
}
