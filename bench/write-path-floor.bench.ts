// What one client's write costs on this machine with nothing but the threads, hops and flushes
// of raftyard's write path, next to raftyard itself in the same run: a client socket, a "leader"
// thread that serves HTTP (a bare `net` parser, or node:http), posts each body to a "follower"
// thread and fdatasyncs its own file on libuv's pool, the follower writing and fdatasyncing its
// file on its own thread and answering, a third thread taking a batch every 8 ms. No Raft, no
// store, no codecs: the gap to the embedded row is what raftyard's own code costs per write.
//   npm run build && node dist/bench/write-path-floor.bench.js [--seconds 5] [--rounds 2]

import { mkdtempSync, rmSync, writeSync, fdatasync, fdatasyncSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MessageChannel, Worker, isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { EMBEDDED_TARGET, registerEmbeddedTarget } from '../src/bench/embedded-target.js';
import { openSyncFile, SYNC_BLOCK_BYTES } from '../src/bench/fsync-floor.js';
import { median } from '../src/bench/median.js';
import { parseBenchArgs } from '../src/bench/parse-args.js';
import { runBench } from '../src/bench/run-bench.js';

/** Each thread writes 4 KiB slots round a preallocated file, as a WAL segment is preallocated. */
const FILE_SLOTS = 4096;
/** The off-path follower's batch period (raft-node.ts OFF_PATH_BATCH_MS). */
const OFF_PATH_BATCH_MS = 8;
const WARMUP_MS = 2000;
const VALUE = '0123456789abcdef';
const BODY = `value=${VALUE}`;
const ANSWER_BODY = `{"action":"set","node":{"key":"/k","value":"${VALUE}","modifiedIndex":5,"createdIndex":5}}\n`;

type Front = 'net' | 'http';

interface ThreadData {
  role: 'leader' | 'follower';
  dir: string;
  name: string;
  front: Front;
  follower: MessagePort;
  offPath: MessagePort | null;
}

/** A preallocated, synced file (the fsync probe's) and a writer of the next slot. */
function slotFile(path: string): { fd: number; writeSlot(data: Uint8Array): void } {
  const fd = openSyncFile(path, FILE_SLOTS);
  let slot = 0;
  return {
    fd,
    writeSlot(data) {
      writeSync(fd, data, 0, data.length, slot * SYNC_BLOCK_BYTES);
      slot = (slot + 1) % FILE_SLOTS;
    },
  };
}

function runFollower(data: ThreadData): void {
  const file = slotFile(join(data.dir, data.name));
  data.follower.on('message', (entry: Uint8Array) => {
    file.writeSlot(entry);
    fdatasyncSync(file.fd);
    data.follower.postMessage(1);
  });
}

function runLeader(data: ThreadData): void {
  const file = slotFile(join(data.dir, data.name));
  let offPathBatch: Buffer[] = [];
  data.offPath?.on('message', () => undefined);
  setInterval(() => {
    if (offPathBatch.length === 0) return;
    data.offPath?.postMessage(Buffer.concat(offPathBatch));
    offPathBatch = [];
  }, OFF_PATH_BATCH_MS);
  // One client, one write at a time: the answer goes out once both flushes are in.
  let pending: { answer: () => void; synced: boolean; acked: boolean } | null = null;
  const answerIfDone = (): void => {
    if (pending === null || !pending.synced || !pending.acked) return;
    const { answer } = pending;
    pending = null;
    answer();
  };
  data.follower.on('message', () => {
    pending!.acked = true;
    answerIfDone();
  });
  const write = (entry: Buffer, answer: () => void): void => {
    const inFlight = { answer, synced: false, acked: false };
    pending = inFlight;
    data.follower.postMessage(entry);
    offPathBatch.push(entry);
    file.writeSlot(entry);
    fdatasync(file.fd, () => {
      inFlight.synced = true;
      answerIfDone();
    });
  };
  const server = data.front === 'http' ? httpFront(write) : netFront(write);
  server.listen(0, '127.0.0.1', () => parentPort!.postMessage((server.address() as { port: number }).port));
}

function httpFront(write: (entry: Buffer, answer: () => void) => void): ReturnType<typeof createHttpServer> {
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

/** Enough of HTTP/1.1 for this one client: each request arrives whole in one read. */
function netFront(write: (entry: Buffer, answer: () => void) => void): ReturnType<typeof createNetServer> {
  const answer = Buffer.from(`HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Etcd-Index: 5\r\nContent-Length: ${ANSWER_BODY.length}\r\n\r\n${ANSWER_BODY}`);
  return createNetServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (request: Buffer) => {
      const bodyAt = request.indexOf('\r\n\r\n') + 4;
      write(Buffer.from(request.subarray(bodyAt)), () => socket.write(answer));
    });
  });
}

