// Throughput of the write-ahead log next to the disk's own floor, measured in the same run: each
// WAL iteration appends a batch of 256-byte entries and syncs it (one write, one fdatasync); the
// floor is 4 KiB write + fdatasync into a zero-filled plain file. Then the shared-disk floor: 1, 2
// and 3 threads each syncing their own file at once, as the members of a cluster whose WALs share
// one disk do on every commit (a commit needs a quorum's syncs). Run: npm run bench:wal
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Bench, type Task } from 'tinybench';
import { EntryType, type Entry } from '../src/raft/types.js';
import { Prng } from '../src/util/prng.js';
import { diskIoFor, type SyncMode } from '../src/wal/disk-io.js';
import { WriteAheadLog } from '../src/wal/wal.js';
import { openSyncFile, SYNC_BLOCK_BYTES } from '../src/bench/fsync-floor.js';
import { LogLinearHistogram, type SerializedHistogram } from '../src/util/log-linear-histogram.js';
import { median } from '../src/bench/median.js';
import { completedResult } from './tinybench-table.js';
import type { DiskSyncWorkerData } from './disk-sync-worker.js';

const ENTRY_DATA_BYTES = 256;
const BATCH_SIZES = [1, 16, 256] as const;
const SYNC_MODES: readonly SyncMode[] = ['async', 'sync'];
const ROUNDS = 8;
const TASK_TIME_MS = 250;
const WARMUP_TIME_MS = 50;
const FLOOR_BLOCK = Buffer.alloc(SYNC_BLOCK_BYTES, 7);
/** 16 MiB of blocks per floor file. */
const FLOOR_FILE_BLOCKS = 4096;
const SHARED_DISK_SYNCERS = [1, 2, 3] as const;
const SHARED_DISK_ROUNDS = 3;
const SHARED_DISK_ROUND_MS = 1000;

interface WalCase {
  name: string;
  syncMode: SyncMode;
  batchSize: number;
  wal: WriteAheadLog;
  nextIndex: number;
  datasyncsBefore: number;
}

function entryData(): Uint8Array {
  const prng = new Prng(2024);
  return Uint8Array.from({ length: ENTRY_DATA_BYTES }, () => prng.int(0, 256));
}

/** One iteration: append a batch (with a hard state, as a Raft Ready carries) and sync it. */
async function appendAndSync(walCase: WalCase, data: Uint8Array): Promise<void> {
  const entries: Entry[] = [];
  for (let k = 0; k < walCase.batchSize; k++) {
    entries.push({ term: 1, index: walCase.nextIndex + k, type: EntryType.Normal, data });
  }
  walCase.nextIndex += walCase.batchSize;
  walCase.wal.append(entries, { term: 1, vote: 'n1', commit: walCase.nextIndex - 1 });
  await walCase.wal.sync();
}

async function openCases(rootDir: string): Promise<WalCase[]> {
  const cases: WalCase[] = [];
  for (const syncMode of SYNC_MODES) {
    for (const batchSize of BATCH_SIZES) {
      const dir = path.join(rootDir, `${syncMode}-${batchSize}`);
      const { wal } = await WriteAheadLog.open(dir, { syncMode });
      cases.push({ name: `wal ${syncMode} batch ${batchSize}`, syncMode, batchSize, wal, nextIndex: 1, datasyncsBefore: 0 });
    }
  }
  return cases;
}

/** The floor: consecutive 4 KiB blocks of that file overwritten and fdatasynced, nothing else. */
function addFloorTasks(bench: Bench, floorFd: number): void {
  let block = 0;
  for (const syncMode of SYNC_MODES) {
    const io = diskIoFor(syncMode);
    bench.add(`floor ${syncMode}`, async () => {
      block = (block + 1) % FLOOR_FILE_BLOCKS;
      await io.writeAt(floorFd, FLOOR_BLOCK, block * FLOOR_BLOCK.length);
      await io.datasync(floorFd);
    });
  }
}

interface Totals {
  runs: number;
  totalTimeMs: number;
  p50sMs: number[];
  p99MaxMs: number;
  datasyncs: number;
}

/** Adds one round's results of `task` to the running totals of its name. */
function accumulate(totals: Map<string, Totals>, task: Task, datasyncs: number): void {
  const result = completedResult(task);
  const sum = totals.get(task.name) ?? { runs: 0, totalTimeMs: 0, p50sMs: [], p99MaxMs: 0, datasyncs: 0 };
  sum.runs += task.runs;
  sum.totalTimeMs += result.totalTime;
  sum.p50sMs.push(result.latency.p50);
  sum.p99MaxMs = Math.max(sum.p99MaxMs, result.latency.p99);
  sum.datasyncs += datasyncs;
  totals.set(task.name, sum);
}

/** `syncers` worker threads sync their own prepared files at the same time; their latencies merged. */
async function syncTogether(filePaths: readonly string[], syncers: number): Promise<LogLinearHistogram> {
  const startGate = new SharedArrayBuffer(4);
  const workerUrl = new URL('./disk-sync-worker.js', import.meta.url);
  const reports = filePaths.slice(0, syncers).map((filePath) => {
    const workerData: DiskSyncWorkerData = { filePath, blocks: FLOOR_FILE_BLOCKS, durationMs: SHARED_DISK_ROUND_MS, startGate, syncers };
    const worker = new Worker(workerUrl, { workerData });
    return new Promise<SerializedHistogram>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`disk syncer exited (${code}) without a report`)));
    });
  });
  const latencyUs = new LogLinearHistogram();
  for (const report of await Promise.all(reports)) latencyUs.mergeSerialized(report);
  return latencyUs;
}

