// The timer-driven ShapedLink: on simulated time it delivers at the scheduler's times with one
// timer for the queue's head; on real time its observed one-way delay tracks the configured one,
// and without jitter every message leaves in order, never before its time and soon after it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapedLink } from '../../src/transport/link-shaper.js';
import { LinkScheduler } from '../../src/transport/link-scheduler.js';
import { ManualClock } from './manual-clock.js';

function manualLink(config: ConstructorParameters<typeof ShapedLink<number>>[0]['config'], queueMessagesMax?: number) {
  const clock = new ManualClock();
  const received: Array<{ message: number; atMs: number }> = [];
  const link = new ShapedLink<number>({
    config,
    seed: 11,
    clock,
    queueMessagesMax,
    deliver: (message) => received.push({ message, atMs: clock.nowMs() }),
  });
  return { clock, received, link };
}

test('a pass-through link delivers synchronously and sets no timer', () => {
  const { clock, received, link } = manualLink({});
  link.send(1, 10);
  assert.deepStrictEqual(received, [{ message: 1, atMs: 0 }]);
  assert.equal(clock.timersSet, 0);
});

test('messages arrive at their delivery times, in order, with one timer at a time', () => {
  const { clock, received, link } = manualLink({ delayMs: 20, jitterMs: 5 });
  for (let i = 0; i < 200; i++) {
    clock.advanceTo(i);
    link.send(i, 100);
  }
  clock.advanceTo(1000);
  assert.deepStrictEqual(received.map((r) => r.message), Array.from({ length: 200 }, (_, i) => i));
  for (const { message, atMs } of received) assert.ok(atMs >= message + 15 && atMs <= message + 26, `message ${message} at ${atMs}`);
  assert.equal(clock.pendingMax, 1);
  assert.equal(clock.pendingCount, 0, 'an empty link keeps no timer');
  assert.deepStrictEqual(link.stats, { sent: 200, delivered: 200, dropped: 0, overflowed: 0 });
});

test('on simulated time each message leaves exactly at the time its scheduler chose', () => {
  const config = { delayMs: 10, jitterMs: 3, distribution: 'normal' as const };
  const { clock, received, link } = manualLink(config);
  const replay = new LinkScheduler(config, 11);
  const expectedAtMs: number[] = [];
  for (let i = 0; i < 100; i++) {
    clock.advanceTo(i * 0.7);
    expectedAtMs.push(...replay.schedule(clock.nowMs(), 100));
    link.send(i, 100);
  }
  clock.advanceTo(1000);
  assert.deepStrictEqual(received.map((r) => r.atMs), expectedAtMs);
});

test('cutting a link loses what is in flight; healing it delivers new messages', () => {
  const { clock, received, link } = manualLink({ delayMs: 10 });
  link.send(1, 10);
  link.send(2, 10);
  link.configure({ cut: true });
  link.send(3, 10);
  assert.equal(clock.pendingCount, 0);
  link.configure({ cut: false });
  link.send(4, 10);
  clock.advanceTo(100);
  assert.deepStrictEqual(received, [{ message: 4, atMs: 10 }]);
  assert.equal(link.stats.dropped, 3);
});

test('a full queue drops new messages instead of growing', () => {
  const { clock, received, link } = manualLink({ delayMs: 10 }, 3);
  for (let i = 0; i < 5; i++) link.send(i, 10);
  assert.equal(link.queuedCount, 3);
  clock.advanceTo(10);
  assert.deepStrictEqual(received.map((r) => r.message), [0, 1, 2]);
  assert.equal(link.stats.overflowed, 2);
});

test('switching to pass-through does not let new messages overtake those in flight', () => {
  const { clock, received, link } = manualLink({ delayMs: 10 });
  link.send(1, 10);
  link.configure({ delayMs: 0 });
  link.send(2, 10);
  assert.equal(received.length, 0);
  clock.advanceTo(10);
  link.send(3, 10);
  assert.deepStrictEqual(received.map((r) => r.message), [1, 2, 3]);
});

