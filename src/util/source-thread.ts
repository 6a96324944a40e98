// A helper thread whose whole program is a few functions' source text, handed a SharedArrayBuffer
// if it needs one (the precise timers' metronome, the bench's stall watch and wake probe). Source text needs no module
// resolution, so the thread starts the same under tsc and tsx. It is CommonJS and inherits no
// Node options: under --input-type=module an inherited option made it an ES module, where
// `require` is missing and the thread died at once; a loader such as tsx's has nothing to do for it.

import { Worker } from 'node:worker_threads';

/**
 * Starts a thread running `body`, a CommonJS script that finds the shared memory (if given) in
 * the constant `shared` and may `require` Node's built-in modules. `shared` may also be plain
 * data, which the thread gets a copy of. The thread keeps no process alive until its owner calls
 * `ref()` on it.
 */
export function startSourceThread(body: string, shared?: SharedArrayBuffer | Record<string, number | string>): Worker {
  const worker = new Worker(`const shared = require('node:worker_threads').workerData;${body}`, { eval: true, workerData: shared, execArgv: [] });
  worker.unref();
  return worker;
}
