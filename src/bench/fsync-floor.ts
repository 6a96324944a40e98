// The disk's own cost of making one small write durable, measured the way a write-ahead log
// pays it: 4 KiB overwritten inside a preallocated file, then fdatasync. A target's commit
// floor adds this to its quorum round trip.

import { closeSync, fdatasyncSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './median.js';

const FSYNC_SAMPLES_DEFAULT = 200;
const SAMPLES_MAX = 10_000;
export const SYNC_BLOCK_BYTES = 4096;
const BLOCK = Buffer.alloc(SYNC_BLOCK_BYTES, 0x5a);
/** Zero-fill in writes of at most 4 MiB. */
const ZERO_FILL_BLOCKS_MAX = 1024;

/**
 * The median of `samples` write + fdatasync pairs in a scratch file inside `dir` (removed
 * afterwards). Synchronous on purpose: async calls would queue on libuv's shared thread pool
 * and measure that queue, not the disk.
 */
export function measureFsyncMs(dir: string, samples = FSYNC_SAMPLES_DEFAULT): number {
  if (!(Number.isInteger(samples) && samples > 0 && samples <= SAMPLES_MAX)) throw new RangeError(`fsync samples must be in [1, ${SAMPLES_MAX}], got ${samples}`);
  const path = join(dir, 'fsync-floor.bin');
  const fd = openSyncFile(path, samples);
  try {
    const durationsMs: number[] = [];
    for (let i = 0; i < samples; i++) durationsMs.push(timeSyncMs(fd, i));
    return median(durationsMs);
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}

/**
 * Creates (or truncates) `path` with `blocks` zero-filled 4 KiB blocks, made durable, and returns
 * it open for writing: no timed sync then pays for growing the file.
 */
export function openSyncFile(path: string, blocks: number): number {
  const fd = openSync(path, 'w+');
  const zeros = Buffer.alloc(BLOCK.length * Math.min(blocks, ZERO_FILL_BLOCKS_MAX));
  for (let at = 0; at < blocks * BLOCK.length; at += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, blocks * BLOCK.length - at), at);
  fsyncSync(fd);
  return fd;
}

/** One write of 4 KiB over block `block` of a file from openSyncFile, then fdatasync: its duration in ms. */
export function timeSyncMs(fd: number, block: number): number {
  const startedMs = performance.now();
  writeSync(fd, BLOCK, 0, BLOCK.length, block * BLOCK.length);
  fdatasyncSync(fd);
  return performance.now() - startedMs;
}
