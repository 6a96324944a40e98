// The write-ahead log's public surface: the log itself, its options and statistics, the
// power-cut helpers' position type, and the error recovery throws on damaged files.
export { WriteAheadLog, type WalStats } from './wal.js';
export type { WalOptions } from './wal-options.js';
export type { SyncMode, WalDiskIo } from './disk-io.js';
export { SYNCED_POSITION_SLOTS, type SyncedPosition } from './power-cut.js';
export { WalCorruptionError } from './corruption-error.js';
