// A profiled run's threads: each profile's samples become self time per function (idle samples
// only count as the window), tallied per thread over the rounds, members before load generators,
// and each profile is written as a .cpuprofile file named by target, round, thread and role.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuProfileTally, writePhaseProfiles } from '../../src/bench/cpu-profiles.js';
import type { CpuProfile, CpuProfileNode } from '../../src/util/cpu-profiler.js';

function frame(id: number, functionName: string, url = '', lineNumber = -1): CpuProfileNode {
  return { id, callFrame: { functionName, url, lineNumber, columnNumber: 0, scriptId: '0' } };
}

const NODES = [frame(1, '(root)'), frame(2, '(idle)'), frame(3, 'handleReady', 'file:///app/dist/src/node/raft-node.js', 314), frame(4, 'postMessage'), frame(5, '', 'file:///app/x.js', 9)];

/** Samples `nodeIds`, each lasting the matching duration (µs): the deltas lead each sample, the last lasts to endTime. */
function profileOf(nodeIds: number[], durationsUs: number[]): CpuProfile {
  const startTime = 1_000_000;
  const timeDeltas = nodeIds.map((_, i) => (i === 0 ? 0 : durationsUs[i - 1]));
  const endTime = startTime + durationsUs.reduce((a, b) => a + b, 0);
  return { nodes: NODES, startTime, endTime, samples: nodeIds, timeDeltas };
}

test('self time per function, idle left out of busy, tallied over rounds per thread', () => {
  const tally = new CpuProfileTally();
  // Round 1: 6 ms idle, 3 ms handleReady, 1 ms postMessage.
  tally.add({ thread: 'n1', role: 'leader', profile: profileOf([2, 3, 4, 2], [4000, 3000, 1000, 2000]) }, '/p/r1-n1.cpuprofile');
  // Round 2: the same member, now a follower: 2 ms postMessage, 2 ms in an anonymous function, 6 ms idle.
  tally.add({ thread: 'n1', role: 'follower', profile: profileOf([4, 5, 2], [2000, 2000, 6000]) }, '/p/r2-n1.cpuprofile');
  tally.add({ thread: 'generator 1', profile: profileOf([2, 4], [9000, 1000]) }, '/p/r1-g1.cpuprofile');
  const [member, generator, ...rest] = tally.summaries(100);
  assert.equal(rest.length, 0);
  assert.equal(member.thread, 'n1');
  assert.deepEqual(member.roles, ['leader', 'follower']);
  assert.equal(member.profiledMs, 20);
  assert.equal(member.busyMs, 8);
  assert.equal(member.busyShare, 0.4);
  assert.equal(member.busyUsPerOperation, 80);
  assert.deepEqual(
    member.top.map((f) => [f.name, f.where, f.selfMs, f.shareOfBusy]),
    [
      ['handleReady', 'raft-node.js:315', 3, 3 / 8],
      ['postMessage', '', 3, 3 / 8],
      ['(anonymous)', 'x.js:10', 2, 2 / 8],
    ],
  );
  assert.deepEqual(member.files, ['/p/r1-n1.cpuprofile', '/p/r2-n1.cpuprofile']);
  assert.equal(generator.thread, 'generator 1');
  assert.deepEqual(generator.roles, []);
  assert.equal(generator.busyShare, 0.1);
  assert.equal(new CpuProfileTally().summaries(0).length, 0);
  assert.equal(tally.summaries(0)[0].busyUsPerOperation, null, 'no operations, no cost per operation');
});

test('members sort before generators, by number', () => {
  const tally = new CpuProfileTally();
  const idle = profileOf([2], [1000]);
  for (const thread of ['generator 2', 'n10', 'generator 1', 'n2']) tally.add({ thread, ...(thread.startsWith('n') ? { role: 'follower' } : {}), profile: idle }, thread);
  assert.deepEqual(tally.summaries(1).map((s) => s.thread), ['n2', 'n10', 'generator 1', 'generator 2']);
});

test('profiles are written as .cpuprofile files named by target, round, thread and role', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'raftyard-cpuprof-'));
  try {
    const profile = profileOf([3], [500]);
    const paths = await writePhaseProfiles(join(dir, 'made'), 'raftyard 3 nodes (port)', 2, [
      { thread: 'n1', role: 'leader', profile },
      { thread: 'generator 1', profile },
    ]);
    assert.deepEqual(paths, [join(dir, 'made', 'raftyard-3-nodes-port-round2-n1-leader.cpuprofile'), join(dir, 'made', 'raftyard-3-nodes-port-round2-generator-1.cpuprofile')]);
    assert.deepEqual(JSON.parse(await readFile(paths[0], 'utf8')), profile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
