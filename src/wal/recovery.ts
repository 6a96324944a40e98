// Rebuilds the log a WAL directory holds: checks that segments form an unbroken sequence, replays
// every record in order (later entries overwrite, markers compact or replace the log), loads the
// snapshot the last marker names, and reports where appending must continue.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Entry, HardState, RaftRestoreState } from '../raft/types.js';
import { WalCorruptionError } from './corruption-error.js';
import { parseSegmentFileName } from './file-names.js';
import { IndexedLog } from './indexed-log.js';
import { FRAME_HEADER_BYTES, RecordType } from './record-frame.js';
import { decodeRecord, type SegmentStart, type SnapshotMarker, type WalRecord } from './record-codec.js';
import { scanSegment, type ScannedFrame } from './segment-scan.js';
import type { RecoveredTail, SegmentInfo } from './segment-writer.js';
import { loadSnapshotFile } from './snapshot-file.js';

export interface RecoveryLimits {
  recordSizeBytesMax: number;
  snapshotSizeBytesMax: number;
}

export interface RecoveredWal {
  restored: RaftRestoreState;
  tail: RecoveredTail;
}

type NamedSegment = SegmentInfo & { fileName: string };

/** Each segment begins with these records, in this order. */
const HEAD_RECORD_TYPES = [RecordType.SegmentStart, RecordType.HardState, RecordType.SnapshotMarker] as const;

/** The segments in the directory, in sequence order; a gap in the sequence is corruption. */
async function listSegments(dir: string): Promise<NamedSegment[]> {
  const segments = (await fs.readdir(dir)).flatMap((fileName) => {
    const parsed = parseSegmentFileName(fileName);
    return parsed ? [{ ...parsed, fileName }] : [];
  });
  segments.sort((a, b) => a.segmentSeq - b.segmentSeq);
  for (let k = 1; k < segments.length; k++) {
    const expected = segments[k - 1].segmentSeq + 1;
    if (segments[k].segmentSeq !== expected) {
      throw new WalCorruptionError(segments[k].fileName, 0, `segment ${expected} is missing before it`);
    }
  }
  return segments;
}

/**
 * The log as the records read so far describe it. Once old segments were removed, the oldest
 * segment kept may start after entries that now exist only in a snapshot whose marker comes later:
 * until such a marker, the entries up to the base are unknown (the base is provisional).
 */
class LogReplay {
  hardState: HardState = { term: 0, vote: '', commit: 0 };
  snapshot: { index: number; term: number } = { index: 0, term: 0 };
  readonly log = new IndexedLog<Entry>();
  private provisionalBase = false;

  apply(record: WalRecord, segment: SegmentInfo, isFirstSegment: boolean): void {
    switch (record.type) {
      case RecordType.SegmentStart:
        this.startSegment(record.start, segment, isFirstSegment);
        break;
      case RecordType.Entry:
        this.applyEntry(record.entry);
        break;
      case RecordType.HardState:
        this.hardState = record.hardState;
        break;
      case RecordType.SnapshotMarker:
        this.applyMarker(record.marker);
        break;
    }
  }

  /** Throws unless a snapshot covers every entry the removed segments held. */
  checkComplete(): void {
    if (this.provisionalBase && this.log.baseIndex > 0) {
      const missing = `${this.snapshot.index + 1} to ${this.log.baseIndex}`;
      throw new RangeError(`entries ${missing} are neither in a segment nor in a snapshot`);
    }
  }

  private startSegment(start: SegmentStart, segment: SegmentInfo, isFirst: boolean): void {
    if (start.segmentSeq !== segment.segmentSeq || start.firstIndex !== segment.firstIndex) {
      throw new RangeError(`segment start (${start.segmentSeq}, ${start.firstIndex}) does not match the file name`);
    }
    if (isFirst) {
      // The log before this segment ended at firstIndex - 1; older segments may have been removed.
      this.log.resetTo(start.firstIndex - 1);
      this.provisionalBase = start.firstIndex > 1;
    } else if (start.firstIndex !== this.log.lastIndex + 1) {
      // A segment is cut for the entry after the log's last one.
      throw new RangeError(`segment was cut at index ${start.firstIndex}, but the log before it ends at ${this.log.lastIndex}`);
    }
  }

