// One syncer of the WAL bench's shared-disk floor: a worker thread that, once every syncer is
// ready, overwrites consecutive 4 KiB blocks of its own prepared file and fdatasyncs each, for a
// fixed time, and reports the latencies as a histogram. Several of these at once are what the
// members of a cluster whose WALs share one disk do on every commit.

import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { timeSyncMs } from '../src/bench/fsync-floor.js';
import { LogLinearHistogram } from '../src/util/log-linear-histogram.js';

export interface DiskSyncWorkerData {
  /** A file from openSyncFile, `blocks` blocks long. */
  readonly filePath: string;
  readonly blocks: number;
  readonly durationMs: number;
  /** Int32 slot 0 counts the syncers that are ready; each starts once all `syncers` are. */
  readonly startGate: SharedArrayBuffer;
  readonly syncers: number;
}

const GATE_WAIT_MS = 10_000;

const data = workerData as DiskSyncWorkerData;
const fd = fs.openSync(data.filePath, 'r+');
try {
  const gate = new Int32Array(data.startGate);
  Atomics.add(gate, 0, 1);
  Atomics.notify(gate, 0);
  const gateDeadline = performance.now() + GATE_WAIT_MS;
  for (let seen = Atomics.load(gate, 0); seen < data.syncers; seen = Atomics.load(gate, 0)) {
    if (performance.now() > gateDeadline) throw new Error('the other syncers never became ready');
    Atomics.wait(gate, 0, seen, 100);
  }
  const latencyUs = new LogLinearHistogram();
  const end = performance.now() + data.durationMs;
  for (let block = 0; performance.now() < end; block = (block + 1) % data.blocks) latencyUs.record(timeSyncMs(fd, block) * 1000);
  parentPort!.postMessage(latencyUs.serialize());
} finally {
  fs.closeSync(fd);
}
