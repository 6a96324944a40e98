// Targets plug in by name: the factory receives the command line's target settings (nodes,
// regions, seed, spec-local settings), is closed after the run, learns which paths the writes
// took, and the floor it reports is put next to the observed p50 and p99 commit latency.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerTarget, targetFactory, type ServedPath, type TargetOptions } from '../../src/bench/bench-target.js';
import { parseBenchArgs } from '../../src/bench/parse-args.js';
import { formatTable } from '../../src/bench/report-table.js';
import { renderHtmlReport } from '../../src/bench/report-html.js';
import { runBench } from '../../src/bench/run-bench.js';
import { startStallingServer } from './stalling-server.js';

const FLOOR_MS = 0.25;

test('a registered target gets the settings, is closed, and its floor becomes a ratio', async () => {
  const server = await startStallingServer(-1, 0);
  const received: TargetOptions[] = [];
  const servedAsked: Array<ServedPath[] | undefined> = [];
  let closed = 0;
  registerTarget('fake-geo', async (options) => {
    received.push(options);
    return {
      name: 'fake-geo',
      endpoints: [server.endpoint],
      // The client sits beside the only member.
      clientRttMs: () => 0,
      floorMs: async (served) => {
        servedAsked.push(served);
        return { floorMs: FLOOR_MS, parts: { quorumRttMs: 0.1, fsyncMs: 0.1, clientRttMs: 0.05 } };
      },
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
    // Without a leaderEndpoint the first endpoint counts as the leader; every client sent there.
    assert.deepEqual(servedAsked, [[{ leaderEndpoint: server.endpoint, sentToEndpoint: server.endpoint }]]);
    const { latency } = target.total;
    assert.equal(target.floor.observedP50Ms, latency.p50Ms);
    assert.equal(target.floor.observedP99Ms, latency.p99Ms);
    assert.equal(target.floor.p50Ratio, latency.p50Ms / FLOOR_MS);
    assert.equal(target.floor.p99Ratio, latency.p99Ms / FLOOR_MS);
    assert.equal(target.floor.p50OverMs, latency.p50Ms - FLOOR_MS);
    assert.equal(target.floor.p99OverMs, latency.p99Ms - FLOOR_MS);
    const table = formatTable(result);
    assert.match(table, /vs floor 0\.250 ms \(quorumRttMs 0\.100 \+ fsyncMs 0\.100 \+ clientRttMs 0\.0500\)/);
    assert.match(table, /commit p50 [\d.]+ ms \([+-][\d.]+ ms, [\d.]+×\), p99 [\d.]+ ms \([+-][\d.]+ ms, [\d.]+×\)/);
    const html = renderHtmlReport(result);
    assert.match(html, /Commit latency against its floor/);
    assert.match(html, /p99 over floor/);
  } finally {
    await server.close();
  }
});

test('a target with shaped links gets a hot start: an unrecorded closed loop with its links unshaped, before the first round', async () => {
  const server = await startStallingServer(-1, 0);
  const events: string[] = [];
  let hotRequests = 0;
  registerTarget('fake-shaped', async () => ({
    name: 'fake-shaped',
    endpoints: [server.endpoint],
    unshaped: async (work) => {
      events.push('unshaped');
      const before = server.requests();
      const result = await work();
      hotRequests = server.requests() - before;
      events.push('shaped again');
      return result;
    },
    close: async () => {},
  }));
  try {
    const rate = 100;
    const args = ['--target', 'fake-shaped', '--rate', String(rate), '--clients', '2', '--workers', '1', '--duration', '400ms', '--no-progress'];
    const result = await runBench(parseBenchArgs([...args, '--warmup', '300ms']));
    assert.deepEqual(events, ['unshaped', 'shaped again'], 'one hot start, and the links shaped again after it');
    // At the open loop's rate, 300 ms would carry 30 requests: the hot start ran a closed loop.
    assert.ok(hotRequests > (3 * rate * 300) / 1000, `only ${hotRequests} requests in the hot start`);
    const { operations } = result.targets[0].total;
    assert.ok(operations <= (rate * 400) / 1000 + 2, `${operations} operations recorded: the hot start's were counted`);

    events.length = 0;
    await runBench(parseBenchArgs([...args, '--warmup', '0']));
    assert.deepEqual(events, [], 'no warm-up asked for, no hot start');
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