interface Figures {
  perSec: number;
  p50Ms: number;
  meanMs: number;
}

/** One client, one PUT at a time over a keep-alive socket, for `ms`; latencies of the run. */
function sequentialPuts(socket: Socket, ms: number): Promise<number[]> {
  const request = Buffer.from(`PUT /v2/keys/k HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`);
  const latencies: number[] = [];
  const endAt = performance.now() + ms;
  return new Promise((resolve) => {
    let sentAt = performance.now();
    const onAnswer = (): void => {
      latencies.push(performance.now() - sentAt);
      if (performance.now() >= endAt) {
        socket.off('data', onAnswer);
        resolve(latencies);
        return;
      }
      sentAt = performance.now();
      socket.write(request);
    };
    socket.on('data', onAnswer);
    socket.write(request);
  });
}

function figuresOf(latencies: number[], ms: number): Figures {
  const meanMs = latencies.reduce((sum, x) => sum + x, 0) / latencies.length;
  return { perSec: (1000 * latencies.length) / ms, p50Ms: median(latencies), meanMs };
}

async function floorRun(front: Front, ms: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'raftyard-floor-'));
  const follower = new MessageChannel();
  const offPath = new MessageChannel();
  const start = (data: ThreadData, transfer: MessagePort[]): Worker => new Worker(new URL(import.meta.url), { workerData: data, transferList: transfer });
  const common = { dir, front };
  const threads = [
    start({ ...common, role: 'follower', name: 'follower', follower: follower.port2, offPath: null }, [follower.port2]),
    start({ ...common, role: 'follower', name: 'off-path', follower: offPath.port2, offPath: null }, [offPath.port2]),
  ];
  const leader = start({ ...common, role: 'leader', name: 'leader', follower: follower.port1, offPath: offPath.port1 }, [follower.port1, offPath.port1]);
  threads.push(leader);
  try {
    const port = await new Promise<number>((resolve, reject) => leader.once('message', resolve).once('error', reject));
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise((resolve) => socket.once('connect', resolve));
    await sequentialPuts(socket, WARMUP_MS);
    const figures = figuresOf(await sequentialPuts(socket, ms), ms);
    socket.destroy();
    return figures;
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function embeddedRun(ms: number): Promise<Figures> {
  const options = parseBenchArgs(['--target', EMBEDDED_TARGET, '--nodes', '3', '--clients', '1', '--send-to', 'leader', '--value-size', '16', '--duration', `${ms}ms`, '--warmup', `${WARMUP_MS}ms`, '--no-progress']);
  const { latency, operations } = (await runBench(options)).targets[0].total;
  return { perSec: (1000 * operations) / ms, p50Ms: latency.p50Ms, meanMs: latency.meanMs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, rounds: { type: 'string' } } });
  const ms = 1000 * Number(values.seconds ?? 5);
  const rounds = Number(values.rounds ?? 2);
  if (!(ms > 0) || !Number.isInteger(rounds) || rounds < 1) throw new Error('--seconds must be > 0 and --rounds a positive integer');
  registerEmbeddedTarget();
  const runs: [string, () => Promise<Figures>][] = [
    ['floor, bare net HTTP', () => floorRun('net', ms)],
    ['floor, node:http', () => floorRun('http', ms)],
    ['raftyard embedded', () => embeddedRun(ms)],
  ];
  console.log(`one client, sequential PUTs of a 16-byte value, ${ms / 1000} s per run after ${WARMUP_MS / 1000} s of warm-up, ${rounds} rounds`);
  console.log('run'.padEnd(24) + 'writes/s'.padStart(10) + 'p50 ms'.padStart(10) + 'mean ms'.padStart(10));
  for (let round = 1; round <= rounds; round++) {
    for (const [name, run] of runs) {
      const { perSec, p50Ms, meanMs } = await run();
      console.log(`${name} (${round})`.padEnd(24) + perSec.toFixed(0).padStart(10) + p50Ms.toFixed(3).padStart(10) + meanMs.toFixed(3).padStart(10));
    }
  }
}

if (isMainThread) await main();
else {
  const data = workerData as ThreadData;
  if (data.role === 'leader') runLeader(data);
  else runFollower(data);
}
