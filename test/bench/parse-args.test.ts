// The command line of `raftyard bench`: defaults, the compare syntax, geo experiments (delay,
// client and leader regions, sending to a follower), and clear refusals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BenchUsageError, benchUsage, parseBenchArgs, parseDurationMs, parseSize, parseTimeMs } from '../../src/bench/parse-args.js';
import { describeLoad } from '../../src/bench/run-description.js';

test('one endpoints target with the defaults', () => {
  const options = parseBenchArgs(['--endpoints', 'http://127.0.0.1:2379,http://127.0.0.1:22379']);
  assert.deepEqual(options.targets, [
    { kind: 'endpoints', label: '127.0.0.1:2379(+1)', endpoints: ['http://127.0.0.1:2379', 'http://127.0.0.1:22379'] },
  ]);
  assert.equal(options.workload.name, 'put');
  assert.equal(options.load.model, 'closed');
  assert.equal(options.load.clients, 16);
  assert.equal(options.rounds, 1);
  assert.equal(options.durationMs, 10_000);
  assert.equal(options.outJsonPath, undefined);
});

test('--rate switches to the open loop with 64 connections unless told otherwise', () => {
  const open = parseBenchArgs(['--endpoints=http://127.0.0.1:2379', '--rate', '1000/s', '--duration', '5s']);
  assert.equal(open.load.model, 'open');
  assert.equal(open.load.ratePerSec, 1000);
  assert.equal(open.load.clients, 64);
  assert.equal(open.durationMs, 5000);
  const fewer = parseBenchArgs(['--endpoints=http://127.0.0.1:2379', '--rate', '200', '--clients', '2', '--workers', '1']);
  assert.equal(fewer.load.clients, 2);
  assert.equal(fewer.load.workers, 1);
});

test('--compare takes two specs: labels, registered names with settings, or URLs', () => {
  const options = parseBenchArgs([
    '--compare', 'port=embedded:transport=port,wal=off', 'etcd=http://127.0.0.1:2379,http://127.0.0.1:22379', '--nodes', '5', '--seed', '7',
  ]);
  assert.deepEqual(options.targets[0], { kind: 'named', label: 'port', name: 'embedded', extra: { transport: 'port', wal: 'off' } });
  assert.deepEqual(options.targets[1], { kind: 'endpoints', label: 'etcd', endpoints: ['http://127.0.0.1:2379', 'http://127.0.0.1:22379'] });
  assert.equal(options.rounds, 3, 'comparing alternates three rounds by default');
  assert.deepEqual(options.targetSettings, { seed: 7, nodes: 5 });
});

test('geo experiments: regions, a uniform delay and sending to a follower', () => {
  const geo = parseBenchArgs(['--target', 'embedded', '--geo', 'us-east-1,us-west-2,eu-west-1', '--client-region', 'eu-west-1', '--leader-region', 'us-east-1']);
  assert.deepEqual(geo.targetSettings, { seed: 1, geo: 'us-east-1,us-west-2,eu-west-1', clientRegion: 'eu-west-1', leaderRegion: 'us-east-1' });
  const delayed = parseBenchArgs(['--target', 'embedded', '--delay', '40ms', '--send-to', 'follower', '--leader-region', 'n2']);
  assert.equal(delayed.targetSettings.delayMs, 40);
  assert.equal(delayed.targetSettings.leaderRegion, 'n2');
  assert.equal(delayed.load.sendTo, 'follower');
  assert.equal(parseBenchArgs(['--target', 'embedded', '--delay', '0.5ms']).targetSettings.delayMs, 0.5, 'delays keep their fractions');
  assert.equal(parseBenchArgs(['--target', 'embedded']).load.sendTo, 'spread');
  assert.match(describeLoad(delayed), /closed loop, 16 clients on \d+ threads?, sent to a follower, leader in n2, 40 ms one way between members, 10 s measured/);
  assert.match(describeLoad(geo), /, client in eu-west-1, leader in us-east-1, members in us-east-1,us-west-2,eu-west-1, /);
});

