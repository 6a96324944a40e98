// Binary payloads of the WAL's record types (segment start, entry, hard state, snapshot marker):
// their sizes, encoders that write whole frames into a buffer, and one decoder for all of them.
import { EntryType, type Entry, type HardState } from '../raft/types.js';
import { ByteReader, writeU64 } from './binary.js';
import { FRAME_HEADER_BYTES, RecordType, sealFrame } from './record-frame.js';

/** Node ids are short ASCII strings (see raft/types.ts); the hard state stores one as a vote. */
export const VOTE_BYTES_MAX = 64;

export interface SegmentStart {
  segmentSeq: number;
  /** The log's last index + 1 when the segment was cut (entries may later overwrite lower ones). */
  firstIndex: number;
}

/** Declares that entries up to `index` now live in the snapshot file named by (index, term). */
export interface SnapshotMarker {
  index: number;
  term: number;
  /**
   * True when the log entries after `index` stay valid (the log held (index, term) itself, as
   * Raft's snapshot rules require for keeping them); false when the snapshot replaces the log.
   */
  retainLog: boolean;
}

export type WalRecord =
  | { type: RecordType.SegmentStart; start: SegmentStart }
  | { type: RecordType.Entry; entry: Entry }
  | { type: RecordType.HardState; hardState: HardState }
  | { type: RecordType.SnapshotMarker; marker: SnapshotMarker };

const SEGMENT_START_PAYLOAD_BYTES = 16;
const ENTRY_FIXED_PAYLOAD_BYTES = 17;
const HARD_STATE_FIXED_PAYLOAD_BYTES = 17;
const SNAPSHOT_MARKER_PAYLOAD_BYTES = 17;

export const SEGMENT_START_FRAME_BYTES = FRAME_HEADER_BYTES + SEGMENT_START_PAYLOAD_BYTES;
export const SNAPSHOT_MARKER_FRAME_BYTES = FRAME_HEADER_BYTES + SNAPSHOT_MARKER_PAYLOAD_BYTES;

export function entryFrameBytes(entry: Entry): number {
  return FRAME_HEADER_BYTES + ENTRY_FIXED_PAYLOAD_BYTES + entry.data.length;
}

export function hardStateFrameBytes(hardState: HardState): number {
  return FRAME_HEADER_BYTES + HARD_STATE_FIXED_PAYLOAD_BYTES + Buffer.byteLength(hardState.vote, 'utf8');
}

export function encodeSegmentStartFrame(target: Buffer, offset: number, start: SegmentStart): number {
  let at = writeU64(target, offset + FRAME_HEADER_BYTES, start.segmentSeq);
  at = writeU64(target, at, start.firstIndex);
  return sealFrame(target, offset, RecordType.SegmentStart, SEGMENT_START_PAYLOAD_BYTES);
}

export function encodeEntryFrame(target: Buffer, offset: number, entry: Entry): number {
  let at = writeU64(target, offset + FRAME_HEADER_BYTES, entry.term);
  at = writeU64(target, at, entry.index);
  target[at] = entry.type;
  target.set(entry.data, at + 1);
  return sealFrame(target, offset, RecordType.Entry, ENTRY_FIXED_PAYLOAD_BYTES + entry.data.length);
}

export function encodeHardStateFrame(target: Buffer, offset: number, hardState: HardState): number {
  let at = writeU64(target, offset + FRAME_HEADER_BYTES, hardState.term);
  at = writeU64(target, at, hardState.commit);
  const voteBytes = target.write(hardState.vote, at + 1, 'utf8');
  if (voteBytes !== Buffer.byteLength(hardState.vote, 'utf8') || voteBytes > VOTE_BYTES_MAX) {
    throw new RangeError(`vote '${hardState.vote}' does not fit in ${VOTE_BYTES_MAX} bytes`);
  }
  target[at] = voteBytes;
  return sealFrame(target, offset, RecordType.HardState, HARD_STATE_FIXED_PAYLOAD_BYTES + voteBytes);
}

export function encodeSnapshotMarkerFrame(target: Buffer, offset: number, marker: SnapshotMarker): number {
  let at = writeU64(target, offset + FRAME_HEADER_BYTES, marker.index);
  at = writeU64(target, at, marker.term);
  target[at] = marker.retainLog ? 1 : 0;
  return sealFrame(target, offset, RecordType.SnapshotMarker, SNAPSHOT_MARKER_PAYLOAD_BYTES);
}

function decodeEntry(reader: ByteReader): Entry {
  const term = reader.u64();
  const index = reader.u64();
  const type = reader.u8();
  if (type !== EntryType.Normal && type !== EntryType.ConfChange) throw new RangeError(`unknown entry type ${type}`);
  // Copy the data out so that a restored entry does not pin the whole segment buffer in memory.
  const data = new Uint8Array(reader.bytesOf(reader.remainingBytes));
  return { term, index, type: type as EntryType, data };
}

function decodeHardState(reader: ByteReader): HardState {
  const term = reader.u64();
  const commit = reader.u64();
  const voteBytes = reader.u8();
  if (voteBytes > VOTE_BYTES_MAX) throw new RangeError(`vote length ${voteBytes} exceeds ${VOTE_BYTES_MAX}`);
  const vote = reader.bytesOf(voteBytes).toString('utf8');
  return { term, vote, commit };
}

/** Decodes a checksummed payload; throws RangeError if it is malformed for its type. */
export function decodeRecord(type: RecordType, payload: Buffer): WalRecord {
  const reader = new ByteReader(payload);
  let record: WalRecord;
  switch (type) {
    case RecordType.SegmentStart:
      record = { type, start: { segmentSeq: reader.u64(), firstIndex: reader.u64() } };
      break;
    case RecordType.Entry:
      record = { type, entry: decodeEntry(reader) };
      break;
    case RecordType.HardState:
      record = { type, hardState: decodeHardState(reader) };
      break;
    case RecordType.SnapshotMarker: {
      const index = reader.u64();
      const term = reader.u64();
      const retainFlag = reader.u8();
      if (retainFlag > 1) throw new RangeError(`invalid retain flag ${retainFlag}`);
      record = { type, marker: { index, term, retainLog: retainFlag === 1 } };
      break;
    }
  }
  reader.end();
  return record;
}
