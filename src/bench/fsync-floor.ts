// The disk's own cost of making one small write durable, measured the way a write-ahead log
// pays it: 4 KiB overwritten inside a preallocated file, then fdatasync. A target's commit
// floor adds this to its quorum round trip.

import { closeSync, fdatasyncSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const FSYNC_SAMPLES_DEFAULT = 200;
const SAMPLES_MAX = 10_000;
const BLOCK = Buffer.alloc(4096, 0x5a);

/**
 * The median of `samples` write + fdatasync pairs in a scratch file inside `dir` (removed
 * afterwards). Synchronous on purpose: async calls would queue on libuv's shared thread pool
 * and measure that queue, not the disk.
 */
export function measureFsyncMs(dir: string, samples = FSYNC_SAMPLES_DEFAULT): number {
  if (!(Number.isInteger(samples) && samples > 0 && samples <= SAMPLES_MAX)) throw new RangeError(`fsync samples must be in [1, ${SAMPLES_MAX}], got ${samples}`);
  const path = join(dir, 'fsync-floor.bin');
  const fd = openSync(path, 'w+');
  try {
    preallocate(fd, samples);
    const durationsMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      const startedMs = performance.now();
      writeSync(fd, BLOCK, 0, BLOCK.length, i * BLOCK.length);
      fdatasyncSync(fd);
      durationsMs.push(performance.now() - startedMs);
    }
    durationsMs.sort((a, b) => a - b);
    return durationsMs[Math.floor(durationsMs.length / 2)];
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}

/** Zero-fills the blocks the samples will overwrite, so no sample pays for growing the file. */
function preallocate(fd: number, blocks: number): void {
  const zeros = Buffer.alloc(BLOCK.length * blocks);
  writeSync(fd, zeros, 0, zeros.length, 0);
  fsyncSync(fd);
}
