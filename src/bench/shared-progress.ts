// Live counts of finished operations and errors, shared between the generator threads and the
// main thread through a SharedArrayBuffer: each worker owns two slots, so nobody contends, and
// the main thread can draw a progress line without any messages.

const SLOTS_PER_WORKER = 2;

export function createProgressBuffer(workers: number): SharedArrayBuffer {
  if (!(Number.isInteger(workers) && workers > 0)) throw new Error(`progress needs a positive worker count, got ${workers}`);
  return new SharedArrayBuffer(workers * SLOTS_PER_WORKER * Int32Array.BYTES_PER_ELEMENT);
}

export class ProgressWriter {
  private readonly slots: Int32Array;

  constructor(buffer: SharedArrayBuffer, private readonly workerIndex: number) {
    this.slots = new Int32Array(buffer);
    if ((workerIndex + 1) * SLOTS_PER_WORKER > this.slots.length) throw new Error(`no progress slot for worker ${workerIndex}`);
  }

  add(failed: boolean): void {
    Atomics.add(this.slots, this.workerIndex * SLOTS_PER_WORKER + (failed ? 1 : 0), 1);
  }
}

export function readProgress(buffer: SharedArrayBuffer): { completed: number; errors: number } {
  const slots = new Int32Array(buffer);
  let completed = 0;
  let errors = 0;
  for (let i = 0; i < slots.length; i += SLOTS_PER_WORKER) {
    completed += Atomics.load(slots, i);
    errors += Atomics.load(slots, i + 1);
  }
  return { completed, errors };
}