test('observed one-way delay on real timers tracks 20 ms +- 5 ms jitter', async () => {
  const count = 300;
  const observedMs: number[] = [];
  let done!: () => void;
  const allDelivered = new Promise<void>((resolve) => (done = resolve));
  const link = new ShapedLink<number>({
    config: { delayMs: 20, jitterMs: 5, distribution: 'uniform', reorder: 1 },
    seed: 12,
    deliver: (sentAtMs) => {
      observedMs.push(performance.now() - sentAtMs);
      if (observedMs.length === count) done();
    },
  });
  // Sends one message every millisecond or so, as a replication stream would.
  for (let i = 0; i < count; i++) {
    link.send(performance.now(), 100);
    if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await allDelivered;
  link.close();
  observedMs.sort((a, b) => a - b);
  const medianMs = observedMs[Math.floor(count / 2)];
  const p99Ms = observedMs[Math.floor(count * 0.99)];
  console.log(`shaped link 20 ms +- 5 ms: observed min ${observedMs[0].toFixed(2)} median ${medianMs.toFixed(2)} p99 ${p99Ms.toFixed(2)} max ${observedMs[count - 1].toFixed(2)} ms`);
  assert.ok(observedMs[0] >= 15, `a message arrived early: ${observedMs[0]} ms`);
  // The median of the jitter is 20 ms; the upper bounds leave room for a loaded CI machine.
  assert.ok(medianMs >= 19 && medianMs <= 30, `median ${medianMs} ms`);
  assert.ok(p99Ms <= 60, `p99 ${p99Ms} ms`);
});

test('on real time a 40 ms link delivers in order, never early and soon after the due time', async () => {
  const count = 300;
  const delayMs = 40;
  const latenessMs: number[] = [];
  let nextExpected = 0;
  let done!: () => void;
  const allDelivered = new Promise<void>((resolve) => (done = resolve));
  const link = new ShapedLink<{ index: number; sentAtMs: number }>({
    config: { delayMs },
    seed: 13,
    deliver: ({ index, sentAtMs }) => {
      latenessMs.push(performance.now() - sentAtMs - delayMs);
      assert.equal(index, nextExpected++, 'delivered out of order');
      if (latenessMs.length === count) done();
    },
  });
  // Bursts of three, a millisecond or so apart: several messages fall due in the same instant.
  for (let i = 0; i < count; i++) {
    link.send({ index: i, sentAtMs: performance.now() }, 100);
    if (i % 3 === 2) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await allDelivered;
  link.close();
  latenessMs.sort((a, b) => a - b);
  const p50Ms = latenessMs[Math.floor(count / 2)]!;
  const p99Ms = latenessMs[Math.floor(count * 0.99)]!;
  console.log(`shaped link 40 ms: lateness min ${latenessMs[0]!.toFixed(3)} p50 ${p50Ms.toFixed(3)} p99 ${p99Ms.toFixed(3)} max ${latenessMs[count - 1]!.toFixed(3)} ms`);
  assert.ok(latenessMs[0]! >= 0, `a message left ${-latenessMs[0]!} ms early`);
  // Generous bounds (CI machines are shared): they catch a message held a second time, not jitter.
  assert.ok(p50Ms < 5, `median lateness ${p50Ms} ms`);
  assert.ok(p99Ms < 25, `p99 lateness ${p99Ms} ms`);
});

test('with a lead, a message is handed on that much before its time, saying how early it is', () => {
  const clock = new ManualClock();
  const handed: Array<{ message: number; atMs: number; earlyByMs: number }> = [];
  const link = new ShapedLink<number>({
    config: { delayMs: 10 },
    seed: 3,
    clock,
    leadMs: 2,
    deliver: (message, earlyByMs) => handed.push({ message, atMs: clock.nowMs(), earlyByMs }),
  });
  link.send(1, 100);
  clock.advanceTo(0.5);
  link.send(2, 100);
  clock.advanceTo(7.9);
  assert.deepStrictEqual(handed, []);
  // Message 1 is due at 10 and message 2 at 10.5: each is handed on 2 ms before.
  clock.advanceTo(8);
  assert.deepStrictEqual(handed, [{ message: 1, atMs: 8, earlyByMs: 2 }]);
  clock.advanceTo(9);
  assert.deepStrictEqual(handed[1], { message: 2, atMs: 8.5, earlyByMs: 2 });
  // A pass-through link hands on at once, on time.
  link.configure({ delayMs: 0 });
  link.send(3, 100);
  assert.deepStrictEqual(handed[2], { message: 3, atMs: 9, earlyByMs: 0 });
  assert.throws(() => new ShapedLink<number>({ config: {}, seed: 1, leadMs: -1, deliver: () => {} }), /lead must be/);
});
