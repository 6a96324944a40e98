// Damage on a stopped cluster's disk: a torn tail of a member's last segment (cut short or
// zeroed) is repaired at start and nothing acknowledged is lost; damage in the middle of a
// segment stops that member at start with an error naming the file and byte offset, while the
// other members serve on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../../src/cluster/cluster.js';
import { eventually, getKey, putKey, writeSequence } from '../cluster/http-helpers.js';
import { cutOutRestOf, flipBitIn, segmentLayout, truncateInside, zeroFrom, type FrameSpan, type SegmentLayout } from './wal-files.js';

const FAST = { heartbeatMs: 20, electionMs: 200, requestTimeoutMs: 1500 } as const;
const DAMAGED = 'n2';
const KEY_COUNT = 40;

/** Writes keys, waits until every member applied them all, stops; returns the keys written. */
async function preparedDataDir(dataDir: string): Promise<string[]> {
  const cluster = await Cluster.start({ nodes: 3, dataDir, ...FAST });
  try {
    const leader = cluster.endpoint(await cluster.leader());
    const acked = await writeSequence(leader, 'wal/', KEY_COUNT);
    assert.equal(acked.length, KEY_COUNT);
    await eventually(async () => {
      const applied = (await cluster.nodes()).map((n) => n.applied);
      return applied.every((a) => a !== null && a === applied[0]);
    }, 5000, 'every member applied the same entries');
    return acked;
  } finally {
    await cluster.stop();
  }
}

async function assertAllReadable(keys: string[], endpoint: string): Promise<void> {
  for (const [i, key] of keys.entries()) {
    const answer = await getKey(endpoint, key, true);
    assert.equal(answer.body.node?.value, `v${i}`, `${key} after recovery: ${JSON.stringify(answer.body)}`);
  }
}

type DamageCheck = (keys: string[], dataDir: string, damaged: FrameSpan, layout: SegmentLayout) => Promise<void>;

/** Prepares a stopped cluster, damages the last segment of DAMAGED, then runs `check`. */
async function withDamagedDir(damage: (layout: SegmentLayout) => Promise<FrameSpan>, check: DamageCheck): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'raftyard-wal-damage-'));
  try {
    const keys = await preparedDataDir(dataDir);
    const layout = await segmentLayout(join(dataDir, DAMAGED));
    assert.ok(layout.frames.length > KEY_COUNT, `the segment holds the entries (${layout.frames.length} records)`);
    const frame = await damage(layout);
    await check(keys, dataDir, frame, layout);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const TAIL_DAMAGE: [string, (path: string, frame: FrameSpan) => Promise<void>][] = [
  ['cut short in the middle of its last record', truncateInside],
  ['zero-filled from the middle of its last record', zeroFrom],
];

for (const [what, damage] of TAIL_DAMAGE) {
  test(`a member whose last segment was ${what} starts, repairs the tail and loses nothing acknowledged`, async () => {
    await withDamagedDir(
      async (layout) => {
        const last = layout.frames.at(-1)!;
        await damage(layout.path, last);
        return last;
      },
      async (keys, dataDir, torn) => {
        const cluster = await Cluster.start({ dataDir, ...FAST });
        try {
          const nodes = await cluster.nodes();
          assert.deepEqual(nodes.map((n) => [n.id, n.state, n.error]), cluster.ids.map((id) => [id, 'running', undefined]));
          await assertAllReadable(keys, cluster.endpoint(DAMAGED));
          assert.equal((await putKey(cluster.endpoint(DAMAGED), 'after-repair', 'r')).status, 201);
          await eventually(async () => (await getKey(cluster.endpoint(DAMAGED), 'after-repair')).status === 200, 5000, 'damaged member applies new writes');
        } finally {
          await cluster.stop();
        }
        const repaired = await segmentLayout(join(dataDir, DAMAGED));
        assert.equal(repaired.dirtyEndBytes, repaired.endOffsetBytes, 'no torn bytes remain after the valid records');
        assert.ok(repaired.endOffsetBytes > torn.startBytes, 'new records were appended where the torn one began');
      },
    );
  });
}

const MIDDLE_DAMAGE: [string, (path: string, frame: FrameSpan) => Promise<void>][] = [
  ['a flipped bit', flipBitIn],
  ['a record cut short (later records shifted)', cutOutRestOf],
];

for (const [what, damage] of MIDDLE_DAMAGE) {
  test(`${what} in the middle of a segment stops that member with a clear error; the others serve on`, async () => {
    await withDamagedDir(
      async (layout) => {
        const middle = layout.frames[Math.floor(layout.frames.length / 2)]!;
        await damage(layout.path, middle);
        return middle;
      },
      async (keys, dataDir, damaged, layout) => {
        const cluster = await Cluster.start({ dataDir, ...FAST });
        try {
          const failed = (await cluster.nodes()).find((n) => n.id === DAMAGED)!;
          assert.equal(failed.state, 'failed');
          assert.match(failed.error ?? '', /WAL corruption/);
          assert.ok(failed.error!.includes(layout.name), `the error names the file: ${failed.error}`);
          assert.ok(failed.error!.includes(`byte offset ${damaged.startBytes}`), `the error names the offset ${damaged.startBytes}: ${failed.error}`);
          const survivor = cluster.endpoint(cluster.ids.find((id) => id !== DAMAGED)!);
          await assertAllReadable(keys, survivor);
          assert.equal((await putKey(survivor, 'after-damage', 'd')).status, 201);
          assert.equal((await getKey(survivor, 'after-damage', true)).body.node?.value, 'd');
        } finally {
          await cluster.stop();
        }
      },
    );
  });
}

test('a start that leaves no quorum fails with every member\'s reason', async () => {
  await withDamagedDir(
    async (layout) => {
      const middle = layout.frames[Math.floor(layout.frames.length / 2)]!;
      await flipBitIn(layout.path, middle);
      return middle;
    },
    async (_keys, dataDir) => {
      const n3 = await segmentLayout(join(dataDir, 'n3'));
      await flipBitIn(n3.path, n3.frames[Math.floor(n3.frames.length / 2)]!);
      await assert.rejects(Cluster.start({ dataDir, ...FAST }), (error: Error) => {
        assert.match(error.message, /only 1 of 3 members started/);
        assert.equal(error.message.match(/WAL corruption/g)?.length, 2);
        return true;
      });
    },
  );
});
