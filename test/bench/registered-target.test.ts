// Targets plug in by name: the factory receives the command line's target settings (nodes,
// regions, seed, spec-local settings), is closed after the run, and the floor it reports is put
// next to the observed commit latency as a ratio.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerTarget, targetFactory, type TargetOptions } from '../../src/bench/bench-target.js';
import { parseBenchArgs } from '../../src/bench/parse-args.js';
import { formatTable } from '../../src/bench/report-table.js';
import { renderHtmlReport } from '../../src/bench/report-html.js';
import { runBench } from '../../src/bench/run-bench.js';
import { startStallingServer } from './stalling-server.js';

const FLOOR_MS = 0.25;

test('a registered target gets the settings, is closed, and its floor becomes a ratio', async () => {
  const server = await startStallingServer(-1, 0);
  const received: TargetOptions[] = [];
  let closed = 0;
  registerTarget('fake-geo', async (options) => {
    received.push(options);
    return {
      name: 'fake-geo',
      endpoints: [server.endpoint],
      floorMs: async () => ({ floorMs: FLOOR_MS, parts: { quorumRttMs: 0.1, fsyncMs: 0.1, clientRttMs: 0.05 } }),
      close: async () => {
        closed += 1;
      },
    };
  });
  try {
    const options = parseBenchArgs([
      '--target', 'fake-geo:wal=off', '--nodes', '5', '--client-region', 'eu-west-1', '--leader-region', 'us-east-1',
      '--seed', '9', '--clients', '2', '--workers', '1', '--duration', '500ms', '--warmup', '0', '--no-progress',
    ]);
    const result = await runBench(options);
    assert.deepEqual(received, [{ seed: 9, nodes: 5, clientRegion: 'eu-west-1', leaderRegion: 'us-east-1', extra: { wal: 'off' } }]);
    assert.equal(closed, 1);
    const target = result.targets[0];
    assert.ok(target.floor, 'the floor is reported');
    assert.equal(target.floor.floorMs, FLOOR_MS);
    assert.equal(target.floor.observedP50Ms, target.total.latency.p50Ms);
    assert.equal(target.floor.ratio, target.total.latency.p50Ms / FLOOR_MS);
    assert.match(formatTable(result), /vs floor 0\.250 ms \(quorumRttMs 0\.100 \+ fsyncMs 0\.100 \+ clientRttMs 0\.0500\)/);
    assert.match(renderHtmlReport(result), /Commit latency against its floor/);
  } finally {
    await server.close();
  }
});

test('names are checked and registered once', () => {
  assert.throws(() => registerTarget('Bad Name', async () => Promise.reject(new Error('unused'))), /must match/);
  registerTarget('fake-once', async () => Promise.reject(new Error('unused')));
  assert.throws(() => registerTarget('fake-once', async () => Promise.reject(new Error('unused'))), /already registered/);
  assert.throws(() => targetFactory('nobody'), /unknown target "nobody"; registered: .*fake-once/);
});
