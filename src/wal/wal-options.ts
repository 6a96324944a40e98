// Options of WriteAheadLog.open, their defaults and their limits. Defaults suit a real member
// (64 MiB preallocated segments); tests pass small sizes to exercise segment cuts cheaply.
import { diskIoFor, parseSyncMode, type SyncMode, type WalDiskIo } from './disk-io.js';
import { SYNCED_POSITION_SLOTS } from './power-cut.js';

export interface WalOptions {
  /** Preallocated size of each segment file (default 64 MiB); a larger batch grows its segment. */
  segmentSizeBytes?: number;
  /**
   * 'async': fdatasync on libuv's thread pool (default); 'sync': fdatasyncSync on this thread;
   * 'auto': on this thread unless syncOffThread(true) (see disk-io.ts).
   */
  syncMode?: SyncMode;
  /** Largest record, frame header included (default 64 MiB); checked on append and on read. */
  recordSizeBytesMax?: number;
  /** Appended bytes allowed to wait for a sync before append() refuses (default 256 MiB). */
  pendingSizeBytesMax?: number;
  /** Largest snapshot file accepted (default 1 GiB). */
  snapshotSizeBytesMax?: number;
  /** Receives the synced position after every sync (see power-cut.ts), e.g. on a SharedArrayBuffer. */
  syncPositionOut?: Float64Array;
  /** Replaces the write/fdatasync calls of the chosen sync mode (tests delay or fail them). */
  diskIo?: WalDiskIo;
}

export interface WalConfig {
  segmentSizeBytes: number;
  syncMode: SyncMode;
  recordSizeBytesMax: number;
  pendingSizeBytesMax: number;
  snapshotSizeBytesMax: number;
  syncPositionOut: Float64Array | null;
  diskIo: WalDiskIo;
}

const MIB = 1024 * 1024;
const SEGMENT_SIZE_BYTES_MIN = 4096;
const RECORD_SIZE_BYTES_MIN = 256;

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

export function resolveWalOptions(options: WalOptions): WalConfig {
  // Options may come from untyped callers (worker configs, the command line): check the value.
  const syncMode = parseSyncMode(String(options.syncMode ?? 'async'));
  const config: WalConfig = {
    segmentSizeBytes: positiveInteger('segmentSizeBytes', options.segmentSizeBytes ?? 64 * MIB, SEGMENT_SIZE_BYTES_MIN),
    syncMode,
    recordSizeBytesMax: positiveInteger('recordSizeBytesMax', options.recordSizeBytesMax ?? 64 * MIB, RECORD_SIZE_BYTES_MIN),
    pendingSizeBytesMax: positiveInteger(
      'pendingSizeBytesMax',
      options.pendingSizeBytesMax ?? 256 * MIB,
      RECORD_SIZE_BYTES_MIN,
    ),
    snapshotSizeBytesMax: positiveInteger('snapshotSizeBytesMax', options.snapshotSizeBytesMax ?? 1024 * MIB, 1),
    syncPositionOut: options.syncPositionOut ?? null,
    diskIo: options.diskIo ?? diskIoFor(syncMode),
  };
  if (config.recordSizeBytesMax > config.pendingSizeBytesMax) {
    throw new RangeError('recordSizeBytesMax must not exceed pendingSizeBytesMax: a record must fit in one batch');
  }
  if (config.syncPositionOut && config.syncPositionOut.length < SYNCED_POSITION_SLOTS) {
    throw new RangeError(`syncPositionOut needs at least ${SYNCED_POSITION_SLOTS} slots`);
  }
  return config;
}
