// The command line of `raftyard bench`: defaults, the compare syntax, and clear refusals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BenchUsageError, benchUsage, parseBenchArgs, parseDurationMs, parseSize } from '../../src/bench/parse-args.js';

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
    '--compare', 'port=embedded:transport=port,wal=off', 'etcd=http://127.0.0.1:2379,http://127.0.0.1:22379',
    '--nodes', '5', '--seed', '7', '--client-region', 'eu-west-1', '--leader-region', 'us-east-1',
  ]);
  assert.deepEqual(options.targets[0], { kind: 'named', label: 'port', name: 'embedded', extra: { transport: 'port', wal: 'off' } });
  assert.deepEqual(options.targets[1], { kind: 'endpoints', label: 'etcd', endpoints: ['http://127.0.0.1:2379', 'http://127.0.0.1:22379'] });
  assert.equal(options.rounds, 3, 'comparing alternates three rounds by default');
  assert.deepEqual(options.targetSettings, { seed: 7, nodes: 5, clientRegion: 'eu-west-1', leaderRegion: 'us-east-1' });
});

test('the same target twice gets told apart as A and B', () => {
  const options = parseBenchArgs(['--compare', 'http://127.0.0.1:2379', 'http://127.0.0.1:2379', '--rounds', '4']);
  assert.deepEqual(options.targets.map((t) => t.label), ['127.0.0.1:2379 (A)', '127.0.0.1:2379 (B)']);
  assert.equal(options.rounds, 4);
});

test('workload flags, sizes and report paths', () => {
  const options = parseBenchArgs([
    '--target', 'embedded', '--workload', 'mix', '--read-fraction', '0.5', '--quorum', '--key-size', '16',
    '--value-size', '1k', '--key-space', '500', '--key-order', 'sequential', '--out', 'results/run.json',
  ]);
  assert.equal(options.workload.name, 'mix');
  assert.equal(options.workload.readFraction, 0.5);
  assert.equal(options.workload.quorumReads, true);
  assert.equal(options.workload.valueSizeBytes, 1024);
  assert.equal(options.workload.keyOrder, 'sequential');
  assert.equal(options.outHtmlPath, 'results/run.html');
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
});

test('times and sizes read their units', () => {
  assert.equal(parseDurationMs('d', '250ms'), 250);
  assert.equal(parseDurationMs('d', '1.5s'), 1500);
  assert.equal(parseDurationMs('d', '2m'), 120_000);
  assert.equal(parseDurationMs('d', '3'), 3000);
  assert.equal(parseSize('s', '64'), 64);
  assert.equal(parseSize('s', '4KiB'), 4096);
  assert.equal(parseSize('s', '1m'), 1024 * 1024);
  assert.match(benchUsage(), /--compare SPEC SPEC/);
});
