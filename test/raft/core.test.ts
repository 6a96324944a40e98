// Scenario tests of the Raft core, each named after the sentence of the Raft paper (or of
// etcd's raft design) it checks, on a cluster wired by function calls.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryCluster, appliedPayloads } from './memory-cluster.js';
import { RaftCore } from '../../src/raft/core.js';
import { defaultRaftConfig, emptyMessage, EntryType, MessageType, Role } from '../../src/raft/types.js';

const bytes = (s: string): Uint8Array => Buffer.from(s);

test('a 3-node cluster elects exactly one leader that every member follows', () => {
  const cluster = new MemoryCluster(3);
  const leader = cluster.elect();
  assert.ok(['n1', 'n2', 'n3'].includes(leader));
  const terms = new Set([...cluster.nodes.values()].map((n) => n.core.term));
  assert.equal(terms.size, 1);
});

test('a single-member cluster elects itself and commits its own proposals', () => {
  const cluster = new MemoryCluster(1);
  assert.equal(cluster.elect(), 'n1');
  assert.equal(cluster.node('n1').core.propose(bytes('x')), null);
  cluster.stabilize();
  assert.deepEqual(appliedPayloads(cluster.node('n1')), ['x']);
});

test('entries proposed on the leader are applied in the same order on every member', () => {
  const cluster = new MemoryCluster(3);
  const leader = cluster.node(cluster.elect());
  for (let i = 0; i < 50; i++) assert.equal(leader.core.propose(bytes(`v${i}`)), null);
  cluster.stabilize();
  const expected = Array.from({ length: 50 }, (_, i) => `v${i}`);
  for (const node of cluster.nodes.values()) assert.deepEqual(appliedPayloads(node), expected);
});

test('a follower forwards proposals to the leader', () => {
  const cluster = new MemoryCluster(3);
  const leaderId = cluster.elect();
  const followerId = ['n1', 'n2', 'n3'].find((id) => id !== leaderId)!;
  assert.equal(cluster.node(followerId).core.propose(bytes('forwarded')), null);
  cluster.stabilize();
  for (const node of cluster.nodes.values()) assert.deepEqual(appliedPayloads(node), ['forwarded']);
});

test('a leader cut off from its majority steps down (check-quorum) and the majority elects a new one', () => {
  const cluster = new MemoryCluster(3);
  const oldLeader = cluster.elect();
  const others = ['n1', 'n2', 'n3'].filter((id) => id !== oldLeader);
  cluster.partition([[oldLeader], others]);
  cluster.tickAll(40);
  assert.notEqual(cluster.node(oldLeader).core.role, Role.Leader);
  const newLeaders = others.filter((id) => cluster.node(id).core.role === Role.Leader);
  assert.equal(newLeaders.length, 1);
});

test('a partitioned minority does not inflate terms and does not disrupt the leader when it rejoins (pre-vote)', () => {
  const cluster = new MemoryCluster(3);
  const leader = cluster.elect();
  const lonely = ['n1', 'n2', 'n3'].find((id) => id !== leader)!;
  const termBefore = cluster.node(leader).core.term;
  cluster.partition([[lonely], ['n1', 'n2', 'n3'].filter((id) => id !== lonely)]);
  cluster.tickAll(100);
  assert.equal(cluster.node(lonely).core.term, termBefore, 'pre-vote keeps the isolated node at its term');
  cluster.heal();
  cluster.tickAll(30);
  assert.equal(cluster.agreedLeader(), leader);
  assert.equal(cluster.node(leader).core.term, termBefore);
});

test('only entries of the current term are committed by counting replicas', () => {
  // Leader n1 appends an entry in term t that reaches nobody, then loses leadership.
  const cluster = new MemoryCluster(3);
  const leaderId = cluster.elect();
  const leader = cluster.node(leaderId);
  cluster.partition([[leaderId], ['n1', 'n2', 'n3'].filter((id) => id !== leaderId)]);
  leader.core.propose(bytes('lost'));
  cluster.stabilize();
  const lostIndex = leader.core.lastIndex;
  assert.ok(leader.core.commitIndex < lostIndex);
  cluster.tickAll(40);
  cluster.heal();
  cluster.tickAll(30);
  // The old leader's uncommitted entry was overwritten by the new leader's log.
  const newLeader = cluster.node(cluster.agreedLeader());
  assert.notEqual(newLeader.core.id, leaderId);
  newLeader.core.propose(bytes('kept'));
  cluster.stabilize();
  for (const node of cluster.nodes.values()) assert.deepEqual(appliedPayloads(node), ['kept']);
});

