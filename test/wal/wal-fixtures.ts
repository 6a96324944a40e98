// Shared helpers for the WAL tests: temp directories, seeded entry generators, and a disk-io
// wrapper that counts, delays or fails the WAL's writes and fdatasyncs.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EntryType, type Entry } from '../../src/raft/types.js';
import { Prng } from '../../src/util/prng.js';
import { diskIoFor, type WalDiskIo } from '../../src/wal/disk-io.js';
export { waitUntil } from '../support/wait-until.js';

export async function makeTempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'raftyard-wal-'));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

/** Runs `body` with a fresh temp directory that is removed afterwards. */
export async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await makeTempDir();
  try {
    await body(dir);
  } finally {
    await removeDir(dir);
  }
}

/** `count` entries from `firstIndex` in `term`, with seeded random data of 0..maxDataBytes bytes. */
export function makeEntries(prng: Prng, firstIndex: number, count: number, term: number, maxDataBytes = 64): Entry[] {
  return Array.from({ length: count }, (_, k) => {
    const data = new Uint8Array(prng.int(0, maxDataBytes + 1));
    for (let i = 0; i < data.length; i++) data[i] = prng.int(0, 256);
    return { term, index: firstIndex + k, type: EntryType.Normal, data };
  });
}

/** Entries compared by value (data as plain arrays), for deepStrictEqual. */
export function plainEntries(entries: readonly Entry[]): object[] {
  return entries.map((entry) => ({ ...entry, data: Array.from(entry.data) }));
}

export async function segmentFiles(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((name) => name.endsWith('.wal')).sort();
}

/**
 * A disk-io wrapper that counts calls and can hold fdatasyncs back (each waits until released,
 * after `passCount` more have gone through) or make the next one fail.
 */
export class ControlledDiskIo implements WalDiskIo {
  writes = 0;
  datasyncsStarted = 0;
  datasyncsDone = 0;
  failNextDatasync: Error | null = null;
  private holding = false;
  private passCount = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly inner = diskIoFor('async');

  /** Holds every fdatasync after the next `passCount` until it is released. */
  hold(passCount = 0): void {
    this.holding = true;
    this.passCount = passCount;
  }

  get heldCount(): number {
    return this.waiting.length;
  }

  /** Lets the oldest held fdatasync proceed. */
  releaseOne(): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('no fdatasync is held');
    next();
  }

  /** Stops holding and lets every held fdatasync proceed. */
  releaseAll(): void {
    this.holding = false;
    for (const next of this.waiting.splice(0)) next();
  }

  async writeAt(fd: number, data: Uint8Array, positionBytes: number): Promise<void> {
    this.writes++;
    await this.inner.writeAt(fd, data, positionBytes);
  }

  async datasync(fd: number): Promise<void> {
    this.datasyncsStarted++;
    if (this.holding && this.passCount-- <= 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const failure = this.failNextDatasync;
    if (failure) {
      this.failNextDatasync = null;
      throw failure;
    }
    await this.inner.datasync(fd);
    this.datasyncsDone++;
  }
}

/** Lets pending I/O callbacks and promise reactions run. */
export async function settleEventLoop(turns = 5): Promise<void> {
  for (let k = 0; k < turns; k++) await new Promise((resolve) => setImmediate(resolve));
}

