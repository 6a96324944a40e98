// A worker for the ring test: reads `count` records from one ring and writes each back,
// unchanged, on the other, so the test can compare what crossed two threads both ways.

import { workerData } from 'node:worker_threads';
import { RingReader, RingWriter } from '../../src/transport/sab-ring.js';

interface EchoWorkerData {
  inbound: SharedArrayBuffer;
  outbound: SharedArrayBuffer;
  count: number;
}

const { inbound, outbound, count } = workerData as EchoWorkerData;
const reader = new RingReader(inbound);
const writer = new RingWriter(outbound);
for (let i = 0; i < count; i++) await writer.write(await reader.read(5_000), 5_000);