test('a follower far behind catches up through a snapshot (InstallSnapshot)', () => {
  const cluster = new MemoryCluster(3, (c) => (c.snapshotCatchUpEntries = 2));
  const leaderId = cluster.elect();
  const lagging = ['n1', 'n2', 'n3'].find((id) => id !== leaderId)!;
  cluster.partition([[lagging], ['n1', 'n2', 'n3'].filter((id) => id !== lagging)]);
  const leader = cluster.node(leaderId);
  for (let i = 0; i < 20; i++) leader.core.propose(bytes(`s${i}`));
  cluster.stabilize();
  const applied = leader.core.appliedIndex;
  leader.core.compact(applied, bytes(JSON.stringify(appliedPayloads(leader))));
  assert.ok(leader.core.firstIndex > 2, 'the log was compacted');
  let snapshotsSent = 0;
  const original = cluster.node(lagging).core.step.bind(cluster.node(lagging).core);
  cluster.node(lagging).core.step = (m) => {
    if (m.type === MessageType.Snapshot) snapshotsSent++;
    original(m);
  };
  cluster.heal();
  cluster.tickAll(5);
  assert.equal(snapshotsSent, 1);
  assert.equal(cluster.node(lagging).core.appliedIndex, applied);
  leader.core.propose(bytes('after'));
  cluster.stabilize();
  assert.equal(cluster.node(lagging).core.appliedIndex, leader.core.appliedIndex);
});

test('leadership transfer hands leadership to the target with TimeoutNow', () => {
  const cluster = new MemoryCluster(3);
  const leaderId = cluster.elect();
  const target = ['n1', 'n2', 'n3'].find((id) => id !== leaderId)!;
  assert.equal(cluster.node(leaderId).core.transferLeadership(target), null);
  cluster.stabilize();
  assert.equal(cluster.agreedLeader(), target);
});

test('proposals are refused while a leadership transfer is in progress', () => {
  const cluster = new MemoryCluster(3);
  const leaderId = cluster.elect();
  const target = ['n1', 'n2', 'n3'].find((id) => id !== leaderId)!;
  cluster.partition([[target], ['n1', 'n2', 'n3'].filter((id) => id !== target)]);
  cluster.node(leaderId).core.transferLeadership(target);
  assert.equal(cluster.node(leaderId).core.propose(bytes('x')), 'transferring');
});

test('ReadIndex on a follower returns the leader commit index after a heartbeat round', () => {
  const cluster = new MemoryCluster(3);
  const leaderId = cluster.elect();
  const leader = cluster.node(leaderId);
  leader.core.propose(bytes('w'));
  cluster.stabilize();
  const follower = cluster.node(['n1', 'n2', 'n3'].find((id) => id !== leaderId)!);
  assert.equal(follower.core.readIndex(bytes('read-1')), null);
  cluster.stabilize();
  assert.deepEqual(follower.reads.map((r) => [r.index, Buffer.from(r.context).toString()]), [
    [leader.core.commitIndex, 'read-1'],
  ]);
});

test('reads that arrive together share one heartbeat round, and the quorum answer releases them all', () => {
  const cluster = new MemoryCluster(3);
  const leader = cluster.node(cluster.elect());
  leader.core.propose(bytes('w'));
  cluster.stabilize();
  for (let i = 1; i <= 5; i++) assert.equal(leader.core.readIndex(bytes(`r${i}`)), null);
  const rd = leader.core.ready();
  const heartbeats = rd.messages.filter((m) => m.type === MessageType.Heartbeat);
  assert.equal(heartbeats.length, 2, 'one heartbeat per follower, not one per read');
  assert.ok(heartbeats.every((m) => Buffer.from(m.context).toString() === 'r5'), 'carrying the newest read');
  leader.core.persisted(rd.persistedTo.index, rd.persistedTo.term);
  for (const m of [...rd.messages, ...rd.messagesAfterPersist]) cluster.node(m.to).core.step(m);
  cluster.stabilize();
  assert.deepEqual(leader.reads.map((r) => Buffer.from(r.context).toString()), ['r1', 'r2', 'r3', 'r4', 'r5']);
  assert.ok(leader.reads.every((r) => r.index === leader.core.commitIndex));
});

test('a read and a heartbeat tick in the same turn share one heartbeat round', () => {
  const cluster = new MemoryCluster(3);
  const leader = cluster.node(cluster.elect());
  leader.core.propose(bytes('w'));
  cluster.stabilize();
  assert.equal(leader.core.readIndex(bytes('r1')), null);
  leader.core.tick();
  const rd = leader.core.ready();
  const heartbeats = rd.messages.filter((m) => m.type === MessageType.Heartbeat);
  assert.equal(heartbeats.length, 2, 'the tick heartbeat carries the read; no second round follows');
  assert.ok(heartbeats.every((m) => Buffer.from(m.context).toString() === 'r1'));
  leader.core.persisted(rd.persistedTo.index, rd.persistedTo.term);
  for (const m of [...rd.messages, ...rd.messagesAfterPersist]) cluster.node(m.to).core.step(m);
  cluster.stabilize();
  assert.deepEqual(leader.reads.map((r) => Buffer.from(r.context).toString()), ['r1']);
});

test('a leader without a quorum cannot serve a ReadIndex', () => {
  const cluster = new MemoryCluster(3);
  const leaderId = cluster.elect();
  cluster.partition([[leaderId], ['n1', 'n2', 'n3'].filter((id) => id !== leaderId)]);
  const leader = cluster.node(leaderId);
  leader.core.readIndex(bytes('r'));
  cluster.stabilize();
  cluster.tickAll(3);
  assert.equal(leader.reads.length, 0);
  cluster.heal();
  cluster.tickAll(1);
  assert.equal(leader.reads.length, 1, 'the read is served once a quorum answers again');
});

