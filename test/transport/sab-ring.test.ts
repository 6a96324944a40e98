// The shared-memory ring: records in order across wrap-around, back-pressure when full,
// in-place encoding, records larger than the ring, and a round trip through a real worker.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/util/prng.js';
import { RingReader, RingWriter, createRingBuffer } from '../../src/transport/sab-ring.js';
import { decodeMessage, encodeMessageInto, encodedSize } from '../../src/transport/message-codec.js';
import { makeFullMessage } from './message-fixtures.js';
import { spawnTestWorker } from './spawn-worker.js';
import { MessageType } from '../../src/raft/types.js';

function randomRecord(prng: Prng, bytesMax: number): Uint8Array {
  const record = new Uint8Array(prng.int(0, bytesMax + 1));
  for (let i = 0; i < record.byteLength; i++) record[i] = prng.nextUint32() & 0xff;
  return record;
}

test('records come out whole and in order across many wrap-arounds', () => {
  const buffer = createRingBuffer(256);
  const writer = new RingWriter(buffer);
  const reader = new RingReader(buffer);
  const prng = new Prng(1);
  const pending: Uint8Array[] = [];
  for (let round = 0; round < 2000; round++) {
    const record = randomRecord(prng, writer.chunkBytesMax);
    if (writer.tryWrite(record)) pending.push(record);
    if (prng.chance(0.5) || pending.length > 8) {
      const got = reader.tryRead();
      if (got !== null) assert.deepStrictEqual(got, pending.shift());
    }
  }
  for (let got = reader.tryRead(); got !== null; got = reader.tryRead()) assert.deepStrictEqual(got, pending.shift());
  assert.equal(pending.length, 0);
});

test('a full ring refuses new records until the reader makes room', async () => {
  const buffer = createRingBuffer(64);
  const writer = new RingWriter(buffer);
  const reader = new RingReader(buffer);
  const record = new Uint8Array(writer.chunkBytesMax).fill(7);
  let accepted = 0;
  while (writer.tryWrite(record)) accepted++;
  assert.equal(accepted, 4);
  const room = writer.waitForRoom(5_000);
  assert.deepStrictEqual(reader.tryRead(), record);
  await room;
  assert.ok(writer.tryWrite(record));
  assert.throws(() => writer.tryWrite(new Uint8Array(writer.chunkBytesMax + 1)), RangeError);
});

test('a message can be encoded in place in the ring and decoded on the other side', () => {
  const buffer = createRingBuffer(16 << 10);
  const writer = new RingWriter(buffer);
  const reader = new RingReader(buffer);
  const message = makeFullMessage(MessageType.Append);
  assert.ok(writer.tryWriteWith(encodedSize(message), (target, offset) => encodeMessageInto(message, target, offset)));
  assert.deepStrictEqual(decodeMessage(reader.tryRead()!), message);
});

test('a record larger than the ring goes through in chunks', async () => {
  const buffer = createRingBuffer(256);
  const writer = new RingWriter(buffer);
  const reader = new RingReader(buffer);
  const big = randomRecord(new Prng(2), 5000);
  const [got] = await Promise.all([reader.read(5_000), writer.write(big, 5_000)]);
  assert.deepStrictEqual(got, big);
  const bounded = new RingReader(buffer, 100);
  const sent = writer.write(new Uint8Array(300), 5_000);
  await assert.rejects(bounded.read(5_000), /exceeds 100 bytes/);
  await sent;
});

test('waits time out: a writer nobody drains, a reader nobody feeds', async () => {
  const buffer = createRingBuffer(64);
  await assert.rejects(new RingWriter(buffer).write(new Uint8Array(1000), 20), /in vain/);
  await assert.rejects(new RingReader(createRingBuffer(64)).read(20), /in vain/);
});

test('records cross a real worker thread and come back unchanged', async () => {
  const inbound = createRingBuffer(1024);
  const outbound = createRingBuffer(1024);
  const prng = new Prng(3);
  // Mostly small records, and a few larger than the whole ring.
  const records = Array.from({ length: 300 }, (_, i) => randomRecord(prng, i % 50 === 0 ? 6000 : 200));
  const worker = spawnTestWorker(import.meta.url, 'ring-echo-worker', { workerData: { inbound, outbound, count: records.length } });
  const exited = new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
  try {
    const writer = new RingWriter(inbound);
    const reader = new RingReader(outbound);
    const sending = (async () => {
      for (const record of records) await writer.write(record, 5_000);
    })();
    for (const record of records) assert.deepStrictEqual(await reader.read(5_000), record);
    await sending;
    assert.equal(await exited, 0);
  } finally {
    await worker.terminate();
  }
});
