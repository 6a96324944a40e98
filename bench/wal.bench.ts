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
import type { DiskSyncReport, DiskSyncWorkerData } from './disk-sync-worker.js';

const ENTRY_DATA_BYTES = 256;
const BATCH_SIZES = [1, 16, 256] as const;
const SYNC_MODES: readonly SyncMode[] = ['async', 'sync'];
const ROUNDS = 8;
const TASK_TIME_MS = 250;
const WARMUP_TIME_MS = 50;
const FLOOR_BLOCK = Buffer.alloc(4096, 7);
const FLOOR_FILE_BYTES = 16 * 1024 * 1024;
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

/** A plain file, zero-filled up front like a WAL segment, for the floor to overwrite. */
function openFloorFile(floorPath: string): number {
  const fd = fs.openSync(floorPath, 'w+');
  const zeros = Buffer.alloc(1 << 20);
  for (let at = 0; at < FLOOR_FILE_BYTES; at += zeros.length) fs.writeSync(fd, zeros, 0, zeros.length, at);
  fs.fsyncSync(fd);
  return fd;
}

/** The floor: consecutive 4 KiB blocks of that file overwritten and fdatasynced, nothing else. */
function addFloorTasks(bench: Bench, floorFd: number): void {
  let block = 0;
  for (const syncMode of SYNC_MODES) {
    const io = diskIoFor(syncMode);
    bench.add(`floor ${syncMode}`, async () => {
      block = (block + 1) % (FLOOR_FILE_BYTES / FLOOR_BLOCK.length);
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
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`task ${task.name} ended ${result.state}`);
  const sum = totals.get(task.name) ?? { runs: 0, totalTimeMs: 0, p50sMs: [], p99MaxMs: 0, datasyncs: 0 };
  sum.runs += task.runs;
  sum.totalTimeMs += result.totalTime;
  sum.p50sMs.push(result.latency.p50);
  sum.p99MaxMs = Math.max(sum.p99MaxMs, result.latency.p99);
  sum.datasyncs += datasyncs;
  totals.set(task.name, sum);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

/** `syncers` worker threads sync their own files at the same time; every sync's latency, pooled. */
async function syncTogether(rootDir: string, syncers: number): Promise<Float64Array> {
  const startGate = new SharedArrayBuffer(4);
  const workerUrl = new URL('./disk-sync-worker.js', import.meta.url);
  const reports = Array.from({ length: syncers }, (_, i) => {
    const workerData: DiskSyncWorkerData = {
      filePath: path.join(rootDir, `shared-disk-${i}.bin`),
      fileBytes: FLOOR_FILE_BYTES,
      durationMs: SHARED_DISK_ROUND_MS,
      startGate,
      syncers,
    };
    const worker = new Worker(workerUrl, { workerData });
    return new Promise<Float64Array>((resolve, reject) => {
      worker.once('message', (report: DiskSyncReport) => resolve(report.latenciesMs));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`disk syncer exited (${code}) without a report`)));
    });
  });
  const latencies = await Promise.all(reports);
  const pooled = new Float64Array(latencies.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const l of latencies) {
    pooled.set(l, at);
    at += l.length;
  }
  return pooled.sort();
}

/** The shared-disk floor, 1, 2 and 3 syncers taking turns round by round so that they see the same machine. */
async function measureSharedDisk(rootDir: string): Promise<void> {
  const p50s = new Map<number, number[]>();
  const p99s = new Map<number, number[]>();
  const perSecond = new Map<number, number[]>();
  for (let round = 0; round < SHARED_DISK_ROUNDS; round++) {
    for (const syncers of SHARED_DISK_SYNCERS) {
      const sorted = await syncTogether(rootDir, syncers);
      p50s.set(syncers, [...(p50s.get(syncers) ?? []), quantile(sorted, 0.5)]);
      p99s.set(syncers, [...(p99s.get(syncers) ?? []), quantile(sorted, 0.99)]);
      perSecond.set(syncers, [...(perSecond.get(syncers) ?? []), sorted.length / (SHARED_DISK_ROUND_MS / 1000)]);
    }
  }
  const aloneP50 = median(p50s.get(1)!);
  console.log(`Shared disk: 4 KiB write + fdatasync per sync, each syncer on its own thread and file, medians of ${SHARED_DISK_ROUNDS} rounds of ${SHARED_DISK_ROUND_MS} ms`);
  console.table(
    SHARED_DISK_SYNCERS.map((syncers) => ({
      'syncing at once': syncers,
      'p50 ms': median(p50s.get(syncers)!).toFixed(3),
      'p99 ms': median(p99s.get(syncers)!).toFixed(3),
      'p50 vs alone': (median(p50s.get(syncers)!) / aloneP50).toFixed(2),
      'syncs/s, all together': Math.round(median(perSecond.get(syncers)!)),
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
    const floorFd = openFloorFile(path.join(rootDir, 'floor.bin'));
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
