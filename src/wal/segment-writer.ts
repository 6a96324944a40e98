// Owns the segment files on disk: writes each flushed batch into the active segment (one write,
// one fdatasync), cuts to a new preallocated segment when the batch does not fit, and removes old
// segments a snapshot has made redundant. Every segment starts with the state of the log before it.
// Between batches it can rewrite the zeros where the next one goes, to warm the write path.
// It times each batch's write and fdatasync, for whoever prices a commit with the disk's speed.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { HardState } from '../raft/types.js';
import type { WalDiskIo } from './disk-io.js';
import { fsyncDirectory, zeroFill } from './durable-fs.js';
import { segmentFileName } from './file-names.js';
import { publishSyncedPosition, type SyncedPosition } from './power-cut.js';
import {
  SEGMENT_START_FRAME_BYTES,
  SNAPSHOT_MARKER_FRAME_BYTES,
  encodeHardStateFrame,
  encodeSegmentStartFrame,
  encodeSnapshotMarkerFrame,
  hardStateFrameBytes,
} from './record-codec.js';
import { SegmentPreparer } from './segment-preparer.js';
import { LogLinearHistogram, type SerializedHistogram } from '../util/log-linear-histogram.js';

/** Flush durations within 2^-7 (0.8%): 3 µs at a 0.4 ms fdatasync, in a 26 KiB histogram. */
const FLUSH_DURATION_PRECISION_BITS = 7;

/** What warmNextWrite rewrites: about one small batch (a single short entry and a hard state). */
const WARM_ZEROS = new Uint8Array(128);

/** What the log looks like after some prefix of the records: written at the head of a segment. */
export interface LogHeadState {
  hardState: HardState;
  snapshotIndex: number;
  snapshotTerm: number;
  lastIndex: number;
}

export interface SegmentInfo {
  segmentSeq: number;
  firstIndex: number;
}

export interface SegmentWriterConfig {
  dir: string;
  segmentSizeBytes: number;
  io: WalDiskIo;
  positionOut: Float64Array | null;
}

/** Where recovery left the last segment: valid data ends at `endOffsetBytes`. */
export interface RecoveredTail {
  segments: SegmentInfo[];
  /** Where the last segment's head records end and its batches begin. */
  headerEndBytes: number;
  endOffsetBytes: number;
  dirtyEndBytes: number;
  state: LogHeadState;
}

export interface SegmentWriterStats {
  datasyncs: number;
  bytesWritten: number;
  segmentsCreated: number;
}

export interface SegmentWriterTimings {
  /**
   * How long each batch's write and fdatasync took, in µs, since the writer opened: from the
   * write's start until the batch was durable, as the flush waited for it (an fdatasync on the
   * thread pool adds the hop back to this thread). Segment cuts are not batches.
   */
  flushDurationsUs: SerializedHistogram;
}

export class SegmentWriter {
  private handle: fs.FileHandle | null = null;
  private offset = 0;
  private headerEndOffset = 0;
  private synced: SyncedPosition = { segmentSeq: 0, offsetBytes: 0 };
  private readonly preparer: SegmentPreparer;
  readonly stats: SegmentWriterStats = { datasyncs: 0, bytesWritten: 0, segmentsCreated: 0 };
  private readonly flushDurations = new LogLinearHistogram(FLUSH_DURATION_PRECISION_BITS);

  private constructor(
    private readonly config: SegmentWriterConfig,
    private readonly segments: SegmentInfo[],
    private written: LogHeadState,
  ) {
    this.preparer = new SegmentPreparer(config.dir, config.segmentSizeBytes);
  }

  /** Starts a new WAL in an empty directory with its first segment. */
  static async create(config: SegmentWriterConfig, initial: LogHeadState): Promise<SegmentWriter> {
    const writer = new SegmentWriter(config, [], initial);
    await writer.cut();
    return writer;
  }

