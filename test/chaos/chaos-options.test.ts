// `raftyard chaos` arguments: flags in both spellings, defaults, limits, and the exit code of
// a bad command line (1, before any cluster starts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHAOS_DEFAULTS, ChaosUsageError, parseChaosArgs } from '../../src/chaos/chaos-options.js';
import { chaosMain } from '../../src/chaos/cli.js';

test('flags take their value after a space or an equals sign; the rest keep their defaults', () => {
  const { options, json } = parseChaosArgs(['--seed', '7', '--duration-ms=9000', '--nodes', '5', '--keys=1', '--transport', 'ws', '--json']);
  assert.equal(json, true);
  assert.deepEqual(options, { ...CHAOS_DEFAULTS, seed: 7, durationMs: 9000, nodes: 5, keys: 1, transport: 'ws' });
  assert.deepEqual(parseChaosArgs([]), { options: { ...CHAOS_DEFAULTS }, json: false });
});

test('values outside the limits and unknown flags are refused', () => {
  for (const argv of [['--nodes', '4'], ['--clients', '0'], ['--keys', 'x'], ['--duration-ms', '10'], ['--transport', 'tcp'], ['--bogus', '1'], ['--seed']]) {
    assert.throws(() => parseChaosArgs(argv), ChaosUsageError, argv.join(' '));
  }
});

test('integer flags take decimal digits only: an empty value, hex, exponents and signs are refused', () => {
  for (const argv of [['--seed', ''], ['--keys', '0x10'], ['--clients', '1e1'], ['--duration-ms', ' 9000'], ['--seed', '+7'], ['--seed=-1']]) {
    assert.throws(() => parseChaosArgs(argv), ChaosUsageError, argv.join(' '));
  }
});

test('a bad command line exits 1 with the usage; --help exits 0', async () => {
  const written: string[] = [];
  const output = { stdout: { write: (text: string) => written.push(text) }, stderr: { write: (text: string) => written.push(text) } };
  assert.equal(await chaosMain(['--nodes', '2'], output), 1);
  assert.match(written.join(''), /--nodes must be 3 or 5[\s\S]*Usage: raftyard chaos/);
  assert.equal(await chaosMain(['--help'], output), 0);
});
