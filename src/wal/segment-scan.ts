// Walks the frames of one segment image and decides where its valid data ends. Only the last
// segment may end in a torn tail (a write cut short by a crash); anything invalid that is followed
// by valid data, or any damage in an older segment, is corruption and throws.
import { WalCorruptionError } from './corruption-error.js';
import { FRAME_HEADER_BYTES, readFrameAt, readFrameHeaderAt, type RecordType } from './record-frame.js';

export interface ScannedFrame {
  type: RecordType;
  payload: Buffer;
  offsetBytes: number;
}

export interface SegmentScan {
  /** Offset just past the last valid record: where appending continues. */
  endOffsetBytes: number;
  /** Offset just past the last non-zero byte; (end, dirtyEnd) holds a torn tail to zero out. */
  dirtyEndBytes: number;
}

const ZERO_CHUNK = Buffer.alloc(64 * 1024);

/** The offset just past the last non-zero byte at or after `from` (or `from` if all are zero). */
function endOfNonZeroBytes(source: Buffer, from: number): number {
  let chunkEnd = source.length;
  while (chunkEnd > from) {
    const chunkStart = Math.max(from, chunkEnd - ZERO_CHUNK.length);
    const chunk = source.subarray(chunkStart, chunkEnd);
    if (!chunk.equals(ZERO_CHUNK.subarray(0, chunk.length))) {
      let last = chunkEnd - 1;
      while (source[last] === 0) last--;
      return last + 1;
    }
    chunkEnd = chunkStart;
  }
  return from;
}

/**
 * Checksumming every plausible frame in a large damaged region could take hours; past this many
 * bytes per byte of file the search gives up and the damage counts as corruption (fail-safe).
 */
const SEARCH_CHECKSUM_BYTES_PER_FILE_BYTE = 8;

/**
 * The first offset in [from, before) where a valid frame starts, or -1 if none does. Throws
 * RangeError when the search exceeds its checksum budget.
 */
function findValidFrame(source: Buffer, from: number, before: number, recordSizeBytesMax: number): number {
  // A frame's type byte (its last header byte) is never zero, so a frame starting at or after
  // `before` - 8 would have its type byte in the all-zero region: none can start there.
  const candidatesEnd = before - (FRAME_HEADER_BYTES - 1);
  let budgetBytes = SEARCH_CHECKSUM_BYTES_PER_FILE_BYTE * source.length;
  for (let offset = from; offset < candidatesEnd; offset++) {
    const header = readFrameHeaderAt(source, offset, recordSizeBytesMax);
    if (!header.ok) continue;
    budgetBytes -= header.endOffsetBytes - offset;
    if (budgetBytes < 0) throw new RangeError(`gave up looking for valid records after the damage at byte offset ${offset}`);
    if (readFrameAt(source, offset, recordSizeBytesMax).ok) return offset;
  }
  return -1;
}

/**
 * Calls `onFrame` for each valid frame in order and returns where the valid data ends. Throws
 * WalCorruptionError when the damage cannot be a torn tail of the last segment.
 */
export function scanSegment(
  source: Buffer,
  fileName: string,
  isLastSegment: boolean,
  recordSizeBytesMax: number,
  onFrame: (frame: ScannedFrame) => void,
): SegmentScan {
  let offset = 0;
  let stopReason = 'end of file';
  while (offset < source.length) {
    const frame = readFrameAt(source, offset, recordSizeBytesMax);
    if (!frame.ok) {
      stopReason = frame.reason;
      break;
    }
    onFrame({ type: frame.type, payload: frame.payload, offsetBytes: offset });
    offset = frame.endOffsetBytes;
  }
  const dirtyEndBytes = endOfNonZeroBytes(source, offset);
  if (dirtyEndBytes === offset) return { endOffsetBytes: offset, dirtyEndBytes };
  if (!isLastSegment) {
    throw new WalCorruptionError(fileName, offset, `${stopReason} in a segment that is not the last`);
  }
  let laterFrame: number;
  try {
    laterFrame = findValidFrame(source, offset + 1, dirtyEndBytes, recordSizeBytesMax);
  } catch (error) {
    throw new WalCorruptionError(fileName, offset, `${stopReason}; ${(error as Error).message}`);
  }
  if (laterFrame >= 0) {
    throw new WalCorruptionError(fileName, offset, `${stopReason}, yet a valid record follows at byte offset ${laterFrame}`);
  }
  return { endOffsetBytes: offset, dirtyEndBytes };
}
