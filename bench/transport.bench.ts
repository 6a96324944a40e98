// The three transports side by side, in one run: (1) the round trip of one Raft message between
// two threads (a heartbeat and a 64 x 256-byte append), timed by tinybench, and (2) replicated
// writes per second of a 3-node cluster on each transport, with 1 and with 64 concurrent clients
// at the leader (every write fsynced by a quorum), each a closed-loop run of the bench harness.
//   npm run bench:transport [-- --seconds 3 --rtt-ms 1000]

import { parseArgs } from 'node:util';
import { Worker, MessageChannel } from 'node:worker_threads';
import { Bench } from 'tinybench';
import { emptyMessage, MessageType, EntryType, type Message } from '../src/raft/types.js';
import type { PeerTransport, TransportKind } from '../src/transport/peer-transport.js';
import { PortTransport } from '../src/transport/port-transport.js';
import { SabTransport, createSabLinkPair } from '../src/transport/sab-transport.js';
import { WsTransport } from '../src/transport/ws-transport.js';
import { EMBEDDED_TARGET, registerEmbeddedTarget } from '../src/bench/embedded-target.js';
import { parseBenchArgs } from '../src/bench/parse-args.js';
import { runBench } from '../src/bench/run-bench.js';
import { taskRows, type TaskRow } from './tinybench-table.js';

const KINDS: TransportKind[] = ['port', 'sab', 'ws'];
const { values } = parseArgs({ options: { seconds: { type: 'string' }, 'rtt-ms': { type: 'string' } } });
const seconds = Number(values.seconds ?? 3);
/** Measured time of each round-trip task (after a warmup of its own). */
const rttTaskMs = Number(values['rtt-ms'] ?? 1000);
const RTT_WARMUP_MS = 200;
const WRITE_VALUE_BYTES = 16;
/** Unmeasured start of each write run: connections open and the hot path compiles. */
const WRITE_WARMUP_MS = 500;

async function openPair(kind: TransportKind): Promise<{ a: PeerTransport; worker: Worker }> {
  const workerUrl = new URL('./transport-echo-worker.js', import.meta.url);
  if (kind === 'port') {
    const channel = new MessageChannel();
    const worker = new Worker(workerUrl, { workerData: { kind, port: channel.port2 }, transferList: [channel.port2] });
    await once(worker, 'ready');
    return { a: new PortTransport('a', { b: channel.port1 }, 1), worker };
  }
  if (kind === 'sab') {
    const pair = createSabLinkPair();
    const worker = new Worker(workerUrl, { workerData: { kind, rings: pair.b } });
    await once(worker, 'ready');
    return { a: new SabTransport('a', { b: pair.a }, 1), worker };
  }
  const a = new WsTransport({ id: 'a', peers: {}, host: '127.0.0.1', port: 0, seed: 1 });
  const aPort = await a.listen();
  const worker = new Worker(workerUrl, { workerData: { kind, wsPeerUrl: `ws://127.0.0.1:${aPort}` } });
  const { wsPort } = (await once(worker, 'wsPort')) as { wsPort: number };
  await once(worker, 'ready');
  const dialer = new WsTransport({ id: 'a', peers: { b: `ws://127.0.0.1:${wsPort}` }, host: '127.0.0.1', port: 0, seed: 1 });
  await dialer.listen();
  // Let both connections open before the first ping.
  await new Promise((r) => setTimeout(r, 200));
  return { a: wrapWs(a, dialer), worker };
}

/** ws: the echo answers on the connection the worker dialled to `a`; we send through `dialer`. */
function wrapWs(receiver: WsTransport, dialer: WsTransport): PeerTransport {
  return {
    send: (m: Message) => dialer.send(m),
    set onReceive(handler: (m: Message, sizeBytes: number) => void) {
      receiver.onReceive = handler;
    },
    close: () => {
      receiver.close();
      dialer.close();
    },
  } as unknown as PeerTransport;
}

function once(worker: Worker, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>): void => {
      if (key in message) {
        worker.off('message', onMessage);
        resolve(message);
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

/** Round trips of a heartbeat and of an append to an echoing thread over `kind`, one at a time. */
async function roundTripRows(kind: TransportKind, heartbeat: Message, append: Message): Promise<TaskRow[]> {
  const { a, worker } = await openPair(kind);
  let answered: () => void = () => {};
  a.onReceive = () => answered();
  const roundTrip = (message: Message): Promise<void> =>
    new Promise<void>((resolve) => {
      answered = resolve;
      a.send(message);
    });
  const bench = new Bench({ time: rttTaskMs, warmupTime: RTT_WARMUP_MS, throws: true });
  bench.add(`${kind} heartbeat`, () => roundTrip(heartbeat));
  bench.add(`${kind} append 64 x 256 B`, () => roundTrip(append));
  try {
    await bench.run();
  } finally {
    a.close();
    worker.postMessage('close');
    await worker.terminate();
  }
  return taskRows(bench);
}

function appendMessage(): Message {
  const m = emptyMessage(MessageType.Append, 'a', 'b', 1);
  m.entries = Array.from({ length: 64 }, (_, i) => ({ term: 1, index: i + 1, type: EntryType.Normal, data: new Uint8Array(256).fill(i) }));
  return m;
}

/** Replicated writes of a 3-node cluster on `kind`: one closed-loop run of the harness at the leader. */
async function writesPerSecond(kind: TransportKind, clients: number): Promise<{ rate: number; p50: number; p99: number }> {
  // Parsed as `raftyard bench` parses it, so every default is the CLI's.
  const options = parseBenchArgs([
    '--target', EMBEDDED_TARGET,
    '--nodes', '3',
    '--transport', kind,
    '--value-size', String(WRITE_VALUE_BYTES),
    '--clients', String(clients),
    '--send-to', 'leader',
    '--duration', `${seconds * 1000}ms`,
    '--warmup', `${WRITE_WARMUP_MS}ms`,
    '--no-progress',
  ]);
  const { total } = (await runBench(options)).targets[0];
  if (total.errorsTotal > 0) throw new Error(`${kind}, ${clients} clients: ${total.errorsTotal} writes failed (${JSON.stringify(total.errors)})`);
  return { rate: total.throughputPerSec, p50: total.latency.p50Ms, p99: total.latency.p99Ms };
}

const heartbeat = emptyMessage(MessageType.Heartbeat, 'a', 'b', 1);
const append = appendMessage();
const rtt: TaskRow[] = [];
for (const kind of KINDS) rtt.push(...(await roundTripRows(kind, heartbeat, append)));
console.log(`Message round trip between two threads (tinybench, ${rttTaskMs} ms per task):`);
console.table(rtt);
const writes = [];
registerEmbeddedTarget();
for (const kind of KINDS) {
  const one = await writesPerSecond(kind, 1);
  const many = await writesPerSecond(kind, 64);
  writes.push({ transport: kind, '1 client writes/s': one.rate.toFixed(0), '1 client p50 ms': one.p50.toFixed(2), '64 clients writes/s': many.rate.toFixed(0), '64 clients p50 ms': many.p50.toFixed(2), '64 clients p99 ms': many.p99.toFixed(2) });
}
console.log(`Replicated writes (3 nodes, ${WRITE_VALUE_BYTES}-byte values, ${seconds} s each):`);
console.table(writes);
