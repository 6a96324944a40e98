// Micro-benchmark of the v2 store's apply step, through the state machine a Raft node replicates
// (StoreStateMachine.apply: decode the committed command, apply it as etcd's apply does): set,
// in-order create, compare-and-swap and delete, with no watcher and with WATCHERS stream
// watchers on the keys' directory. Run: npm run bench:store (or npx tsx bench/store.bench.ts)

import os from 'node:os';
import { Bench } from 'tinybench';
import { StoreStateMachine } from '../src/node/store-state-machine.js';
import { V2Store, encodeV2Request, isV2Error, newV2Request, type V2Request, type Watcher } from '../src/store/index.js';
import { taskRows } from './tinybench-table.js';

const KEYS = 1024;
const DIR = '/bench';
const WATCHER_COUNTS = [0, 8] as const;
const TASK_TIME_MS = 400;
const WARMUP_TIME_MS = 100;
/** The proposer's clock every command carries; fixed so that every run applies the same bytes. */
const PROPOSED_AT_MS = 1_700_000_000_000;

/** One store with its watchers; each task owns one, so tasks never see each other's keys. */
class StoreCase {
  private store = new V2Store();
  private machine = new StoreStateMachine(this.store);
  private watchers: Watcher[] = [];

  constructor(private readonly watcherCount: number) {}

  /** A fresh store holding KEYS keys of value 'a', and the watchers, registered afresh. */
  reset(): void {
    this.store = new V2Store();
    this.machine = new StoreStateMachine(this.store);
    for (let i = 0; i < KEYS; i++) this.apply(encoded('PUT', keyPath(i), { value: 'a' }));
    this.watchers = Array.from({ length: this.watcherCount }, () => {
      const watcher = this.store.watch(DIR, true, true, 0);
      if (isV2Error(watcher)) throw new Error(`watch refused: ${watcher.message}`);
      return watcher;
    });
  }

  /**
   * Applies one committed command and hands its events to the watchers' consumer, as the
   * member's HTTP layer would; a failed apply or a dropped watcher breaks the benchmark.
   */
  apply(command: Uint8Array): void {
    const result = this.machine.apply(command);
    if (result === null || isV2Error(result)) throw new Error(`apply failed: ${result === null ? 'no result' : result.message}`);
    for (const watcher of this.watchers) {
      watcher.takeEvents();
      if (!watcher.isActive) throw new Error('a watcher was dropped');
    }
  }
}

function keyPath(index: number): string {
  return `${DIR}/k${String(index).padStart(4, '0')}`;
}

function encoded(method: V2Request['method'], path: string, fields: Partial<V2Request> = {}): Uint8Array {
  return encodeV2Request(newV2Request({ method, path, timeMs: PROPOSED_AT_MS, ...fields }));
}

/**
 * Adds a task whose iterations apply `commands` in turn, round and round, to a store of its own;
 * `untimed[i]`, when given, is applied just before `commands[i]` outside the measurement.
 */
function addApplyTask(bench: Bench, name: string, watcherCount: number, commands: Uint8Array[], untimed?: Uint8Array[]): void {
  if (untimed && untimed.length !== commands.length) throw new Error(`${name}: one untimed command per command`);
  const storeCase = new StoreCase(watcherCount);
  let next = 0;
  let pending = commands[0];
  bench.add(`${name}, ${watcherCount} watchers`, () => storeCase.apply(pending), {
    // A fresh store for the warmup and for the measured run (in-order creates grow it otherwise).
    beforeAll: () => {
      storeCase.reset();
      next = 0;
    },
    beforeEach: () => {
      const at = next++ % commands.length;
      if (untimed) storeCase.apply(untimed[at]);
      pending = commands[at];
    },
  });
}

function addTasks(bench: Bench, watcherCount: number): void {
  const keys = Array.from({ length: KEYS }, (_, i) => keyPath(i));
  addApplyTask(bench, 'set', watcherCount, keys.map((path) => encoded('PUT', path, { value: 'b' })));
  addApplyTask(bench, 'create in-order', watcherCount, [encoded('POST', `${DIR}/queue`, { value: 'job' })]);
  // Every key flips a -> b on the first pass and b -> a on the next, so each swap succeeds.
  const swaps = [...keys.map((path) => encoded('PUT', path, { prevValue: 'a', value: 'b' })), ...keys.map((path) => encoded('PUT', path, { prevValue: 'b', value: 'a' }))];
  addApplyTask(bench, 'compare-and-swap', watcherCount, swaps);
  // Each delete removes a key that the untimed set before it has just written.
  const sets = keys.map((path) => encoded('PUT', path, { value: 'a' }));
  addApplyTask(bench, 'delete', watcherCount, keys.map((path) => encoded('DELETE', path)), sets);
}

const bench = new Bench({ name: 'v2 store apply', time: TASK_TIME_MS, warmupTime: WARMUP_TIME_MS, throws: true });
for (const watcherCount of WATCHER_COUNTS) addTasks(bench, watcherCount);
bench.runSync();
console.log(`${bench.name}: ${KEYS} keys, stream watchers on ${DIR} (recursive), ${os.cpus().length} CPUs, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}`);
console.table(taskRows(bench));
