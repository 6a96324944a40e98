// The receiving end of a delayed link: a frame due now passes straight through; one due later
// waits and is handed on in arrival order, never before its time; a frame due at once still
// waits behind held ones; a cut drops what is held; and no frame is held longer than the lead.
// Then the same over a real MessageChannel between two port transports: a delayed message is
// never handed to the node early, and one already sent ahead is lost when the link is cut.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { ARRIVAL_LEAD_MS, ArrivalHold } from '../../src/transport/arrival-hold.js';
import { ARRIVE_AT_ONCE } from '../../src/transport/batch-frame.js';
import { PortTransport } from '../../src/transport/port-transport.js';
import { hrNowMs } from '../../src/transport/precise-timer.js';
import { MessageType, emptyMessage, type Message } from '../../src/raft/types.js';
import { waitUntil } from '../support/wait-until.js';

const frameOf = (tag: number): Uint8Array => Uint8Array.of(tag);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function recordingHold() {
  const handed: Array<{ tag: number; atMs: number }> = [];
  const hold = new ArrivalHold((frame) => handed.push({ tag: frame[0]!, atMs: hrNowMs() }));
  return { hold, handed };
}

test('frames due now pass through; later ones wait their time and keep their order', async () => {
  const { hold, handed } = recordingHold();
  hold.receive(frameOf(1), ARRIVE_AT_ONCE);
  assert.deepStrictEqual(handed.map((h) => h.tag), [1]);
  const startMs = hrNowMs();
  hold.receive(frameOf(2), startMs + 1.5);
  hold.receive(frameOf(3), startMs + 0.5); // came later, so it waits behind frame 2
  hold.receive(frameOf(4), ARRIVE_AT_ONCE); // likewise
  assert.equal(hold.size, 3);
  assert.equal(handed.length, 1);
  await sleep(20);
  assert.deepStrictEqual(handed.map((h) => h.tag), [1, 2, 3, 4]);
  assert.ok(handed[1]!.atMs >= startMs + 1.5, `frame 2 handed on ${startMs + 1.5 - handed[1]!.atMs} ms early`);
  assert.equal(hold.size, 0);
});

test('a cut drops what is held; a time beyond the lead is held no longer than the lead', async () => {
  const { hold, handed } = recordingHold();
  hold.receive(frameOf(1), hrNowMs() + 1);
  hold.receive(frameOf(2), hrNowMs() + 1);
  assert.equal(hold.drop(), 2);
  const startMs = hrNowMs();
  hold.receive(frameOf(3), startMs + 60_000);
  await sleep(50);
  assert.deepStrictEqual(handed.map((h) => h.tag), [3]);
  assert.ok(handed[0]!.atMs >= startMs + ARRIVAL_LEAD_MS - 0.01, 'held for the lead');
});

test('a steady stream that never empties the hold keeps every frame, in order', async () => {
  const { hold, handed } = recordingHold();
  // Each frame due 0.05 ms after the one before, arriving faster than they come due.
  const count = 1000;
  const startMs = hrNowMs();
  for (let i = 0; i < count; i++) hold.receive(Uint8Array.of(i & 0xff, i >> 8), startMs + 0.5 + i * 0.002);
  await sleep(30);
  assert.equal(handed.length, count);
  assert.deepStrictEqual(handed.map((h) => h.tag), Array.from({ length: count }, (_, i) => i & 0xff));
});

function portPair(t: TestContext, delayMs: number, leadMs = ARRIVAL_LEAD_MS) {
  const channel = new MessageChannel();
  const sender = new PortTransport('a', { b: channel.port1 }, 1, { b: { delayMs } }, leadMs);
  const receiver = new PortTransport('b', { a: channel.port2 }, 2, {}, leadMs);
  const received: Array<{ message: Message; atMs: number }> = [];
  receiver.onReceive = (message) => received.push({ message, atMs: hrNowMs() });
  t.after(() => {
    sender.close();
    receiver.close();
  });
  return { sender, receiver, received, receiverPort: channel.port2 };
}

function heartbeat(term: number): Message {
  return emptyMessage(MessageType.Heartbeat, 'a', 'b', term);
}

test('over a MessagePort, a delayed message reaches the node on time, not when it was sent ahead', async (t) => {
  const { sender, received } = portPair(t, 10);
  const sentAtMs = hrNowMs();
  sender.send(heartbeat(1));
  sender.send(heartbeat(2));
  for (let i = 0; i < 100 && received.length < 2; i++) await sleep(5);
  assert.deepStrictEqual(received.map((r) => r.message.term), [1, 2]);
  for (const { atMs } of received) assert.ok(atMs - sentAtMs >= 10 - 0.01, `handed on after ${atMs - sentAtMs} ms`);
});

test('over a MessagePort, cutting the link loses a message already sent ahead to the receiver', async (t) => {
  // A lead as long as the delay (generous, so a loaded machine cannot win the race): the frame
  // leaves at once and waits at the receiver, where the cut notice must find and drop it.
  const { sender, received, receiverPort } = portPair(t, 300, 300);
  const arrived = new Promise((resolve) => receiverPort.once('message', resolve));
  sender.send(heartbeat(1));
  await arrived;
  sender.configureLink('b', { cut: true });
  await sleep(400);
  assert.equal(received.length, 0, "a message sent ahead came through the cut");
  sender.configureLink('b', { cut: false });
  sender.send(heartbeat(2));
  for (let i = 0; i < 100 && received.length < 1; i++) await sleep(5);
  assert.deepStrictEqual(received.map((r) => r.message.term), [2]);
});

test('over a MessagePort, each held frame is announced once, after its messages; a frame that did not wait is not', async (t) => {
  // A lead as long as the delay, as in the cut test: the frame leaves at once and waits at the
  // receiver however late a loaded machine runs the sender's timer (a short lead lost that race
  // there, and a frame that did not wait is rightly not announced).
  const { sender, receiver, received } = portPair(t, 50, 50);
  /** How many messages had been handed on at each notice. */
  const notices: number[] = [];
  receiver.onHeldFrameDelivered = () => notices.push(received.length);
  // One frame or two, as the link's timer groups them.
  sender.send(heartbeat(1));
  sender.send(heartbeat(2));
  await waitUntil(() => notices.at(-1) === 2, () => `a notice after both messages (notices after ${JSON.stringify(notices)})`);
  assert.deepStrictEqual(received.map((r) => r.message.term), [1, 2]);
  assert.ok(notices.length >= 1 && notices.length <= 2 && notices.at(-1) === 2, `notices after ${JSON.stringify(notices)} messages`);
  assert.ok(notices.every((n, i) => n > (notices[i - 1] ?? 0)), 'every notice follows a message of its own frame');
  // An undelayed link's frames are due when they come: handed straight on, with no notice.
  sender.configureLink('b', { delayMs: 0 });
  sender.send(heartbeat(3));
  await waitUntil(() => received.length === 3, 'the third message');
  await sleep(20);
  assert.deepStrictEqual(received.map((r) => r.message.term), [1, 2, 3]);
  assert.equal(notices.at(-1), 2, 'no notice for the frame that did not wait');
});
