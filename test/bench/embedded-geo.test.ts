// Geo experiments on a real embedded 3-member cluster (compiled only: members are worker
// threads): --delay shapes every link (and the hot start unshapes it for a while), --leader-region
// moves leadership before the run,
// --client-region sets the client's round trip, and the floor describes the leader that served
// and the follower the clients sent to. Bad regions and unknown spec-local settings are refused
// before anything starts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultBenchOptions } from '../../src/bench/bench-options.js';
import { registerEmbeddedTarget, startEmbeddedTarget } from '../../src/bench/embedded-target.js';
import { median } from '../../src/bench/median.js';
import { runBench } from '../../src/bench/run-bench.js';
import { describeLoad } from '../../src/bench/run-description.js';

const DELAY_MS = 10;
const RTT_MS = 2 * DELAY_MS;
/**
 * The first test's links: a fresh cluster's first writes take 3 to 25 ms on the development VM
 * while V8 compiles their path (more under a parallel test run), so only a round trip well above
 * that tells an unshaped link from a shaped one.
 */
const PLACED_DELAY_MS = 40;
const PLACED_RTT_MS = 2 * PLACED_DELAY_MS;

test('--leader-region moves leadership to that member; the client and the floor follow the places', async () => {
  const target = await startEmbeddedTarget({ seed: 3, nodes: 3, delayMs: PLACED_DELAY_MS, leaderRegion: 'n3', clientRegion: 'n1', extra: {} });
  try {
    const [n1, n2, n3] = target.endpoints;
    assert.equal(await target.leaderEndpoint!(), n3);
    assert.equal(target.clientRttMs!(n1), 0, 'the client sits with n1');
    assert.equal(target.clientRttMs!(n2), PLACED_RTT_MS);
    const startedMs = performance.now();
    const put = await fetch(`${n3}/v2/keys/geo`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'value=1' });
    const putMs = performance.now() - startedMs;
    assert.ok(put.status === 201 || put.status === 200, `PUT answered ${put.status}`);
    assert.ok(putMs >= PLACED_RTT_MS - 1, `a write took ${putMs} ms, less than the ${PLACED_RTT_MS} ms quorum round trip`);
    const floor = await target.floorMs!();
    assert.equal(floor.leader, 'n3');
    assert.equal(floor.parts.quorumRttMs, PLACED_RTT_MS);
    assert.equal(floor.parts.clientRttMs, PLACED_RTT_MS, 'from n1 to the leader n3');
    assert.ok(floor.parts.fsyncMs > 0 && floor.parts.fsyncMs < 1_000, `fsync ${floor.parts.fsyncMs} ms`);

    // The hot start's links: straight through while its work runs, delayed again afterwards.
    const unshapedMs = await target.unshaped!(async () => {
      const tookMs: number[] = [];
      for (let i = 0; i < 5; i++) tookMs.push(await timedPut(n3, `hot-${i}`));
      return median(tookMs);
    });
    assert.ok(unshapedMs < PLACED_RTT_MS, `with the links unshaped a write still took ${unshapedMs} ms (median)`);
    const reshapedMs = await timedPut(n3, 'shaped-again');
    assert.ok(reshapedMs >= PLACED_RTT_MS - 1, `after the hot start a write took ${reshapedMs} ms, less than the ${PLACED_RTT_MS} ms quorum round trip`);
  } finally {
    await target.close();
  }
});

async function timedPut(endpoint: string, key: string): Promise<number> {
  const startedMs = performance.now();
  const answer = await fetch(`${endpoint}/v2/keys/${key}`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'value=1' });
  await answer.text();
  assert.ok(answer.status === 201 || answer.status === 200, `PUT answered ${answer.status}`);
  return performance.now() - startedMs;
}

