// The write path's floor: raftyard's threads, hops and fdatasyncs with nothing else (no Raft, no
// store, no codecs), as a bench target named `floor`, so that the bench drives and measures it
// exactly as it does raftyard, in one --compare run. A "leader" thread serves HTTP (a bare `net`
// parser, or node:http with `floor:front=http`), posts each body to a "follower" thread and
// fdatasyncs its own file on libuv's pool; the follower writes and fdatasyncs what has arrived on
// its own thread and acknowledges the last write; a third thread gets a batch every 8 ms and syncs
// it too. Each write is answered once both syncs are in. With --delay every message between these
// threads is held by its receiver until it is due, on raftyard's own precise timers, as a shaped
// link holds frames. Its commit floor is priced as raftyard's is (target-layout.ts): its threads
// are members n1 (the leader) to n3, its followers' syncs time themselves as a WAL's flushes do,
// and the disk is probed after each phase, resting as the run's writes let it. The gap to the
// embedded row is what raftyard's own code costs per write.
//   npm run bench:floor                                   one client, against raftyard
//   npm run bench:floor -- --compare floor=floor raftyard=embedded --delay 40ms --rate 1000 --clients 200 ...
// Arguments are `raftyard bench`'s, with `floor` one more target name.

import { mkdtempSync, rmSync, writeSync, fdatasync, fdatasyncSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { benchMain } from '../src/bench/cli.js';
import { registerEmbeddedTarget } from '../src/bench/embedded-target.js';
import { registerEtcdTarget } from '../src/bench/etcd-target.js';
import { registeredTargetNames, registerTarget, refuseUnknownSettings, type BenchTarget, type TargetOptions } from '../src/bench/bench-target.js';
import { openSyncFile, probeFsyncSamples, SYNC_BLOCK_BYTES } from '../src/bench/fsync-floor.js';
import { uniformDelaySites } from '../src/bench/member-sites.js';
import { planLayout } from '../src/bench/target-layout.js';
import { memberIds } from '../src/util/member-ids.js';
import { LogLinearHistogram, type SerializedHistogram } from '../src/util/log-linear-histogram.js';
import { ArrivalHold } from '../src/transport/arrival-hold.js';
import { hrNowMs } from '../src/transport/precise-timer.js';

export const FLOOR_TARGET = 'floor';
const SETTING_KEYS = ['front'] as const;
/** Each thread writes 4 KiB slots round a preallocated file, as a WAL segment is preallocated. */
const FILE_SLOTS = 4096;
/** The off-path follower's batch period (raft-node.ts OFF_PATH_BATCH_MS). */
const OFF_PATH_BATCH_MS = 8;
/**
 * What the commit floor's layout calls the two followers. Only the leader serves HTTP; these
 * URLs only name the threads whose flushes price the floor, as a member's client URL does.
 */
const FOLLOWER_URLS = ['http://follower.floor.invalid', 'http://off-path.floor.invalid'] as const;
const VALUE = '0123456789abcdef';
const ANSWER_BODY = `{"action":"set","node":{"key":"/k","value":"${VALUE}","modifiedIndex":5,"createdIndex":5}}\n`;
const DEFAULT_ARGS = ['--compare', 'floor=floor', 'raftyard=embedded', '--clients', '1', '--send-to', 'leader', '--value-size', '16', '--duration', '10s', '--warmup', '2s', '--rounds', '2'];

type Front = 'net' | 'http';

/** Leader to follower: the bodies of the writes up to `lastId` not sent before, due at `dueAtMs` on hrNowMs(). */
interface Append {
  lastId: number;
  dueAtMs: number;
  entries: Uint8Array[];
}

/** Follower to leader: every write up to `lastId` is on its disk; due at `dueAtMs`. */
interface Ack {
  lastId: number;
  dueAtMs: number;
}

/** Main thread to any: the links' one-way delay from now on; or (to a follower) its flush durations so far. */
type Control = { type: 'delay'; delayMs: number } | { type: 'flushes' };

interface ThreadData {
  role: 'leader' | 'follower';
  dir: string;
  name: string;
  front: Front;
  delayMs: number;
  /** The leader's link to the follower on the commit path, or the follower's link to the leader. */
  link: MessagePort;
  offPath: MessagePort | null;
}

/** A preallocated, synced file (the fsync probe's) and a writer of the next slots. */
function slotFile(path: string): { fd: number; write(data: Uint8Array): void } {
  const fd = openSyncFile(path, FILE_SLOTS);
  let slot = 0;
  return {
    fd,
    write(data) {
      const slots = Math.max(1, Math.ceil(data.length / SYNC_BLOCK_BYTES));
      if (slot + slots > FILE_SLOTS) slot = 0;
      writeSync(fd, data, 0, data.length, slot * SYNC_BLOCK_BYTES);
      slot += slots;
    },
  };
}

/**
 * What arrives on a delayed link waits until due, in order, then goes to `handOn`; at no delay it
 * is handed on at once. raftyard's ArrivalHold with no cap on the wait: the receiver holds the
 * whole delay (one timer wake per due batch, the cheapest precise hold there is).
 */
function receiver<T extends { dueAtMs: number }>(handOn: (message: T) => void): (message: T) => void {
  const hold = new ArrivalHold<T>((message) => handOn(message), Infinity);
  return (message) => hold.receive(message, message.dueAtMs);
}

/** Calls `flush` once after the current task: what one drain handed on goes in one batch. */
function batcher(flush: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      flush();
    });
  };
}

