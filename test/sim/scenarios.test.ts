// Scripted scenarios that read like sentences of the Raft paper, each run on the deterministic
// simulator with a quiet network, so every outcome is exact. The safety checker watches every step.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Role, type NodeId } from '../../src/raft/types.js';
import { SimCluster, type ClusterOptions, type RaftTuning } from './cluster.js';
import { calmLink } from './network.js';

/** One election timeout is 10..20 ticks of 10 ms: this is several of them. */
const ELECTION_BOUND_MS = 2000;

function quietCluster(nodeCount: number, patch: Partial<ClusterOptions> = {}, raftPatch: Partial<RaftTuning> = {}): SimCluster {
  return new SimCluster({
    seed: 11,
    nodeCount,
    tickIntervalMs: 10,
    tickSkew: 0,
    raft: {
      heartbeatTicks: 1,
      electionTicks: 10,
      preVote: true,
      checkQuorum: true,
      maxInflightAppends: 16,
      maxAppendBytes: 1024,
      maxInflightBytes: 1 << 16,
      snapshotCatchUpEntries: 4,
      maxUncommittedEntries: 1000,
      ...raftPatch,
    },
    link: calmLink,
    diskLatencyMsMin: 1,
    diskLatencyMsMax: 2,
    limits: { compactEveryEntries: 0, pendingWritesMax: 1000, clientRequestsMax: 1000 },
    inFlightPerLinkMax: 1000,
    trace: null,
    ...patch,
  });
}

function electLeader(cluster: SimCluster): NodeId {
  assert.ok(cluster.runUntil(() => cluster.agreedLeader() !== null, ELECTION_BOUND_MS), 'a leader is elected');
  return cluster.agreedLeader()!;
}

/** Writes through `via` and waits until that node applied it; returns nothing but asserts it happened. */
function writeAndWait(cluster: SimCluster, via: NodeId): void {
  const acked = cluster.stats.writesAcknowledged;
  assert.equal(cluster.clientWrite(via), null, `${via} accepts the write`);
  assert.ok(cluster.runUntil(() => cluster.stats.writesAcknowledged > acked, ELECTION_BOUND_MS), 'the write is applied');
}

function appliedEverywhere(cluster: SimCluster, index: number, ids: readonly NodeId[] = cluster.ids): boolean {
  return ids.every((id) => cluster.node(id).appliedIndex >= index);
}

function followersOf(cluster: SimCluster, leader: NodeId): NodeId[] {
  return cluster.ids.filter((id) => id !== leader);
}

test('a leader is elected in a 3-node cluster, and every node learns who it is', () => {
  const cluster = quietCluster(3);
  const leader = electLeader(cluster);
  assert.deepEqual(cluster.leaders(), [leader]);
  const term = cluster.node(leader).core.term;
  assert.ok(term >= 1);
  for (const id of cluster.ids) assert.equal(cluster.node(id).core.term, term);
});

test('a write proposed on a follower is forwarded to the leader, committed, and applied on every node', () => {
  const cluster = quietCluster(3);
  const leader = electLeader(cluster);
  writeAndWait(cluster, followersOf(cluster, leader)[0]!);
  const index = cluster.checker.highestAcknowledged;
  assert.ok(cluster.runUntil(() => appliedEverywhere(cluster, index), 500));
});

test('a partitioned minority cannot elect a leader, and does not disrupt the majority when it rejoins', () => {
  const cluster = quietCluster(5);
  const leader = electLeader(cluster);
  const term = cluster.node(leader).core.term;
  const [cutOff] = followersOf(cluster, leader);
  cluster.network.isolate(cutOff!);
  let minorityLed = false;
  cluster.runUntil(() => {
    minorityLed ||= cluster.node(cutOff!).core.role === Role.Leader;
    return false;
  }, 3000);
  assert.equal(minorityLed, false, 'the isolated node never leads');
  assert.equal(cluster.node(cutOff!).core.term, term, 'pre-vote keeps the isolated node from inflating its term');
  writeAndWait(cluster, leader);
  cluster.network.heal();
  cluster.runFor(1000);
  assert.equal(cluster.agreedLeader(), leader, 'the rejoining node does not depose the leader');
  assert.equal(cluster.node(leader).core.term, term);
  assert.ok(appliedEverywhere(cluster, cluster.checker.highestAcknowledged), 'the rejoined node caught up');
});