test('a restarted core resumes from its durable state with its term and vote', () => {
  const config = defaultRaftConfig('n1', ['n1', 'n2', 'n3']);
  const core = new RaftCore(config, {
    hardState: { term: 7, vote: 'n2', commit: 2 },
    snapshot: null,
    entries: [
      { term: 6, index: 1, type: 0, data: bytes('a') },
      { term: 7, index: 2, type: 0, data: bytes('b') },
    ],
  });
  assert.equal(core.term, 7);
  assert.equal(core.lastIndex, 2);
  const rd = core.ready();
  assert.deepEqual(rd.committedEntries.map((e) => Buffer.from(e.data).toString()), ['a', 'b']);
});

test('a leader drops a proposal forwarded in an earlier term, so its entry term is always the proposer term', () => {
  const cluster = new MemoryCluster(3);
  const leaderId = cluster.elect();
  const leader = cluster.node(leaderId);
  const follower = ['n1', 'n2', 'n3'].find((id) => id !== leaderId)!;
  const stale = {
    ...emptyMessage(MessageType.Propose, follower, leaderId, 0),
    logTerm: leader.core.term - 1,
    entries: [{ term: 0, index: 0, type: EntryType.Normal, data: bytes('stale') }],
  };
  const before = leader.core.lastIndex;
  leader.core.step(stale);
  assert.equal(leader.core.lastIndex, before);
  leader.core.step({ ...stale, logTerm: leader.core.term });
  assert.equal(leader.core.lastIndex, before + 1);
  assert.equal(leader.core.termAt(before + 1), leader.core.term);
});

test('a Ready asks for an fsync only for entries, a snapshot, or a new term or vote, not for a commit index alone', () => {
  const follower = new RaftCore(defaultRaftConfig('n2', ['n1', 'n2', 'n3']));
  follower.step({ ...emptyMessage(MessageType.Heartbeat, 'n1', follower.id, 5), commit: 0 });
  const termChange = follower.ready();
  assert.equal(termChange.mustSync, true, 'a new term must be durable before it is acknowledged');
  follower.step({
    ...emptyMessage(MessageType.Append, 'n1', follower.id, 5),
    entries: [{ term: 5, index: 1, type: EntryType.Normal, data: bytes('a') }],
  });
  const append = follower.ready();
  assert.equal(append.mustSync, true);
  follower.persisted(append.persistedTo.index, append.persistedTo.term);
  follower.step({ ...emptyMessage(MessageType.Heartbeat, 'n1', follower.id, 5), commit: 1 });
  const commitOnly = follower.ready();
  assert.ok(commitOnly.hardState !== null && commitOnly.hardState.commit === 1);
  assert.equal(commitOnly.mustSync, false);
});

/** Followers that got at least one entry in `messages`. */
function followersSentEntries(messages: readonly { type: MessageType; to: string; entries: readonly unknown[] }[]): string[] {
  return [...new Set(messages.filter((m) => m.type === MessageType.Append && m.entries.length > 0).map((m) => m.to))].sort();
}

test('new entries go at once only to the followers a quorum needs; the others get them from sendDeferred', () => {
  const cluster = new MemoryCluster(3);
  const leaderId = cluster.elect();
  const leader = cluster.node(leaderId).core;
  const followers = ['n1', 'n2', 'n3'].filter((id) => id !== leaderId);
  assert.equal(leader.propose(bytes('a')), null);
  const first = leader.ready();
  // Every follower is equally far along, so the lowest id is on the commit path.
  assert.deepEqual(followersSentEntries(first.messages), [followers[0]]);
  assert.ok(leader.hasDeferredSends(), 'the other follower is owed the entry');
  leader.sendDeferred(false);
  assert.deepEqual(followersSentEntries(leader.ready().messages), [followers[1]]);
  assert.equal(leader.hasDeferredSends(), false);
});

test('the commit path moves to a follower that is further along, and a forwarder gets its own entries at once', () => {
  const cluster = new MemoryCluster(3);
  const leaderId = cluster.elect();
  const followers = ['n1', 'n2', 'n3'].filter((id) => id !== leaderId);
  // The first follower is cut off: the leader's entries reach the second one only.
  cluster.partition([[followers[0]!], [leaderId, followers[1]!]]);
  const leader = cluster.node(leaderId).core;
  for (let i = 0; i < 3; i++) leader.propose(bytes(`p${i}`));
  cluster.stabilize();
  cluster.heal();
  leader.propose(bytes('next'));
  assert.deepEqual(followersSentEntries(leader.ready().messages), [followers[1]]);
  cluster.stabilize();
  // Caught up again, the lowest id is back on the commit path; a proposal forwarded by the other
  // follower, off the path, travels back to it without delay (its client is waiting).
  const offPath = cluster.node(followers[1]!).core;
  assert.equal(offPath.propose(bytes('mine')), null);
  for (const m of offPath.ready().messages) leader.step(m);
  assert.deepEqual(followersSentEntries(leader.ready().messages), followers.slice().sort());
});