  private applyEntry(entry: Entry): void {
    // An overwrite below a provisional base: the entries before it are still unknown.
    if (this.provisionalBase && entry.index <= this.log.baseIndex) this.log.resetTo(entry.index - 1);
    this.log.put(entry.index, entry);
  }

  private applyMarker(marker: SnapshotMarker): void {
    if (marker.index < this.snapshot.index) {
      throw new RangeError(`snapshot marker ${marker.index} is older than snapshot ${this.snapshot.index}`);
    }
    this.snapshot = { index: marker.index, term: marker.term };
    if (marker.index < this.log.baseIndex && marker.retainLog) {
      // Outside a provisional base, the base is always the snapshot index checked above.
      if (!this.provisionalBase) throw new Error(`log base ${this.log.baseIndex} is past snapshot ${marker.index}`);
      return;
    }
    // The snapshot now covers every unknown entry (or replaces the log): the base is real.
    this.provisionalBase = false;
    if (marker.retainLog) this.log.compactTo(marker.index);
    else this.log.resetTo(marker.index);
  }
}

function replayFrame(replay: LogReplay, frame: ScannedFrame, frameNumber: number, segment: NamedSegment, isFirst: boolean): void {
  const expectedType = HEAD_RECORD_TYPES[frameNumber];
  try {
    if (expectedType !== undefined && frame.type !== expectedType) {
      throw new RangeError(`record type ${frame.type} where the segment head needs ${expectedType}`);
    }
    if (expectedType === undefined && frame.type === RecordType.SegmentStart) {
      throw new RangeError('segment start record inside a segment');
    }
    replay.apply(decodeRecord(frame.type, frame.payload), segment, isFirst);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new WalCorruptionError(segment.fileName, frame.offsetBytes, error.message);
  }
}

/** Replays one segment image; returns the end of its valid data and of its head records. */
interface SegmentPlace {
  isFirst: boolean;
  isLast: boolean;
}

function replaySegment(replay: LogReplay, image: Buffer, segment: NamedSegment, position: SegmentPlace, limits: RecoveryLimits) {
  let frameNumber = 0;
  let headerEndBytes = 0;
  const scan = scanSegment(image, segment.fileName, position.isLast, limits.recordSizeBytesMax, (frame) => {
    replayFrame(replay, frame, frameNumber, segment, position.isFirst);
    frameNumber++;
    if (frameNumber === HEAD_RECORD_TYPES.length) {
      headerEndBytes = frame.offsetBytes + FRAME_HEADER_BYTES + frame.payload.length;
    }
  });
  // Segments are created with their head records already synced, so even a torn tail cannot
  // reach into them.
  if (frameNumber < HEAD_RECORD_TYPES.length) {
    const detail = `segment has only ${frameNumber} of its ${HEAD_RECORD_TYPES.length} head records`;
    throw new WalCorruptionError(segment.fileName, scan.endOffsetBytes, detail);
  }
  return { ...scan, headerEndBytes };
}

/** Reads the WAL in `dir`; null when it holds no segment (a new WAL). */
export async function recoverWal(dir: string, limits: RecoveryLimits): Promise<RecoveredWal | null> {
  const segments = await listSegments(dir);
  if (segments.length === 0) return null;
  const replay = new LogReplay();
  let lastScan = { endOffsetBytes: 0, dirtyEndBytes: 0, headerEndBytes: 0 };
  for (let k = 0; k < segments.length; k++) {
    const image = await fs.readFile(path.join(dir, segments[k].fileName));
    lastScan = replaySegment(replay, image, segments[k], { isFirst: k === 0, isLast: k === segments.length - 1 }, limits);
  }
  try {
    replay.checkComplete();
  } catch (error) {
    throw new WalCorruptionError(segments[0].fileName, 0, (error as Error).message);
  }
  const { index, term } = replay.snapshot;
  const snapshot = index > 0 ? await loadSnapshotFile(dir, index, term, limits.snapshotSizeBytesMax) : null;
  const entries = replay.log.values().slice();
  return {
    restored: { hardState: replay.hardState, snapshot, entries },
    tail: {
      segments: segments.map(({ segmentSeq, firstIndex }) => ({ segmentSeq, firstIndex })),
      ...lastScan,
      state: { hardState: replay.hardState, snapshotIndex: index, snapshotTerm: term, lastIndex: replay.log.lastIndex },
    },
  };
}
