// The disk's own cost of making one small write durable, measured the way a write-ahead log
// pays it: 4 KiB overwritten inside a preallocated file, then fdatasync. A target's commit
// floor adds this to its quorum round trip. A disk that has rested is slower to sync than one
// kept busy (on this VM about 1 ms after 40 ms of rest, against 0.15 ms back to back), so the
// probe can rest before each sync as long as the run's disk did. Its speed after a rest also
// drifts over seconds (here between about 0.4 and 1 ms), so a bench probes after every phase and
// prices the floor with the median of all those syncs (see target-layout.ts).

import { closeSync, fdatasyncSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Back-to-back pairs a probe times; a rested probe fewer (see probeFsyncSamples). */
const BACK_TO_BACK_SAMPLES = 200;
export const SYNC_BLOCK_BYTES = 4096;
const BLOCK = Buffer.alloc(SYNC_BLOCK_BYTES, 0x5a);
/** Zero-fill in writes of at most 4 MiB. */
const ZERO_FILL_BLOCKS_MAX = 1024;
/** A rested probe spends about this long in all, whatever the rest, unless told otherwise. */
const RESTED_PROBE_BUDGET_MS = 2_000;
const RESTED_SAMPLES_MIN = 15;
/** Shorter rests than this are not kept by a Node timer: the probe syncs back to back. */
const REST_MS_MIN = 1;
/** Longer rests cost no slower a sync here (0.76 ms after 150 ms, 0.78 ms after 300 ms), only a slower probe. */
const REST_MS_MAX = 300;

/** The rest a probe keeps for a wanted one: none below a millisecond, at most REST_MS_MAX. */
export function probedRestMs(restMs: number): number {
  if (!(restMs >= 0)) throw new RangeError(`a disk rest must be >= 0 ms, got ${restMs}`);
  return restMs < REST_MS_MIN ? 0 : Math.min(restMs, REST_MS_MAX);
}

/**
 * The durations in ms of write + fdatasync pairs in a scratch file inside `dir` (removed
 * afterwards), each after `restMs` of rest (no write, no sync from this probe), or back to back
 * for 0; `restMs` must be one probedRestMs keeps. The pairs are synchronous on purpose: async
 * calls would queue on libuv's shared thread pool and measure that queue, not the disk. Rested
 * pairs are fewer, so that the probe takes about `budgetMs` (at least 15 rests, so up to 4.5 s
 * after the longest rest with the default budget).
 */
export async function probeFsyncSamples(dir: string, restMs: number, budgetMs = RESTED_PROBE_BUDGET_MS): Promise<number[]> {
  if (!(restMs >= 0) || probedRestMs(restMs) !== restMs) throw new RangeError(`fsync rest must be in 0 or [${REST_MS_MIN}, ${REST_MS_MAX}] ms, got ${restMs}`);
  if (!(budgetMs > 0)) throw new RangeError(`a probe's budget must be > 0 ms, got ${budgetMs}`);
  const samples = restMs === 0 ? BACK_TO_BACK_SAMPLES : Math.max(RESTED_SAMPLES_MIN, Math.min(BACK_TO_BACK_SAMPLES, Math.round(budgetMs / restMs)));
  const path = join(dir, 'fsync-floor.bin');
  const fd = openSyncFile(path, samples);
  try {
    const durationsMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      if (restMs > 0) await sleep(restMs);
      durationsMs.push(timeSyncMs(fd, i));
    }
    return durationsMs;
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
