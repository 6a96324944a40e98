// One syncer of the WAL bench's shared-disk floor: a worker thread that, once every syncer is
// ready, overwrites consecutive 4 KiB blocks of its own zero-filled file and fdatasyncs each, for
// a fixed time, and reports the latency of every sync. Several of these at once are what the
// members of a cluster whose WALs share one disk do on every commit.

import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export interface DiskSyncWorkerData {
  readonly filePath: string;
  readonly fileBytes: number;
  readonly durationMs: number;
  /** Int32 slot 0 counts the syncers that are ready; each starts once all `syncers` are. */
  readonly startGate: SharedArrayBuffer;
  readonly syncers: number;
}

export interface DiskSyncReport {
  readonly latenciesMs: Float64Array;
}

const BLOCK = Buffer.alloc(4096, 7);
const GATE_WAIT_MS = 10_000;

const data = workerData as DiskSyncWorkerData;
const fd = fs.openSync(data.filePath, 'w+');
try {
  const zeros = Buffer.alloc(1 << 20);
  for (let at = 0; at < data.fileBytes; at += zeros.length) fs.writeSync(fd, zeros, 0, zeros.length, at);
  fs.fsyncSync(fd);
  const gate = new Int32Array(data.startGate);
  Atomics.add(gate, 0, 1);
  Atomics.notify(gate, 0);
  const gateDeadline = performance.now() + GATE_WAIT_MS;
  for (let seen = Atomics.load(gate, 0); seen < data.syncers; seen = Atomics.load(gate, 0)) {
    if (performance.now() > gateDeadline) throw new Error('the other syncers never became ready');
    Atomics.wait(gate, 0, seen, 100);
  }
  const latencies: number[] = [];
  const blocks = data.fileBytes / BLOCK.length;
  const end = performance.now() + data.durationMs;
  for (let block = 0; performance.now() < end; block = (block + 1) % blocks) {
    const started = performance.now();
    fs.writeSync(fd, BLOCK, 0, BLOCK.length, block * BLOCK.length);
    fs.fdatasyncSync(fd);
    latencies.push(performance.now() - started);
  }
  const latenciesMs = new Float64Array(new ArrayBuffer(latencies.length * Float64Array.BYTES_PER_ELEMENT));
  latenciesMs.set(latencies);
  const report: DiskSyncReport = { latenciesMs };
  parentPort!.postMessage(report, [latenciesMs.buffer as ArrayBuffer]);
} finally {
  fs.closeSync(fd);
}
