// The traffic statistics behind /v2/stats/self and /v2/stats/leader, on a simulated clock:
// append counts and rates, the state and leader the traffic shows, the leader's uptime, and
// each follower's append round trips (latency figures as etcd computes them, successes, and
// failures for rejected or unanswered appends).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyMessage, EntryType, MessageType, type Message } from '../../src/raft/types.js';
import { FollowerStats } from '../../src/node/follower-stats.js';
import { MemberStats } from '../../src/node/member-stats.js';
import { RateWindow, RATE_WINDOW_CAPACITY } from '../../src/node/rate-window.js';
import { encodedSize } from '../../src/transport/message-codec.js';

const T0_MS = Date.UTC(2024, 0, 1);

/** What the transport does: hands over a message with its encoded size. */
function receive(stats: MemberStats, message: Message): void {
  stats.received(message, encodedSize(message));
}
const hexOf = (node: string): string => `00000000000000${node.slice(1).padStart(2, '0')}`;

function append(from: string, to: string, prevIndex: number, entryCount: number): Message {
  const m = emptyMessage(MessageType.Append, from, to, 2);
  m.index = prevIndex;
  m.entries = Array.from({ length: entryCount }, (_, i) => ({ term: 2, index: prevIndex + i + 1, type: EntryType.Normal, data: new Uint8Array(10) }));
  return m;
}

function answer(from: string, to: string, index: number, reject = false): Message {
  const m = emptyMessage(MessageType.AppendResponse, from, to, 2);
  m.index = index;
  m.reject = reject;
  return m;
}

test('a follower counts appends received, follows their sender and reports the uptime of its leadership', () => {
  let now = T0_MS;
  const stats = new MemberStats('n2', ['n1', 'n2', 'n3'], 400, () => now);
  const before = stats.selfJson('n2', hexOf);
  assert.deepEqual([before.state, (before.leaderInfo as { leader: string }).leader, before.recvAppendRequestCnt], ['StateFollower', '', 0]);
  now += 100;
  receive(stats, append('n1', 'n2', 0, 1));
  now += 100;
  receive(stats, append('n1', 'n2', 1, 1));
  receive(stats, emptyMessage(MessageType.Heartbeat, 'n1', 'n2', 2));
  now += 250;
  const self = stats.selfJson('n2', hexOf);
  assert.deepEqual(self.leaderInfo, { leader: hexOf('n1'), uptime: '350ms', startTime: '2024-01-01T00:00:00.1Z' });
  assert.deepEqual([self.name, self.id, self.state, self.startTime], ['n2', hexOf('n2'), 'StateFollower', '2024-01-01T00:00:00Z']);
  assert.equal(self.recvAppendRequestCnt, 2, 'heartbeats are not appends');
  assert.equal(self.recvPkgRate, 20, 'two appends 100 ms apart: 20 per second');
  assert.ok((self.recvBandwidthRate as number) > 0);
  assert.equal(self.sendPkgRate, undefined, 'a rate of 0 is left out');
  assert.deepEqual(Object.keys(self), ['name', 'id', 'state', 'startTime', 'leaderInfo', 'recvAppendRequestCnt', 'recvPkgRate', 'recvBandwidthRate', 'sendAppendRequestCnt']);
  now += 1001;
  assert.equal(stats.selfJson('n2', hexOf).recvPkgRate, undefined, 'an idle second clears the rates');
});

test('a leader counts appends sent and times each follower\'s answers', () => {
  let now = T0_MS;
  const stats = new MemberStats('n1', ['n1', 'n2', 'n3'], 400, () => now);
  stats.sent(append('n1', 'n2', 0, 2));
  stats.sent(append('n1', 'n3', 0, 2));
  stats.sent(emptyMessage(MessageType.Heartbeat, 'n1', 'n2', 2));
  now += 2;
  receive(stats, answer('n2', 'n1', 2));
  stats.sent(append('n1', 'n2', 2, 1));
  now += 4;
  receive(stats, answer('n2', 'n1', 3));
  const self = stats.selfJson('n1', hexOf);
  assert.deepEqual([self.state, (self.leaderInfo as { leader: string }).leader, self.sendAppendRequestCnt], ['StateLeader', hexOf('n1'), 3]);
  const followers = stats.followersJson(hexOf);
  assert.deepEqual(followers[hexOf('n2')], {
    latency: { current: 4, average: 3, standardDeviation: 1, minimum: 2, maximum: 4 },
    counts: { fail: 0, success: 2 },
  });
  assert.deepEqual(followers[hexOf('n3')]?.counts, { fail: 0, success: 0 });
  assert.equal(followers[hexOf('n3')]?.latency.minimum, 2n ** 63n, 'etcd shows 1<<63 until a first success');
  now += 401;
  assert.deepEqual(stats.followersJson(hexOf)[hexOf('n3')]?.counts, { fail: 1, success: 0 }, 'unanswered too long: failed');
});

test('a rejected append fails once; a late answer to an expired one is not counted again', () => {
  let now = T0_MS;
  const follower = new FollowerStats(100);
  follower.appendSent(append('n1', 'n2', 5, 1), now);
  follower.appendSent(append('n1', 'n2', 6, 1), now);
  follower.appendAnswered(answer('n2', 'n1', 5, true), now + 1);
  assert.deepEqual(follower.toJson().counts, { fail: 1, success: 0 });
  now += 150;
  follower.expire(now);
  follower.appendAnswered(answer('n2', 'n1', 6, true), now);
  follower.appendAnswered(answer('n2', 'n1', 7), now);
  assert.deepEqual(follower.toJson().counts, { fail: 2, success: 0 });
});

test('a leader that starts following forgets its appends in flight and restarts the uptime', () => {
  let now = T0_MS;
  const stats = new MemberStats('n1', ['n1', 'n2', 'n3'], 400, () => now);
  stats.sent(append('n1', 'n2', 0, 1));
  now += 10;
  receive(stats, append('n3', 'n1', 1, 1));
  receive(stats, answer('n2', 'n1', 1));
  now += 1000;
  const self = stats.selfJson('n1', hexOf);
  assert.deepEqual([self.state, self.leaderInfo], ['StateFollower', { leader: hexOf('n3'), uptime: '1s', startTime: '2024-01-01T00:00:00.01Z' }]);
  assert.deepEqual(stats.followersJson(hexOf)[hexOf('n2')]?.counts, { fail: 0, success: 0 });
});

test('the rate window keeps the last 200 samples', () => {
  const window = new RateWindow();
  for (let i = 0; i < RATE_WINDOW_CAPACITY + 50; i++) window.record(T0_MS + i * 10, 100);
  const newest = T0_MS + (RATE_WINDOW_CAPACITY + 49) * 10;
  const rates = window.rates(newest);
  const spanMs = (RATE_WINDOW_CAPACITY - 1) * 10;
  assert.equal(rates.packetsPerSecond, (RATE_WINDOW_CAPACITY * 1000) / spanMs);
  assert.equal(rates.bytesPerSecond, (RATE_WINDOW_CAPACITY * 100 * 1000) / spanMs);
  const single = new RateWindow();
  single.record(T0_MS, 5);
  assert.deepEqual(single.rates(T0_MS), { packetsPerSecond: 0, bytesPerSecond: 0 }, 'no span, no rate');
  assert.throws(() => single.record(T0_MS, -1), /non-negative/);
});
