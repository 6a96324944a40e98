// The load-generator threads: a piscina pool with one thread per worker, kept alive for the
// whole run (idle threads would otherwise exit and restart between phases), with atomics off
// because the threads hold sockets and timers that must keep running while they wait.

import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { GeneratorTask, PhaseSlice, PhaseTask } from './phase-task.js';

const IDLE_TIMEOUT_MS = 60_000;
const PING_HOLD_MS = 30;

// Under tsx the sources run as .ts; compiled, as .js. The worker file has the same extension.
const WORKER_FILE = fileURLToPath(new URL(`./load-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export class GeneratorPool {
  private readonly pool: Piscina<GeneratorTask, PhaseSlice | 'pong'>;

  constructor(readonly workers: number) {
    if (!(Number.isInteger(workers) && workers > 0)) throw new Error(`a generator pool needs a positive worker count, got ${workers}`);
    this.pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: IDLE_TIMEOUT_MS,
      atomics: 'disabled',
      concurrentTasksPerWorker: 1,
    });
  }

  /** Resolves once every thread has started and loaded the generator code. */
  async warm(): Promise<void> {
    const pings = Array.from({ length: this.workers }, () => this.pool.run({ kind: 'ping', holdMs: PING_HOLD_MS }));
    await Promise.all(pings);
    if (this.pool.threads.length !== this.workers) throw new Error(`expected ${this.workers} generator threads, found ${this.pool.threads.length}`);
  }

  /** Runs one task per worker at the same time; each thread takes exactly one. */
  async runPhase(tasks: PhaseTask[]): Promise<PhaseSlice[]> {
    if (tasks.length !== this.workers) throw new Error(`a phase needs ${this.workers} tasks, got ${tasks.length}`);
    const slices = await Promise.all(tasks.map((task) => this.pool.run(task)));
    return slices.map((slice) => {
      if (slice === 'pong') throw new Error('a phase task answered like a ping');
      return slice;
    });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
