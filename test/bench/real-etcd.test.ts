// Short real runs against a 3-member etcd 3.4 on loopback: closed and open loop produce JSON and
// HTML reports with sane figures, --compare alternates two targets and reports their ratios,
// and every workload runs without errors. Without /usr/bin/etcd these tests fail: CI installs it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchMain, type BenchOutput } from '../../src/bench/cli.js';
import type { BenchResult } from '../../src/bench/run-bench.js';
import { ETCD_BINARY, realEtcdAvailable, startRealEtcd, type RealEtcdCluster } from '../support/real-etcd.js';

let cluster: RealEtcdCluster | undefined;
let reportDir = '';

before(async () => {
  assert.ok(realEtcdAvailable(), `etcd is missing at ${ETCD_BINARY}: install etcd-server (CI does) or set RAFTYARD_ETCD_BINARY`);
  cluster = await startRealEtcd();
  reportDir = await mkdtemp(join(tmpdir(), 'raftyard-bench-'));
});

after(async () => {
  await cluster?.stop();
  if (reportDir) await rm(reportDir, { recursive: true, force: true });
});

function endpoints(): string {
  assert.ok(cluster, 'the etcd cluster did not start');
  return cluster.endpoints.join(',');
}

/** Runs the CLI with captured output and returns the parsed JSON report and the HTML. */
async function runCli(name: string, args: string[]): Promise<{ result: BenchResult; html: string; table: string }> {
  let table = '';
  let errors = '';
  const output: BenchOutput = { out: (t) => (table += t), err: (t) => (errors += t), isTTY: false };
  const jsonPath = join(reportDir, `${name}.json`);
  const code = await benchMain([...args, '--out', jsonPath], output);
  assert.equal(code, 0, `bench exited ${code}: ${errors}`);
  const result = JSON.parse(await readFile(jsonPath, 'utf8')) as BenchResult;
  return { result, html: await readFile(join(reportDir, `${name}.html`), 'utf8'), table };
}