function runFollower(data: ThreadData): void {
  const file = slotFile(join(data.dir, data.name));
  let delayMs = data.delayMs;
  let arrived: Uint8Array[] = [];
  let lastId = 0;
  // Each flush's write and fdatasync in µs, since the thread started, as a WAL times its flushes.
  const flushDurationsUs = new LogLinearHistogram();
  const flush = (): void => {
    const startedMs = performance.now();
    file.write(arrived.length === 1 ? arrived[0]! : Buffer.concat(arrived));
    fdatasyncSync(file.fd);
    flushDurationsUs.record((performance.now() - startedMs) * 1000);
    arrived = [];
    const ack: Ack = { lastId, dueAtMs: hrNowMs() + delayMs };
    data.link.postMessage(ack);
  };
  const flushSoon = batcher(flush);
  data.link.on(
    'message',
    receiver<Append>((append) => {
      arrived.push(...append.entries);
      lastId = append.lastId;
      flushSoon();
    }),
  );
  parentPort!.on('message', (control: Control) => {
    if (control.type === 'delay') delayMs = control.delayMs;
    else parentPort!.postMessage(flushDurationsUs.serialize());
  });
}

function runLeader(data: ThreadData): void {
  const file = slotFile(join(data.dir, data.name));
  let delayMs = data.delayMs;
  parentPort!.on('message', (control: Control) => {
    if (control.type === 'delay') delayMs = control.delayMs;
  });
  // Writes in id order; each is answered once it is on this disk and on the follower's.
  const answers: (() => void)[] = [];
  let lastId = 0;
  let syncedId = 0;
  let ackedId = 0;
  const answerDone = (): void => {
    const doneId = Math.min(syncedId, ackedId);
    // The first write still waiting is the one after the last answered: lastId - answers.length + 1.
    while (answers.length > 0 && lastId - answers.length < doneId) answers.shift()!();
  };
  data.link.on(
    'message',
    receiver<Ack>((ack) => {
      ackedId = Math.max(ackedId, ack.lastId);
      answerDone();
    }),
  );
  data.offPath?.on('message', () => undefined);
  let offPathBatch: Uint8Array[] = [];
  setInterval(() => {
    if (offPathBatch.length === 0) return;
    const append: Append = { lastId, dueAtMs: hrNowMs() + delayMs, entries: offPathBatch };
    data.offPath?.postMessage(append);
    offPathBatch = [];
  }, OFF_PATH_BATCH_MS);
  // Group commit: one fdatasync on libuv's pool at a time, for everything written before it.
  let unsynced: Uint8Array[] = [];
  let syncing = false;
  const syncNext = (): void => {
    if (syncing || unsynced.length === 0) return;
    syncing = true;
    const upToId = lastId;
    file.write(unsynced.length === 1 ? unsynced[0]! : Buffer.concat(unsynced));
    unsynced = [];
    fdatasync(file.fd, () => {
      syncing = false;
      syncedId = upToId;
      answerDone();
      syncNext();
    });
  };
  // What one task took in leaves in one append and one sync, as a Raft leader's Ready does.
  let unsent: Uint8Array[] = [];
  const sendAndSync = batcher(() => {
    const append: Append = { lastId, dueAtMs: hrNowMs() + delayMs, entries: unsent };
    data.link.postMessage(append);
    unsent = [];
    syncNext();
  });
  const write = (entry: Uint8Array, answer: () => void): void => {
    lastId++;
    answers.push(answer);
    unsent.push(entry);
    offPathBatch.push(entry);
    unsynced.push(entry);
    sendAndSync();
  };
  const server = data.front === 'http' ? httpFront(write) : netFront(write);
  server.listen(0, '127.0.0.1', () => parentPort!.postMessage((server.address() as { port: number }).port));
}

function httpFront(write: (entry: Uint8Array, answer: () => void) => void): Server {
  return createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () =>
      write(Buffer.concat(chunks), () => {
        res.writeHead(201, { 'Content-Type': 'application/json', 'X-Etcd-Index': '5', 'X-Raft-Index': '7', 'X-Raft-Term': '2' });
        res.end(ANSWER_BODY);
      }),
    );
  });
}

