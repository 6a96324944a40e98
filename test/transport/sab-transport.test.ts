// The shared-memory transport between two members in one thread: batches that find the ring
// full wait in the outbox and arrive later, in order and intact, and a frame larger than a
// ring chunk travels in pieces.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageType, emptyMessage, type Message } from '../../src/raft/types.js';
import { SabTransport, createSabLinkPair } from '../../src/transport/sab-transport.js';
import { filledBytes } from './message-fixtures.js';

/** An append from n1 to n2 numbered `index`, carrying `dataBytes` of entry data. */
function append(index: number, dataBytes: number): Message {
  const message = emptyMessage(MessageType.Append, 'n1', 'n2', 3);
  message.index = index;
  message.entries = [{ term: 3, index, type: 0, data: filledBytes(dataBytes, index) }];
  return message;
}

async function withPair(body: (sender: SabTransport, received: Message[], until: (count: number) => Promise<void>) => Promise<void>): Promise<void> {
  const { a, b } = createSabLinkPair();
  const sender = new SabTransport('n1', { n2: a }, 1);
  const receiver = new SabTransport('n2', { n1: b }, 2);
  const received: Message[] = [];
  receiver.onReceive = (message) => received.push(message);
  const until = async (count: number): Promise<void> => {
    const deadlineMs = performance.now() + 10_000;
    while (received.length < count) {
      assert.ok(performance.now() < deadlineMs, `only ${received.length} of ${count} messages arrived`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  try {
    await body(sender, received, until);
  } finally {
    sender.close();
    receiver.close();
  }
}

test('batches that find the ring full wait for room and arrive in order, intact', async () => {
  await withPair(async (sender, received, until) => {
    // Each batch is one message of 200 KiB: thirty sent at once overfill a 4 MiB ring.
    const count = 30;
    for (let i = 1; i <= count; i++) {
      sender.send(append(i, 200 * 1024));
      sender.flush();
    }
    await until(count);
    assert.deepEqual(received.map((m) => m.index), Array.from({ length: count }, (_, i) => i + 1));
    for (const message of received) assert.deepEqual(message.entries[0]!.data, filledBytes(200 * 1024, message.index));
  });
});

test('a frame larger than a ring chunk arrives whole, between the batches around it', async () => {
  await withPair(async (sender, received, until) => {
    sender.send(append(1, 100));
    sender.flush();
    sender.send(append(2, 3 * 1024 * 1024));
    sender.flush();
    sender.send(append(3, 100));
    sender.flush();
    await until(3);
    assert.deepEqual(received.map((m) => m.index), [1, 2, 3]);
    assert.deepEqual(received[1]!.entries[0]!.data, filledBytes(3 * 1024 * 1024, 2));
  });
});