test('a leader cut off from its quorum steps down (check-quorum), and the majority elects a new one', () => {
  const cluster = quietCluster(3);
  const oldLeader = electLeader(cluster);
  cluster.network.isolate(oldLeader);
  const majority = followersOf(cluster, oldLeader);
  const stepsDownAndReplaced = (): boolean =>
    cluster.node(oldLeader).core.role !== Role.Leader && majority.some((id) => cluster.node(id).core.role === Role.Leader);
  assert.ok(cluster.runUntil(stepsDownAndReplaced, ELECTION_BOUND_MS));
  cluster.network.heal();
  const newLeader = electLeader(cluster);
  assert.notEqual(newLeader, oldLeader);
});

test('an acknowledged write survives the crash of the leader that committed it', () => {
  const cluster = quietCluster(3);
  const leader = electLeader(cluster);
  writeAndWait(cluster, leader);
  const index = cluster.checker.highestAcknowledged;
  cluster.crash(leader);
  const survivors = followersOf(cluster, leader);
  assert.ok(cluster.runUntil(() => cluster.leaders().length === 1, ELECTION_BOUND_MS), 'a survivor takes over');
  const newLeader = cluster.leaders()[0]!;
  assert.ok(survivors.includes(newLeader));
  writeAndWait(cluster, newLeader);
  assert.ok(cluster.runUntil(() => appliedEverywhere(cluster, index, survivors), 500));
  cluster.restart(leader);
  const latest = cluster.checker.highestAcknowledged;
  assert.ok(cluster.runUntil(() => appliedEverywhere(cluster, latest), ELECTION_BOUND_MS), 'the restarted node catches up');
});

test('a follower far behind catches up through a snapshot once the leader has compacted its log', () => {
  const cluster = quietCluster(3, { limits: { compactEveryEntries: 8, pendingWritesMax: 1000, clientRequestsMax: 1000 } });
  const leader = electLeader(cluster);
  const lagging = followersOf(cluster, leader)[0]!;
  cluster.crash(lagging);
  for (let i = 0; i < 40; i++) writeAndWait(cluster, leader);
  assert.ok(cluster.node(leader).core.firstIndex > 1, 'the leader compacted its log');
  assert.equal(cluster.stats.snapshotsSent, 0);
  cluster.restart(lagging);
  const target = cluster.checker.highestAcknowledged;
  assert.ok(cluster.runUntil(() => cluster.node(lagging).appliedIndex >= target, ELECTION_BOUND_MS));
  assert.ok(cluster.stats.snapshotsSent >= 1, 'the leader sent a snapshot');
});

test('a crashed follower restarts from its durable log and catches up by appends when nothing was compacted', () => {
  const cluster = quietCluster(3);
  const leader = electLeader(cluster);
  const follower = followersOf(cluster, leader)[0]!;
  for (let i = 0; i < 5; i++) writeAndWait(cluster, leader);
  cluster.crash(follower);
  for (let i = 0; i < 5; i++) writeAndWait(cluster, leader);
  cluster.restart(follower);
  const target = cluster.checker.highestAcknowledged;
  assert.ok(cluster.runUntil(() => cluster.node(follower).appliedIndex >= target, ELECTION_BOUND_MS));
  assert.equal(cluster.stats.snapshotsSent, 0);
});

test('leader transfer hands leadership to the target', () => {
  const cluster = quietCluster(5);
  const leader = electLeader(cluster);
  const target = followersOf(cluster, leader)[2]!;
  writeAndWait(cluster, leader);
  assert.equal(cluster.transferLeadership(leader, target), null);
  assert.ok(cluster.runUntil(() => cluster.agreedLeader() === target, ELECTION_BOUND_MS));
  writeAndWait(cluster, target);
});