test('a short run through a follower reports the floor of the leader that served it', async () => {
  registerEmbeddedTarget();
  const options = defaultBenchOptions([{ kind: 'named', label: 'embedded', name: 'embedded', extra: {} }]);
  options.targetSettings = { seed: 5, nodes: 3, delayMs: DELAY_MS, leaderRegion: 'n2' };
  options.load = { ...options.load, sendTo: 'follower', clients: 1, workers: 1 };
  options.durationMs = 1_000;
  options.warmupMs = 200;
  const result = await runBench(options);
  const target = result.targets[0];
  assert.equal(target.total.errorsTotal, 0, JSON.stringify(target.total.errors));
  assert.ok(target.floor, 'a floor');
  assert.equal(target.floor.leader, 'n2');
  assert.equal(target.floor.sentTo, 'n1', 'the first member that does not lead');
  assert.equal(target.floor.parts.quorumRttMs, RTT_MS);
  assert.equal(target.floor.parts.forwardRttMs, RTT_MS);
  assert.equal(target.floor.parts.clientRttMs, 0);
  // The followers timed their own flushes in the measured window: at least one per write each.
  const followers = target.floor.fsyncWal?.followers ?? [];
  assert.deepEqual(followers.map((f) => f.member).sort(), ['n1', 'n3']);
  for (const f of followers) assert.ok(f.flushes >= target.total.latency.count, `${f.member}: ${f.flushes} flushes for ${target.total.latency.count} writes`);
  assert.equal(target.floor.parts.fsyncMs, Math.min(followers[0].medianMs, target.floor.fsyncWal!.probeMs), 'the cheaper sync prices the floor');
  assert.ok(target.floor.parts.fsyncMs > 0 && target.floor.parts.fsyncMs < 1_000, `fsync ${target.floor.parts.fsyncMs} ms`);
  assert.ok(target.total.latency.minMs >= 2 * RTT_MS - 1, `min ${target.total.latency.minMs} ms under the forward and quorum round trips`);
  assert.ok(target.floor.p50Ratio >= 0.95, `p50 is ${target.floor.p50Ratio} × the floor`);
  assert.deepEqual(target.leaders, [target.endpoints[1]]);
  assert.match(describeLoad(options), /after a 0\.2 s hot start with the links unshaped/);
  assert.doesNotMatch(describeLoad({ ...options, warmupMs: 0 }), /hot start/);
  assert.doesNotMatch(describeLoad({ ...options, targetSettings: { seed: 5 } }), /hot start/);
});

test('regions are refused before a cluster starts when they cannot apply', async () => {
  const startedMs = performance.now();
  await assert.rejects(startEmbeddedTarget({ seed: 1, delayMs: DELAY_MS, leaderRegion: 'n9', extra: {} }), /--leader-region: unknown place "n9"; known: n1, n2, n3/);
  await assert.rejects(startEmbeddedTarget({ seed: 1, geo: 'us-east-1,us-west-2,eu-west-1', leaderRegion: 'ap-southeast-2', extra: {} }), /--leader-region ap-southeast-2: no member sits there \(n1 in us-east-1/);
  await assert.rejects(startEmbeddedTarget({ seed: 1, clientRegion: 'eu-west-1', extra: {} }), /--client-region eu-west-1: the members have no regions; start the target with --geo or --delay/);
  await assert.rejects(startEmbeddedTarget({ seed: 1, geo: 'us-east-1,us-west-2,eu-west-1', clientRegion: 'moon', extra: {} }), /--client-region: unknown place "moon"/);
  assert.ok(performance.now() - startedMs < 1_000, 'no cluster was started');
});

test('spec-local settings: unknown keys and bad sync modes are refused before a cluster starts; auto is taken', async () => {
  const startedMs = performance.now();
  await assert.rejects(startEmbeddedTarget({ seed: 1, extra: { wal: 'off' } }), /embedded target: unknown setting wal \(known: heartbeatMs, electionMs, syncMode\)/);
  await assert.rejects(startEmbeddedTarget({ seed: 1, extra: { syncMode: 'fast' } }), /sync mode must be one of sync, async, auto/);
  assert.ok(performance.now() - startedMs < 1_000, 'no cluster was started');
  const target = await startEmbeddedTarget({ seed: 1, nodes: 1, extra: { syncMode: 'auto' } });
  await target.close();
});