  /** Continues after the last valid record; erases a torn tail and restores the preallocation. */
  static async resume(config: SegmentWriterConfig, tail: RecoveredTail): Promise<SegmentWriter> {
    const writer = new SegmentWriter(config, tail.segments, tail.state);
    const last = writer.lastSegment();
    writer.handle = await fs.open(writer.segmentPath(last), 'r+');
    writer.offset = tail.endOffsetBytes;
    writer.headerEndOffset = tail.headerEndBytes;
    try {
      await writer.repairTail(tail.dirtyEndBytes);
    } catch (error) {
      await writer.close();
      throw error;
    }
    return writer;
  }

  /** Zeroes the torn bytes after the write offset and makes the whole segment durable. */
  private async repairTail(dirtyEndBytes: number): Promise<void> {
    const handle = this.handle;
    if (!handle) throw new Error('repairTail() without an open segment');
    const { size } = await handle.stat();
    await zeroFill(handle, this.offset, dirtyEndBytes);
    await zeroFill(handle, size, this.config.segmentSizeBytes);
    // Whatever recovery read may have been only in the page cache of a crashed process: make it
    // durable before anyone builds on it.
    await this.syncFile(handle.fd);
    this.markSynced();
    await fsyncDirectory(this.config.dir);
  }

  /** Position of the last completed sync. */
  get syncedPosition(): SyncedPosition {
    return this.synced;
  }