function assertSelfContainedHtml(html: string): void {
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok((html.match(/<svg /g) ?? []).length >= 3, 'latency over time, throughput and CDF charts');
  assert.match(html, /Latency over time/);
  assert.match(html, /Latency distribution/);
  assert.doesNotMatch(html, /<script[^>]+src=|<link |@import|url\(/, 'nothing may be fetched');
}

test('closed loop, 4 clients: JSON and HTML with sane figures', async () => {
  const { result, html, table } = await runCli('closed', ['--endpoints', endpoints(), '--clients', '4', '--duration', '1.5s', '--warmup', '300ms']);
  const total = result.targets[0].total;
  assert.equal(result.config.load.clients, 4);
  assert.equal(total.errorsTotal, 0, JSON.stringify(total.errors));
  assert.ok(total.throughputPerSec > 50, `throughput ${total.throughputPerSec}/s`);
  assert.ok(total.operations === total.latency.count && total.operations > 75);
  const { p50Ms, p90Ms, p99Ms, p999Ms, maxMs, minMs } = total.latency;
  assert.ok(minMs > 0 && minMs <= p50Ms && p50Ms <= p90Ms && p90Ms <= p99Ms && p99Ms <= p999Ms && p999Ms <= maxMs, JSON.stringify(total.latency));
  assert.ok(p50Ms < 500, `p50 ${p50Ms} ms on loopback`);
  // Little's law: 4 clients always busy means throughput × mean latency ≈ 4.
  const concurrency = (total.throughputPerSec * total.latency.meanMs) / 1000;
  assert.ok(concurrency > 3 && concurrency <= 4.2, `throughput × mean latency = ${concurrency}, expected about 4`);
  assert.ok(total.generator.eventLoopBusyMax > 0 && total.generator.eventLoopBusyMax <= 1);
  assert.ok(result.targets[0].phases[0].series.length >= 5, 'one point per 250 ms');
  assert.match(table, /throughput \(ops\/s\)/);
  assert.match(table, /machine stalls \(≥5 ms\)/);
  const { threadRoundTripUs } = result.environment;
  assert.ok(threadRoundTripUs > 1 && threadRoundTripUs < 50_000, `thread round trip ${threadRoundTripUs} µs`);
  assert.ok(table.includes(`thread round trip ${threadRoundTripUs.toFixed(0)} µs`), table);
  assert.ok(html.includes(`thread round trip ${threadRoundTripUs.toFixed(0)} µs`), 'the HTML names the machine\'s round trip');
  // A stall is counted with its length: none, or some with a longest of at least the threshold.
  const { stalls } = total;
  assert.ok(stalls.count === 0 ? stalls.longestMs === 0 && stalls.totalMs === 0 : stalls.longestMs >= 5 && stalls.totalMs >= stalls.longestMs, JSON.stringify(stalls));
  // The host's steal over the window, read from /proc/stat: a share, in the table and each round.
  const { steal } = total;
  assert.ok(steal !== null && steal.share >= 0 && steal.share <= 1 && steal.cpuTicks > 0, JSON.stringify(steal));
  assert.match(table, /CPU time taken by the host \(steal\) +\d+(\.\d)?%/);
  const stealPrefix = `host steal per round: ${result.targets[0].label} `;
  const stealLine = table.split('\n').find((line) => line.startsWith(stealPrefix));
  const perRound = stealLine?.slice(stealPrefix.length).split(' ') ?? [];
  assert.ok(perRound.length === result.config.rounds && perRound.every((share) => /^\d+(\.\d)?%$/.test(share)), table);
  assertSelfContainedHtml(html);
});

test('open loop at 200/s: the schedule is kept and latency is measured from it', async () => {
  const { result, html } = await runCli('open', ['--endpoints', endpoints(), '--rate', '200', '--clients', '8', '--duration', '1.5s', '--warmup', '300ms']);
  const total = result.targets[0].total;
  assert.equal(result.config.load.model, 'open');
  assert.equal(total.errorsTotal, 0, JSON.stringify(total.errors));
  assert.ok(Math.abs(total.operations - 300) <= 3, `200/s for 1.5 s scheduled ${total.operations} operations`);
  assert.ok(total.servedPerSec > 170 && total.servedPerSec < 230, `served ${total.servedPerSec}/s`);
  assert.ok(total.latency.p50Ms > 0 && total.latency.p50Ms < 200, `p50 ${total.latency.p50Ms} ms`);
  assertSelfContainedHtml(html);
});

test('--compare runs the targets alternately and reports ratios', async () => {
  const args = ['--compare', `first=${endpoints()}`, `second=${endpoints()}`, '--rounds', '2', '--duration', '1s', '--warmup', '200ms', '--clients', '2'];
  const { result, html, table } = await runCli('compare', args);
  assert.deepEqual(result.targets.map((t) => t.label), ['first', 'second']);
  const starts = [0, 1].flatMap((round) => result.targets.map((t) => ({ label: t.label, round: t.phases[round].round, at: t.phases[round].startedAtEpochMs })));
  const order = [...starts].sort((a, b) => a.at - b.at).map((s) => `${s.label}#${s.round}`);
  assert.deepEqual(order, ['first#1', 'second#1', 'first#2', 'second#2']);
  const comparison = result.comparison;
  assert.ok(comparison, 'a comparison');
  const throughputRatio = comparison.ratios.throughputPerSec;
  const expected = result.targets[1].total.throughputPerSec / result.targets[0].total.throughputPerSec;
  assert.ok(throughputRatio !== null && Math.abs(throughputRatio - expected) < 1e-9);
  // The same cluster twice: the ratio is near 1, give or take a busy shared machine.
  assert.ok(throughputRatio > 0.33 && throughputRatio < 3, `throughput ratio ${throughputRatio}`);
  assert.equal(comparison.roundRatios.throughputPerSec.length, 2);
  assert.match(table, /B\/A/);
  assert.match(html, /B\/A per round/);
});

test('get, mix, cas and watch workloads run against etcd without errors', async () => {
  const common = ['--endpoints', endpoints(), '--duration', '600ms', '--warmup', '100ms'];
  const runs: Array<[string, string[]]> = [
    ['get', ['--workload', 'get', '--quorum', '--key-space', '50', '--clients', '2']],
    ['mix', ['--workload', 'mix', '--key-space', '50', '--clients', '2']],
    ['cas', ['--workload', 'cas', '--cas-keys', '1', '--clients', '3']],
    ['watch', ['--workload', 'watch', '--watchers', '3']],
  ];
  for (const [name, args] of runs) {
    const { result } = await runCli(name, [...common, ...args]);
    const total = result.targets[0].total;
    assert.equal(total.errorsTotal, 0, `${name}: ${JSON.stringify(total.errors)}`);
    assert.ok(total.operations > 5, `${name}: ${total.operations} operations`);
    if (name === 'watch') assert.equal(total.operations % 3, 0, 'every write is seen by all three watchers');
  }
});
