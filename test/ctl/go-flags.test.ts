// Flag parsing as etcdctl's Go libraries do it: value forms, stop rules, error texts, and
// urfave/cli's reordering of flags written after positional arguments.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError, parseGoDurationMs, parseGoFlags, parseGoInt, reorderCommandArgs, type FlagSpec } from '../../src/cli/ctl/go-flags.js';

const SPECS: FlagSpec[] = [
  { names: 'ttl', kind: 'int', usage: '', defaultValue: 0 },
  { names: 'recursive, r', kind: 'bool', usage: '' },
  { names: 'with-value', kind: 'string', usage: '', defaultValue: '' },
  { names: 'timeout', kind: 'duration', usage: '', defaultValue: 2000 },
];

test('values come as --f=v, --f v or -f v; bools need no value; aliases share it', () => {
  const flags = parseGoFlags(SPECS, ['--ttl=5', '-with-value', '-x-', '-r', '--timeout', '1m30s', 'key', '--ttl', '9']);
  assert.equal(flags.int('ttl'), 5);
  assert.equal(flags.string('with-value'), '-x-');
  assert.equal(flags.bool('recursive'), true);
  assert.equal(flags.bool('r'), true);
  assert.equal(flags.int('timeout'), 90_000);
  assert.deepEqual(flags.args, ['key', '--ttl', '9'], 'parsing stops at the first non-flag');
  assert.equal(parseGoFlags(SPECS, ['--', '-r']).bool('r'), false, '"--" ends the flags and is consumed');
  assert.equal(parseGoFlags(SPECS, []).int('timeout'), 2000, 'defaults fill absent flags');
  assert.equal(parseGoFlags(SPECS, []).isSet('timeout'), false);
});

test('errors read as Go flag errors', () => {
  const cases: Array<[string[], string]> = [
    [['--nope'], 'flag provided but not defined: -nope'],
    [['--ttl'], 'flag needs an argument: -ttl'],
    [['--ttl', 'abc'], 'invalid value "abc" for flag -ttl: parse error'],
    [['--ttl=99999999999999999999'], 'invalid value "99999999999999999999" for flag -ttl: value out of range'],
    [['-r=maybe'], 'invalid boolean value "maybe" for -r: parse error'],
    [['---r'], 'bad flag syntax: ---r'],
    [['--timeout', '5 s'], 'invalid value "5 s" for flag -timeout: parse error'],
  ];
  for (const [args, message] of cases) assert.throws(() => parseGoFlags(SPECS, args), new FlagError(message), args.join(' '));
});

test('integers and durations parse like strconv.ParseInt(s, 0, 64) and time.ParseDuration', () => {
  assert.deepEqual(['10', '-7', '0x1f', '0o17', '017', '0b101', '0', '1e3', ''].map(parseGoInt), [10, -7, 31, 15, 15, 5, 0, 'syntax', 'syntax']);
  assert.deepEqual(['2s', '1.5s', '300ms', '1h2m', '-1s', '0', '10', 's'].map(parseGoDurationMs), [2000, 1500, 300, 3_720_000, -1000, 0, 'syntax', 'syntax']);
});

test('flags after positional arguments move in front, with their values; "--" moves to the front of the rest', () => {
  assert.deepEqual(reorderCommandArgs(SPECS, ['/k', 'v', '--ttl', '5']), ['--ttl', '5', '/k', 'v']);
  assert.deepEqual(reorderCommandArgs(SPECS, ['/k', '--ttl', '5', 'v']), ['--ttl', '5', '/k', 'v']);
  assert.deepEqual(reorderCommandArgs(SPECS, ['/k', '--unknown', 'v']), ['/k', '--unknown', 'v'], 'unknown flags stay in place');
  assert.deepEqual(reorderCommandArgs(SPECS, ['/k', '--', 'sh', '-c', 'x']), ['--', '/k', 'sh', '-c', 'x']);
  assert.deepEqual(reorderCommandArgs(SPECS, ['-r', '/k', '--', 'sh']), ['-r', '/k', '--', 'sh'], 'a value slot after a flag takes the key');
  const parsed = parseGoFlags(SPECS, reorderCommandArgs(SPECS, ['/k', '--ttl', '5', 'v']));
  assert.deepEqual([parsed.int('ttl'), parsed.args], [5, ['/k', 'v']]);
});