test('geo settings are refused where they cannot apply', () => {
  const refuse = (argv: string[], pattern: RegExp): void => assert.throws(() => parseBenchArgs(argv), (e: unknown) => e instanceof BenchUsageError && pattern.test(e.message));
  const urls = 'http://127.0.0.1:2379,http://127.0.0.1:22379';
  refuse(['--endpoints', urls, '--client-region', 'eu-west-1'], /--client-region: .* is a set of URLs without regions/);
  refuse(['--compare', 'embedded', urls, '--leader-region', 'n1'], /--leader-region: .* without regions; start a target here with --geo or --delay/);
  refuse(['--target', 'embedded', '--geo', 'us-east-1', '--delay', '40ms'], /a geo preset or a uniform delay, not both/);
  refuse(['--target', 'embedded', '--delay', '2m'], /delay must be in \[0, 60000\] ms/);
  refuse(['--target', 'embedded', '--delay', '40ms', '--client-region', 'n1', '--workload', 'watch'], /--client-region does not apply to the watch workload/);
  // A misspelt region is refused before anything starts, naming the regions there are.
  refuse(['--target', 'embedded', '--geo', 'us-east-1,eu-west-1,ap-south-1'], /--geo: unknown region "ap-south-1"; known regions: us-east-1, us-west-2, eu-west-1, ap-northeast-1, ap-southeast-2/);
  refuse(['--target', 'embedded', '--geo', 'us-east-1,eu-west-1,us-west-2', '--client-region', 'eu-west-9'], /--client-region: unknown region "eu-west-9"/);
  refuse(['--target', 'embedded', '--geo', 'us-east-1,eu-west-1,us-west-2', '--leader-region', 'us-east-9'], /--leader-region: unknown region "us-east-9"/);
  refuse(['--target', 'embedded', '--send-to', 'nearest'], /send-to must be one of spread, leader, follower/);
});

test('the same target twice gets told apart as A and B', () => {
  const options = parseBenchArgs(['--compare', 'http://127.0.0.1:2379', 'http://127.0.0.1:2379', '--rounds', '4']);
  assert.deepEqual(options.targets.map((t) => t.label), ['127.0.0.1:2379 (A)', '127.0.0.1:2379 (B)']);
  assert.equal(options.rounds, 4);
});

test('workload flags, sizes and report paths', () => {
  const options = parseBenchArgs([
    '--target', 'embedded', '--workload', 'mix', '--read-fraction', '0.5', '--quorum', '--key-size', '16',
    '--value-size', '1k', '--key-space', '500', '--key-order', 'sequential', '--out', 'results/run.json', '--cpu-prof', 'results/profiles',
  ]);
  assert.equal(options.workload.name, 'mix');
  assert.equal(options.workload.readFraction, 0.5);
  assert.equal(options.workload.quorumReads, true);
  assert.equal(options.workload.valueSizeBytes, 1024);
  assert.equal(options.workload.keyOrder, 'sequential');
  assert.equal(options.outHtmlPath, 'results/run.html');
  assert.equal(options.cpuProfileDir, 'results/profiles');
  assert.equal(parseBenchArgs(['--target', 'embedded']).cpuProfileDir, undefined, 'no profiling unless asked');
  const watch = parseBenchArgs(['--target', 'embedded', '--workload', 'watch', '--watchers', '20']);
  assert.equal(watch.load.clients, 1);
  assert.equal(watch.load.workers, 1);
});

test('mistakes are refused with a message that names them', () => {
  const refuse = (argv: string[], pattern: RegExp): void => assert.throws(() => parseBenchArgs(argv), (e: unknown) => e instanceof BenchUsageError && pattern.test(e.message));
  refuse([], /name a target/);
  refuse(['--endpoints', 'http://127.0.0.1:2379', '--bogus'], /unknown option "--bogus"/);
  refuse(['--endpoints', 'http://127.0.0.1:2379', '--target', 'embedded'], /--compare A B/);
  refuse(['--endpoints', 'ftp://x'], /only http/);
  refuse(['--endpoints', 'http://127.0.0.1:2379', '--duration', 'soon'], /500ms, 10s or 2m/);
  refuse(['--endpoints', 'http://127.0.0.1:2379', '--clients', '2', '--workers', '3'], /cannot outnumber/);
  refuse(['--endpoints', 'http://127.0.0.1:2379', '--key-size', '2', '--key-space', '1000'], /key size 2 cannot hold 3-digit/);
  refuse(['--endpoints', 'http://127.0.0.1:2379', '--workload', 'watch', '--workers', '2', '--clients', '2'], /exactly one worker/);
  refuse(['--compare', 'http://127.0.0.1:2379'], /needs 2 value/);
  refuse(['--endpoints', 'http://127.0.0.1:2379', '--clients', '1', '--clients', '2'], /given twice/);
  refuse(['--endpoints', 'http://127.0.0.1:2379', '--cpu-prof', ' '], /--cpu-prof: the directory must not be empty/);
});

test('times and sizes read their units', () => {
  assert.equal(parseDurationMs('d', '250ms'), 250);
  assert.equal(parseDurationMs('d', '1.5s'), 1500);
  assert.equal(parseDurationMs('d', '2m'), 120_000);
  assert.equal(parseDurationMs('d', '3'), 3000);
  assert.equal(parseDurationMs('d', '2.4ms'), 2);
  assert.equal(parseTimeMs('d', '2.4ms'), 2.4);
  assert.equal(parseSize('s', '64'), 64);
  assert.equal(parseSize('s', '4KiB'), 4096);
  assert.equal(parseSize('s', '1m'), 1024 * 1024);
  assert.match(benchUsage(), /--compare SPEC SPEC/);
});