interface SharedDiskFigures {
  p50sMs: number[];
  p99sMs: number[];
  syncsPerSecond: number[];
}

/** The shared-disk floor, 1, 2 and 3 syncers taking turns round by round so that they see the same machine. */
async function measureSharedDisk(rootDir: string): Promise<void> {
  const filePaths = SHARED_DISK_SYNCERS.map((_, i) => path.join(rootDir, `shared-disk-${i}.bin`));
  for (const filePath of filePaths) fs.closeSync(openSyncFile(filePath, FLOOR_FILE_BLOCKS));
  const figures = new Map<number, SharedDiskFigures>(SHARED_DISK_SYNCERS.map((syncers) => [syncers, { p50sMs: [], p99sMs: [], syncsPerSecond: [] }]));
  for (let round = 0; round < SHARED_DISK_ROUNDS; round++) {
    for (const syncers of SHARED_DISK_SYNCERS) {
      const latencyUs = await syncTogether(filePaths, syncers);
      const figure = figures.get(syncers)!;
      figure.p50sMs.push(latencyUs.percentile(50) / 1000);
      figure.p99sMs.push(latencyUs.percentile(99) / 1000);
      figure.syncsPerSecond.push(latencyUs.count / (SHARED_DISK_ROUND_MS / 1000));
    }
  }
  const aloneP50Ms = median(figures.get(1)!.p50sMs);
  console.log(`Shared disk: 4 KiB write + fdatasync per sync, each syncer on its own thread and file, medians of ${SHARED_DISK_ROUNDS} rounds of ${SHARED_DISK_ROUND_MS} ms`);
  console.table(
    [...figures].map(([syncers, figure]) => ({
      'syncing at once': syncers,
      'p50 ms': median(figure.p50sMs).toFixed(3),
      'p99 ms': median(figure.p99sMs).toFixed(3),
      'p50 vs alone': (median(figure.p50sMs) / aloneP50Ms).toFixed(2),
      'syncs/s, all together': Math.round(median(figure.syncsPerSecond)),
    })),
  );
}

function printTable(totals: Map<string, Totals>, cases: WalCase[]): void {
  const opsPerSecond = (sum: Totals): number => sum.runs / (sum.totalTimeMs / 1000);
  const rows = [...totals].map(([name, sum]) => {
    const walCase = cases.find((c) => c.name === name);
    const mode = walCase?.syncMode ?? (name === 'floor sync' ? 'sync' : 'async');
    const floor = totals.get(`floor ${mode}`) as Totals;
    const syncsPerSecond = opsPerSecond(sum);
    return {
      task: name,
      'entries/s': walCase ? Math.round(syncsPerSecond * walCase.batchSize) : '-',
      'syncs/s': Math.round(syncsPerSecond),
      'vs floor': (syncsPerSecond / opsPerSecond(floor)).toFixed(2),
      'p50 ms': median(sum.p50sMs).toFixed(3),
      'p99 ms (worst round)': sum.p99MaxMs.toFixed(3),
      'fdatasyncs/iter': (sum.datasyncs / sum.runs).toFixed(2),
    };
  });
  console.table(rows);
}

/** One round: every task runs once, so floor and WAL see the same (shared) machine conditions. */
async function runRound(cases: WalCase[], floorFd: number, data: Uint8Array, totals: Map<string, Totals>): Promise<void> {
  const bench = new Bench({ time: TASK_TIME_MS, warmupTime: WARMUP_TIME_MS, throws: true });
  addFloorTasks(bench, floorFd);
  for (const walCase of cases) {
    bench.add(walCase.name, () => appendAndSync(walCase, data), {
      // beforeAll runs before the warmup and again before the measured phase: the last one counts.
      beforeAll: () => {
        walCase.datasyncsBefore = walCase.wal.stats.datasyncs;
      },
    });
  }
  await bench.run();
  for (const task of bench.tasks) {
    const walCase = cases.find((c) => c.name === task.name);
    accumulate(totals, task, walCase ? walCase.wal.stats.datasyncs - walCase.datasyncsBefore : task.runs);
  }
}

async function main(): Promise<void> {
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'raftyard-wal-bench-'));
  const started = performance.now();
  try {
    const cases = await openCases(rootDir);
    const floorFd = openSyncFile(path.join(rootDir, 'floor.bin'), FLOOR_FILE_BLOCKS);
    const data = entryData();
    const totals = new Map<string, Totals>();
    for (let round = 0; round < ROUNDS; round++) await runRound(cases, floorFd, data, totals);
    fs.closeSync(floorFd);
    for (const walCase of cases) await walCase.wal.close();
    console.log(
      `WAL bench: ${ENTRY_DATA_BYTES}-byte entries, 64 MiB segments, ${ROUNDS} rounds of ${TASK_TIME_MS} ms per task, ` +
        `${os.cpus().length} CPUs, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}`,
    );
    printTable(totals, cases);
    await measureSharedDisk(rootDir);
  } finally {
    fs.rmSync(rootDir, { recursive: true, force: true });
  }
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