/** Enough of HTTP/1.1 for keep-alive clients: a head, then a body of Content-Length bytes. */
function netFront(write: (entry: Uint8Array, answer: () => void) => void): Server {
  const answer = Buffer.from(`HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Etcd-Index: 5\r\nContent-Length: ${ANSWER_BODY.length}\r\n\r\n${ANSWER_BODY}`);
  return createNetServer((socket) => {
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    const reply = (): void => void socket.write(answer);
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const headEnd = pending.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(pending.toString('latin1', 0, headEnd));
        const end = headEnd + 4 + (length === null ? 0 : Number(length[1]));
        if (pending.length < end) return;
        write(Buffer.from(pending.subarray(headEnd + 4, end)), reply);
        pending = pending.subarray(end);
      }
    });
  });
}

/** The `floor` bench target: the three threads, shaped by --delay, on a scratch directory. */
export async function startFloorTarget(options: TargetOptions): Promise<BenchTarget> {
  refuseUnknownSettings(FLOOR_TARGET, options.extra, SETTING_KEYS);
  const front = options.extra.front ?? 'net';
  if (front !== 'net' && front !== 'http') throw new Error(`floor target: front must be net or http, not ${front}`);
  if (options.geo !== undefined || options.clientRegion !== undefined || options.leaderRegion !== undefined) throw new Error('floor target: only --delay shapes its links');
  if (options.nodes !== undefined && options.nodes !== 3) throw new Error('floor target: it has three threads, like a 3-node cluster');
  const delayMs = options.delayMs ?? 0;
  const ids = memberIds(3);
  const buildLayout = planLayout(ids, options.delayMs === undefined ? null : uniformDelaySites(ids, options.delayMs), undefined);
  const dir = mkdtempSync(join(tmpdir(), 'raftyard-floor-'));
  const onPath = new MessageChannel();
  const offPath = new MessageChannel();
  const start = (data: ThreadData, transfer: MessagePort[]): Worker => new Worker(new URL(import.meta.url), { workerData: data, transferList: transfer });
  const common = { dir, front, delayMs, offPath: null } as const;
  const followers = [
    start({ ...common, role: 'follower', name: 'follower', link: onPath.port2 }, [onPath.port2]),
    start({ ...common, role: 'follower', name: 'off-path', link: offPath.port2 }, [offPath.port2]),
  ];
  const threads = [...followers];
  const leader = start({ ...common, role: 'leader', name: 'leader', link: onPath.port1, offPath: offPath.port1 }, [onPath.port1, offPath.port1]);
  threads.push(leader);
  const close = async (): Promise<void> => {
    await Promise.all(threads.map((thread) => thread.terminate()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => leader.once('message', resolve).once('error', reject));
    const endpoint = `http://127.0.0.1:${port}`;
    const leaderEndpoint = async (): Promise<string> => endpoint;
    const flushesOf = (follower: Worker): Promise<SerializedHistogram> =>
      new Promise((resolve) => {
        follower.once('message', resolve);
        follower.postMessage({ type: 'flushes' } satisfies Control);
      });
    const setDelay = (ms: number): void => {
      for (const thread of threads) thread.postMessage({ type: 'delay', delayMs: ms } satisfies Control);
    };
    return {
      name: FLOOR_TARGET,
      endpoints: [endpoint],
      leaderEndpoint,
      ...buildLayout([endpoint, ...FOLLOWER_URLS], (restMs, budgetMs) => probeFsyncSamples(dir, restMs, budgetMs), leaderEndpoint),
      walFlushes: async () => new Map(await Promise.all(followers.map(async (follower, i) => [FOLLOWER_URLS[i], await flushesOf(follower)] as const))),
      unshaped:
        delayMs === 0
          ? undefined
          : async <T>(work: () => Promise<T>): Promise<T> => {
              setDelay(0);
              try {
                return await work();
              } finally {
                setDelay(delayMs);
              }
            },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export function registerFloorTarget(): void {
  if (!registeredTargetNames().includes(FLOOR_TARGET)) registerTarget(FLOOR_TARGET, startFloorTarget);
}

async function main(): Promise<void> {
  registerEmbeddedTarget();
  registerEtcdTarget();
  registerFloorTarget();
  const argv = process.argv.slice(2);
  process.exitCode = await benchMain(argv.length === 0 ? DEFAULT_ARGS : argv);
}

if (isMainThread) {
  // Run as a script, not imported (a test starts the target alone).
  if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
} else {
  const data = workerData as ThreadData;
  if (data.role === 'leader') runLeader(data);
  else runFollower(data);
}
