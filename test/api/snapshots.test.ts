// Store snapshots feeding Raft's: under a long write load with a snapshot every 500 entries,
// every live member's WAL keeps only a few segments (the rest are removed at each snapshot),
// and a member that was down for the whole load, far behind the leader's compacted log,
// catches up by installing a snapshot and converges to the same store.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Cluster, type NodeSummary } from '../../src/cluster/cluster.js';
import { eventually, getKey, putKey } from '../cluster/http-helpers.js';

const FAST = { heartbeatMs: 20, electionMs: 200, requestTimeoutMs: 1500 } as const;
const SNAPSHOT_EVERY_ENTRIES = 500;
const SEGMENT_BYTES = 32 * 1024;
/** More than the leader keeps for slow followers (5,000 entries behind its snapshot). */
const WRITES = 6000;
const WRITERS = 64;
/** A snapshot every 500 small entries leaves a segment or two; the whole load would fill ~20. */
const SEGMENTS_MAX = 5;

/** Writes keys `prefix0..count-1` over `writers` concurrent clients; returns the acknowledged keys. */
async function writeLoad(endpoint: string, prefix: string, count: number, writers: number): Promise<string[]> {
  const acknowledged: string[] = [];
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < count) {
      const key = `${prefix}${next++}`;
      const answer = await putKey(endpoint, key, `v-${key}`);
      if (answer.status === 201) acknowledged.push(key);
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  return acknowledged;
}

async function walFiles(dir: string): Promise<{ segments: number; snapshots: string[] }> {
  const names = await readdir(dir);
  return { segments: names.filter((n) => n.endsWith('.wal')).length, snapshots: names.filter((n) => n.endsWith('.snap')) };
}

async function summaryOf(cluster: Cluster, id: string): Promise<NodeSummary> {
  return (await cluster.nodes()).find((n) => n.id === id) as NodeSummary;
}

test('a long write load keeps the WAL bounded; a member down for all of it catches up from a snapshot', { timeout: 120_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'raftyard-snapshots-'));
  const cluster = await Cluster.start({ nodes: 3, ...FAST, dataDir, snapshotEveryEntries: SNAPSHOT_EVERY_ENTRIES, walSegmentBytes: SEGMENT_BYTES });
  try {
    const leader = await cluster.leader();
    const lagging = cluster.ids.find((id) => id !== leader) as string;
    const live = cluster.ids.filter((id) => id !== lagging);
    assert.equal((await putKey(cluster.endpoint(leader), 'before', 'b')).status, 201);
    await cluster.kill(lagging);

    const acknowledged = await writeLoad(cluster.endpoint(leader), 'load/', WRITES, WRITERS);
    assert.ok(acknowledged.length > WRITES * 0.95, `most writes are acknowledged (${acknowledged.length} of ${WRITES})`);
    for (const id of live) {
      // The last snapshot may still be saving when the last write is answered: the new file is
      // made durable before the older one is removed, so for a moment a member has both.
      await eventually(async () => (await walFiles(join(dataDir, id))).snapshots.length === 1, 10_000, `${id}'s older snapshot removed`).catch(() => {});
      const files = await walFiles(join(dataDir, id));
      assert.ok(files.segments <= SEGMENTS_MAX, `${id} keeps ${files.segments} WAL segments (at most ${SEGMENTS_MAX})`);
      assert.equal(files.snapshots.length, 1, `${id} keeps only its newest snapshot: ${files.snapshots.join(', ')}`);
      assert.ok(Number(files.snapshots[0]!.split('-')[0]) >= WRITES - SNAPSHOT_EVERY_ENTRIES, `${id}'s snapshot is recent`);
    }

    await cluster.restart(lagging);
    const reference = await summaryOf(cluster, leader);
    await eventually(async () => (await summaryOf(cluster, lagging)).storeIndex === reference.storeIndex, 30_000, `${lagging} catches up`);
    const caughtUp = await summaryOf(cluster, lagging);
    assert.ok((caughtUp.snapshotsInstalled ?? 0) >= 1, `${lagging} installed a snapshot: ${JSON.stringify(caughtUp)}`);
    assert.equal(caughtUp.storeHash, (await summaryOf(cluster, leader)).storeHash, 'the same store on both');
    const lagEndpoint = cluster.endpoint(lagging);
    for (const key of ['before', acknowledged[0]!, acknowledged.at(-1)!]) assert.equal((await getKey(lagEndpoint, key)).status, 200, key);
    assert.equal((await putKey(lagEndpoint, 'after', 'a')).status, 201, 'the caught-up member serves writes');
  } finally {
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
