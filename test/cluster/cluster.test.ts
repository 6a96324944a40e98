// The cluster runtime as an integration suite uses it: members in worker threads on each
// transport, writes through any member, and the faults of the embedded API (kill, restart,
// power-cut kills, pause, partitions) with no acknowledged write ever lost.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from '../../src/cluster/cluster.js';
import type { TransportKind } from '../../src/transport/peer-transport.js';
import { eventually, getKey, putKey, writeSequence } from './http-helpers.js';

const FAST = { heartbeatMs: 20, electionMs: 200, requestTimeoutMs: 1500 } as const;

for (const transport of ['port', 'sab', 'ws'] as TransportKind[]) {
  test(`${transport} transport: a 3-node cluster elects a leader and replicates writes sent to any member`, async () => {
    const cluster = await Cluster.start({ nodes: 3, transport, ...FAST });
    try {
      const leader = await cluster.leader();
      assert.ok(cluster.ids.includes(leader));
      for (const [i, endpoint] of cluster.endpoints.entries()) {
        const answer = await putKey(endpoint, `t/${i}`, `from-${i}`);
        assert.ok(answer.status === 201, `PUT through n${i + 1}: ${JSON.stringify(answer.body)}`);
      }
      for (const endpoint of cluster.endpoints) {
        for (let i = 0; i < 3; i++) {
          const answer = await getKey(endpoint, `t/${i}`, true);
          assert.equal(answer.body.node?.value, `from-${i}`);
        }
      }
    } finally {
      await cluster.stop();
    }
  });
}

test('killing the leader elects a new one and loses no acknowledged write', async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  try {
    const oldLeader = await cluster.leader();
    const acked = await writeSequence(cluster.endpoint(oldLeader), 'k/', 20);
    assert.equal(acked.length, 20);
    await cluster.kill(oldLeader);
    const newLeader = await cluster.leader(5000);
    assert.notEqual(newLeader, oldLeader);
    for (const key of acked) assert.equal((await getKey(cluster.endpoint(newLeader), key, true)).status, 200);
    await cluster.restart(oldLeader);
    await eventually(async () => (await getKey(cluster.endpoint(oldLeader), acked.at(-1)!)).status === 200, 5000, 'restarted node catches up');
  } finally {
    await cluster.stop();
  }
});

test('with two of three members down, writes fail with error 300 and reads still answer; a restart makes it writable', async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  try {
    const leader = await cluster.leader();
    assert.equal((await putKey(cluster.endpoint(leader), 'before', 'x')).status, 201);
    const survivor = cluster.ids.find((id) => id !== leader)!;
    await eventually(async () => (await getKey(cluster.endpoint(survivor), 'before')).status === 200, 3000, 'replication');
    for (const id of cluster.ids) if (id !== survivor) await cluster.kill(id);
    const failed = await putKey(cluster.endpoint(survivor), 'during', 'y');
    assert.equal(failed.status, 500);
    assert.equal(failed.body.errorCode, 300);
    const read = await getKey(cluster.endpoint(survivor), 'before');
    assert.equal(read.status, 200);
    assert.equal(read.body.node?.value, 'x');
    await cluster.restart(leader);
    await cluster.waitWritable(10_000);
    await eventually(async () => (await putKey(cluster.endpoint(survivor), 'after', 'z')).status === 201, 10_000, 'writable again');
    assert.equal((await getKey(cluster.endpoint(survivor), 'during')).status, 404, 'the failed write changed nothing');
  } finally {
    await cluster.stop();
  }
});

test('a paused leader is replaced; resumed, it rejoins as a follower and catches up', async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  try {
    const oldLeader = await cluster.leader();
    cluster.pause(oldLeader);
    const newLeader = await cluster.leader(5000);
    assert.notEqual(newLeader, oldLeader);
    assert.equal((await putKey(cluster.endpoint(newLeader), 'while-paused', 'p')).status, 201);
    cluster.resume(oldLeader);
    await eventually(async () => (await getKey(cluster.endpoint(oldLeader), 'while-paused')).status === 200, 5000, 'resumed node catches up');
    const nodes = await cluster.nodes();
    assert.equal(nodes.filter((n) => n.role === 'leader').length, 1);
  } finally {
    await cluster.stop();
  }
});

test('a partitioned leader loses its leadership to the majority; after heal all members agree', async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  try {
    const faults: string[] = [];
    cluster.on('fault', (kind) => faults.push(kind));
    const oldLeader = await cluster.leader();
    const majority = cluster.ids.filter((id) => id !== oldLeader);
    await cluster.partition([[oldLeader], majority]);
    await eventually(async () => {
      const nodes = await cluster.nodes();
      return nodes.some((n) => majority.includes(n.id) && n.role === 'leader');
    }, 5000, 'a leader in the majority');
    const minorityWrite = await putKey(cluster.endpoint(oldLeader), 'minority', 'm');
    assert.equal(minorityWrite.status, 500, 'the isolated side cannot commit');
    assert.equal((await putKey(cluster.endpoint(majority[0]!), 'majority', 'M')).status, 201);
    await cluster.heal();
    await eventually(async () => (await getKey(cluster.endpoint(oldLeader), 'majority')).status === 200, 5000, 'healed node catches up');
    assert.equal((await getKey(cluster.endpoint(oldLeader), 'minority', true)).status, 404);
    await cluster.setEveryLink({ delayMs: 2 });
    assert.ok(cluster.links().every((l) => l.config.delayMs === 2 && l.config.cut === false), 'every link shaped, cuts healed');
    await cluster.cut([[oldLeader, majority[0]!]]);
    await cluster.link(oldLeader, majority[0]!).set({ cut: false });
    assert.deepEqual(faults, ['partition', 'heal', 'setEveryLink', 'cut', 'link'], 'one fault event per operation, not one per link');
    assert.equal((await putKey(cluster.endpoint(await cluster.leader()), 'delayed', 'd')).status, 201);
  } finally {
    await cluster.stop();
  }
});

test('killing every member with loss of unsynced WAL bytes (power cut) keeps every acknowledged write', async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  try {
    const leader = await cluster.leader();
    const acked = await writeSequence(cluster.endpoint(leader), 'pc/', 30);
    for (const id of cluster.ids) await cluster.kill(id, { loseUnsynced: true });
    for (const id of cluster.ids) await cluster.restart(id);
    await cluster.waitWritable(10_000);
    const reader = cluster.endpoint(await cluster.leader());
    for (const key of acked) assert.equal((await getKey(reader, key, true)).status, 200, `${key} survived`);
  } finally {
    await cluster.stop();
  }
});

test('geo-delay: with 20 ms one way on every link, a write takes at least one round trip to a quorum', async () => {
  const links: Record<string, { delayMs: number }> = {};
  for (const a of ['n1', 'n2', 'n3']) for (const b of ['n1', 'n2', 'n3']) if (a !== b) links[`${a}->${b}`] = { delayMs: 20 };
  const cluster = await Cluster.start({ nodes: 3, links, heartbeatMs: 50, electionMs: 500 });
  try {
    const leader = cluster.endpoint(await cluster.leader());
    const latencies: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      assert.equal((await putKey(leader, `geo/${i}`, 'g')).status, 201);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)]!;
    console.log(`geo-delay 20 ms one way: PUT median ${median.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms (floor 40 ms)`);
    assert.ok(latencies[0]! >= 39, `no write beats the 40 ms round trip (min ${latencies[0]})`);
    assert.ok(median < 120, `median ${median} ms stays near the floor`);
  } finally {
    await cluster.stop();
  }
});