test("ReadIndex on a follower returns the leader's commit index", () => {
  const cluster = quietCluster(3);
  const leader = electLeader(cluster);
  for (let i = 0; i < 3; i++) writeAndWait(cluster, leader);
  cluster.runFor(100);
  const follower = followersOf(cluster, leader)[1]!;
  const leaderCommit = cluster.node(leader).core.commitIndex;
  assert.equal(cluster.clientRead(follower), null);
  assert.ok(cluster.runUntil(() => cluster.lastRead !== null, ELECTION_BOUND_MS), 'the read is served');
  assert.equal(cluster.lastRead!.node, follower);
  assert.equal(cluster.lastRead!.index, leaderCommit);
});

test('a run is a pure function of its seed', () => {
  const fingerprint = (seed: number): string => {
    const cluster = quietCluster(3, { seed });
    for (let i = 0; i < 3000; i++) cluster.step();
    const cores = cluster.ids.map((id) => cluster.node(id).core);
    return JSON.stringify([cluster.nowMs, cores.map((c) => [c.term, c.role, c.commitIndex]), cluster.network.stats]);
  };
  assert.equal(fingerprint(5), fingerprint(5));
  assert.notEqual(fingerprint(5), fingerprint(6));
});

test('the checker catches two leaders in one term when a lying disk forgets a vote', () => {
  const cluster = quietCluster(3, {}, { preVote: false });
  const [n1, n2, n3] = cluster.ids as [NodeId, NodeId, NodeId];
  cluster.runFor(5);
  cluster.network.isolate(n3);
  cluster.network.blockOneWay(n2, n3);
  cluster.campaign(n1);
  assert.ok(cluster.runUntil(() => cluster.leaders().includes(n1), ELECTION_BOUND_MS), 'n1 wins with the vote of n2');
  assert.equal(cluster.node(n1).core.term, 1);
  // n1's first append dies on the wire; n2 crashes and its disk forgets that it voted for n1.
  cluster.network.heal();
  cluster.network.isolate(n1);
  cluster.crash(n2, true);
  cluster.restart(n2);
  assert.equal(cluster.node(n3).core.term, 0, 'n3 has heard nothing yet');
  assert.throws(() => {
    cluster.campaign(n3);
    cluster.runFor(ELECTION_BOUND_MS);
  }, /election safety: .* both leaders of term/);
});

test("a new leader commits its predecessor's uncommitted tail even when that tail fills the back-pressure limit", () => {
  const cluster = quietCluster(3, {}, { maxUncommittedEntries: 4 });
  const [n1, n2, n3] = cluster.ids as [NodeId, NodeId, NodeId];
  cluster.campaign(n1);
  assert.equal(electLeader(cluster), n1);
  writeAndWait(cluster, n1);
  // n2 receives four more entries but its acknowledgements never arrive, so they stay uncommitted.
  cluster.network.isolate(n3);
  cluster.network.blockOneWay(n2, n1);
  for (let i = 0; i < 4; i++) assert.equal(cluster.clientWrite(n1), null);
  assert.equal(cluster.clientWrite(n1), 'too-many-uncommitted');
  cluster.runFor(100);
  const tailEnd = cluster.node(n1).core.lastIndex;
  assert.equal(cluster.node(n2).core.lastIndex, tailEnd);
  cluster.network.heal();
  cluster.network.isolate(n1);
  assert.ok(cluster.runUntil(() => cluster.leaders().includes(n2), ELECTION_BOUND_MS), 'n2, holding the longest log, takes over');
  assert.ok(cluster.runUntil(() => cluster.node(n2).core.commitIndex > tailEnd, ELECTION_BOUND_MS), 'the new leader commits');
  writeAndWait(cluster, n2);
});
