// What a sequential client's write behind 40 ms links pays the machine before raftyard does any
// work: two threads of one process trade a small message over loopback TCP, the server holding
// each one `--hold-ms` (a coarse timer, then a spin to the exact time) before it echoes it, and the
// client sending the next as soon as the echo comes. The time over the hold is the cost of the
// two thread wakes after a rest (the server's on the request, the client's on the echo) plus the
// sends; rounds alternate with back-to-back exchanges (no hold), where both threads stay warm.
// On this VM idle vCPUs halt at once, and a wake after a rest costs far more than a warm one.
//   npx tsc -p . && node dist/bench/rested-exchange.bench.js [--exchanges 60] [--rounds 2] [--hold-ms 80]

import { createServer, type AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startSourceThread } from '../src/util/source-thread.js';
import { percentileOfSorted as percentile } from '../src/bench/median.js';

const { values } = parseArgs({
  options: { exchanges: { type: 'string' }, rounds: { type: 'string' }, 'hold-ms': { type: 'string' } },
});
const EXCHANGES = Number(values.exchanges ?? 60);
const ROUNDS = Number(values.rounds ?? 2);
const HOLD_MS = Number(values['hold-ms'] ?? 80);
/** Exchanges left out at the start of each series (connection set-up, first compilation). */
const SKIPPED = 3;
const MESSAGE_BYTES = 200;

if (!(Number.isInteger(EXCHANGES) && EXCHANGES > SKIPPED && Number.isInteger(ROUNDS) && ROUNDS > 0 && HOLD_MS >= 1)) {
  throw new RangeError('--exchanges must be an integer above 3, --rounds a positive integer, --hold-ms at least 1');
}

/** The client thread: sends, waits for the echo, sends again; posts each round trip in ms. */
const CLIENT = `
const net = require('node:net');
const { port, exchanges, bytes } = shared;
const socket = net.connect(port, '127.0.0.1');
socket.setNoDelay(true);
const times = [];
let sentAt = 0;
const send = () => { sentAt = performance.now(); socket.write(Buffer.alloc(bytes, 120)); };
let received = 0;
socket.on('data', (chunk) => {
  received += chunk.length;
  if (received < bytes) return;
  received = 0;
  times.push(performance.now() - sentAt);
  if (times.length === exchanges) { require('node:worker_threads').parentPort.postMessage(times); socket.destroy(); return; }
  send();
});
socket.on('connect', send);
`;

/** One series of exchanges, each held `holdMs` by the server (0: echoed at once); round trips in ms. */
async function series(holdMs: number): Promise<number[]> {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let received = 0;
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (received < MESSAGE_BYTES) return;
      received = 0;
      const echo = (): void => {
        socket.write(Buffer.alloc(MESSAGE_BYTES, 121));
      };
      if (holdMs === 0) return echo();
      const dueMs = performance.now() + holdMs;
      setTimeout(() => {
        while (performance.now() < dueMs);
        echo();
      }, holdMs - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const client = startSourceThread(CLIENT, { port, exchanges: EXCHANGES, bytes: MESSAGE_BYTES });
  client.ref();
  try {
    return await new Promise<number[]>((resolve, reject) => {
      client.once('message', resolve);
      client.once('error', reject);
    });
  } finally {
    await client.terminate();
    server.close();
  }
}

function summary(label: string, timesMs: number[], holdMs: number): string {
  const overUs = timesMs.slice(SKIPPED).map((ms) => (ms - holdMs) * 1000).sort((a, b) => a - b);
  const at = (q: number): string => percentile(overUs, q).toFixed(0).padStart(6);
  return `${label.padEnd(26)} over the hold, µs: p10 ${at(0.1)}  p50 ${at(0.5)}  p90 ${at(0.9)}  (${overUs.length} exchanges)`;
}

for (let round = 1; round <= ROUNDS; round++) {
  console.log(summary(`round ${round}, held ${HOLD_MS} ms`, await series(HOLD_MS), HOLD_MS));
  console.log(summary(`round ${round}, back to back`, await series(0), 0));
}