  get timings(): SegmentWriterTimings {
    return { flushDurationsUs: this.flushDurations.serialize() };
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Writes one batch of framed records with one write and one fdatasync. */
  async writeBatch(batch: Buffer, stateAfter: LogHeadState): Promise<void> {
    if (batch.length === 0) throw new Error('writeBatch() with an empty batch');
    if (this.needsCut(batch.length)) await this.cut();
    const startedMs = performance.now();
    await this.config.io.writeAt(this.fd(), batch, this.offset);
    this.batchWritten(batch.length);
    await this.syncFile(this.fd());
    this.batchSynced(stateAfter, startedMs);
  }

  /**
   * writeBatch, done before returning on this thread where the io can (WalDiskIo.flushNow) and
   * the batch fits the active segment; returns false, having done nothing, otherwise.
   */
  writeBatchNow(batch: Buffer, stateAfter: LogHeadState): boolean {
    if (batch.length === 0) throw new Error('writeBatchNow() with an empty batch');
    const io = this.config.io;
    if (io.flushNow === undefined || this.handle === null) return false;
    if (this.needsCut(batch.length)) return false;
    const startedMs = performance.now();
    if (!io.flushNow(this.handle.fd, batch, this.offset)) return false;
    this.batchWritten(batch.length);
    this.stats.datasyncs++;
    this.batchSynced(stateAfter, startedMs);
    return true;
  }

  /** A batch of `bytes` does not fit the active segment, which holds batches already. */
  private needsCut(bytes: number): boolean {
    return this.offset + bytes > this.config.segmentSizeBytes && this.offset > this.headerEndOffset;
  }

  private batchWritten(bytes: number): void {
    this.offset += bytes;
    this.stats.bytesWritten += bytes;
  }

  /** The batch whose write began at `startedMs` (performance.now()) is durable: it is timed. */
  private batchSynced(stateAfter: LogHeadState, startedMs: number): void {
    this.flushDurations.record((performance.now() - startedMs) * 1000);
    this.markSynced();
    this.written = stateAfter;
    if (this.offset >= this.config.segmentSizeBytes / 2) this.preparer.start();
  }

  /**
   * Rewrites the zeros where the next batch will go, on this thread, so that the kernel's write
   * path is in the CPU caches when that batch comes. The segment is preallocated with zeros and
   * nothing is written after the offset, so no byte changes; the page is the one the next batch
   * dirties anyway. Only between batches: the caller makes sure no writeBatch is under way (the
   * WAL asks only when no flush is asked for or running). Returns false, doing nothing, past the
   * preallocated size or with an io that does not write on the calling thread.
   */
  warmNextWrite(): boolean {
    const io = this.config.io;
    if (io.rewriteInPlace === undefined || this.handle === null) return false;
    if (this.offset + WARM_ZEROS.length > this.config.segmentSizeBytes) return false;
    io.rewriteInPlace(this.handle.fd, WARM_ZEROS, this.offset);
    return true;
  }

  /**
   * Deletes the oldest segments whose live entries all lie at or below `snapshotIndex`. A segment
   * cut at first index f proves that every entry at or after f in older segments was overwritten,
   * so segment k holds live entries only below the smallest first index of the segments after it.
   */
  async removeSegmentsCoveredBy(snapshotIndex: number): Promise<void> {
    let removable = 0;
    let firstIndexAfter = Infinity;
    for (let k = this.segments.length - 2; k >= 0; k--) {
      firstIndexAfter = Math.min(firstIndexAfter, this.segments[k + 1].firstIndex);
      if (firstIndexAfter - 1 <= snapshotIndex) {
        removable = k + 1;
        break;
      }
    }
    const removed = this.segments.splice(0, removable);
    for (const segment of removed) await fs.unlink(this.segmentPath(segment));
    if (removed.length > 0) await fsyncDirectory(this.config.dir);
  }

  async close(): Promise<void> {
    await this.preparer.settle();
    await this.handle?.close();
    this.handle = null;
  }

  private segmentPath(segment: SegmentInfo): string {
    return path.join(this.config.dir, segmentFileName(segment.segmentSeq, segment.firstIndex));
  }

  private fd(): number {
    if (!this.handle) throw new Error('segment writer is closed');
    return this.handle.fd;
  }

  private lastSegment(): SegmentInfo {
    const last = this.segments[this.segments.length - 1];
    if (!last) throw new Error('the WAL has no segment');
    return last;
  }

  private async syncFile(fd: number): Promise<void> {
    await this.config.io.datasync(fd);
    this.stats.datasyncs++;
  }

  /** Everything up to the write offset is durable now. */
  private markSynced(): void {
    this.synced = { segmentSeq: this.lastSegment().segmentSeq, offsetBytes: this.offset };
    if (this.config.positionOut) publishSyncedPosition(this.config.positionOut, this.synced);
  }

  private encodeHeader(segment: SegmentInfo): Buffer {
    const headerBytes = SEGMENT_START_FRAME_BYTES + hardStateFrameBytes(this.written.hardState) + SNAPSHOT_MARKER_FRAME_BYTES;
    const header = Buffer.alloc(headerBytes);
    let at = encodeSegmentStartFrame(header, 0, segment);
    at = encodeHardStateFrame(header, at, this.written.hardState);
    at = encodeSnapshotMarkerFrame(header, at, {
      index: this.written.snapshotIndex,
      term: this.written.snapshotTerm,
      retainLog: true,
    });
    if (at !== header.length) throw new Error(`segment header is ${at} bytes, expected ${header.length}`);
    return header;
  }

  /** Turns the prepared file into the next segment, durably, with the current state at its head. */
  private async cut(): Promise<void> {
    const previous = this.segments[this.segments.length - 1];
    const segment = { segmentSeq: (previous?.segmentSeq ?? 0) + 1, firstIndex: this.written.lastIndex + 1 };
    const preparedPath = await this.preparer.take();
    const handle = await fs.open(preparedPath, 'r+');
    const header = this.encodeHeader(segment);
    try {
      await this.config.io.writeAt(handle.fd, header, 0);
      await this.syncFile(handle.fd);
      await fs.rename(preparedPath, this.segmentPath(segment));
      await fsyncDirectory(this.config.dir);
    } catch (error) {
      await handle.close();
      throw error;
    }
    await this.handle?.close();
    this.handle = handle;
    this.segments.push(segment);
    this.offset = header.length;
    this.headerEndOffset = header.length;
    this.stats.segmentsCreated++;
    this.stats.bytesWritten += header.length;
    this.markSynced();
  }
}
