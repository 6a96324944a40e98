// The MessagePort transport moves a small frame by copying it and a large one by transferring its
// buffer; either way the peer receives every message intact and in order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { PortTransport } from '../../src/transport/port-transport.js';
import { EntryType, MessageType, emptyMessage, type Message } from '../../src/raft/types.js';
import { waitUntil } from '../support/wait-until.js';

function appendOf(index: number, dataBytes: number): Message {
  const data = new Uint8Array(dataBytes).map((_, i) => (i * 7 + index) & 0xff);
  return { ...emptyMessage(MessageType.Append, 'a', 'b', 3), index: index - 1, logTerm: 3, commit: index - 1, entries: [{ term: 3, index, type: EntryType.Normal, data }] };
}

test('over a MessagePort, a small frame is copied and a large one transferred, and both arrive intact', async (t) => {
  const channel = new MessageChannel();
  const sender = new PortTransport('a', { b: channel.port1 }, 1, {}, 0);
  const receiver = new PortTransport('b', { a: channel.port2 }, 2, {}, 0);
  t.after(() => {
    sender.close();
    receiver.close();
  });
  const frameKinds: string[] = [];
  channel.port2.on('message', (frame: unknown) => frameKinds.push(frame instanceof Uint8Array ? 'copied' : frame instanceof ArrayBuffer ? 'transferred' : typeof frame));
  const received: Message[] = [];
  receiver.onReceive = (message) => received.push(message);

  const small = appendOf(1, 16);
  const large = appendOf(2, 100 * 1024);
  sender.send(small);
  sender.flush();
  sender.send(large);
  sender.flush();
  await waitUntil(() => received.length === 2, 'both frames arrive');

  assert.deepEqual(frameKinds, ['copied', 'transferred']);
  assert.deepEqual(received, [small, large]);
});
