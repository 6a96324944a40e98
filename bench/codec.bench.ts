// Micro-benchmark of the message codec on the two shapes that dominate replication traffic: an
// Append of 64 entries of 256 bytes, and an empty heartbeat. Run: npx tsx bench/codec.bench.ts

import { Bench } from 'tinybench';
import type { Message } from '../src/raft/types.js';
import { decodeMessage, encodeMessage, encodeMessageInto, encodedSize } from '../src/transport/message-codec.js';
import { makeAppend, makeHeartbeat } from '../test/transport/message-fixtures.js';
import { taskRows } from './tinybench-table.js';

function addShape(bench: Bench, name: string, message: Message): void {
  const encoded = encodeMessage(message);
  const target = new Uint8Array(encodedSize(message));
  bench
    .add(`encode ${name}`, () => {
      encodeMessage(message);
    })
    .add(`encodeInto ${name}`, () => {
      encodeMessageInto(message, target, 0);
    })
    .add(`decode ${name}`, () => {
      decodeMessage(encoded);
    });
}

const bench = new Bench({ name: 'message codec', time: 500, warmupTime: 200 });
addShape(bench, 'append 64x256B', makeAppend());
addShape(bench, 'heartbeat', makeHeartbeat());
await bench.run();
console.log(`${bench.name}: append ${encodeMessage(makeAppend()).byteLength} bytes, heartbeat ${encodeMessage(makeHeartbeat()).byteLength} bytes`);
console.table(taskRows(bench));
