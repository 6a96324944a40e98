// Key paths are cleaned as etcd's Go client cleans them and percent-encoded per segment.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keysPath } from '../../src/client/key-path.js';
import { cleanRootedPath, muxCleanPath } from '../../src/util/clean-path.js';
import { escapeGoPath } from '../../src/util/escape-path.js';

/** [input, expected] pairs, each checked by its own function below. */
const CASES: { name: string; fn: (input: string) => string; pairs: [string, string][] }[] = [
  {
    name: 'keys are cleaned like path.Clean, keeping a trailing slash',
    fn: (key) => keysPath('/v2/keys', key),
    pairs: [['a//b/', '/v2/keys/a/b/'], ['/', '/v2/keys/'], ['', '/v2/keys']],
  },
  { name: 'rooted paths are cleaned like path.Clean', fn: cleanRootedPath, pairs: [['//a/./b/../c', '/a/c'], ['/../..', '/']] },
  {
    name: 'ServeMux cleaning roots the path and keeps one trailing slash, never a lone extra one',
    fn: muxCleanPath,
    pairs: [['', '/'], ['a/./b/../c//', '/a/c/'], ['/../', '/'], ['/v2/keys/a', '/v2/keys/a']],
  },
  {
    name: 'segments are percent-encoded except the sub-delimiters Go leaves in paths',
    fn: (key) => keysPath('/v2/keys', key),
    pairs: [['/a b/c?d#e%f', '/v2/keys/a%20b/c%3Fd%23e%25f'], ['/x:y@z=1,2;3$&+', '/v2/keys/x:y@z=1,2;3$&+']],
  },
  {
    // encodeURIComponent would leave these marks alone; Go's EscapedPath escapes them.
    name: 'segments are escaped byte for byte as Go escapes paths, marks and non-ASCII included',
    fn: (key) => keysPath('/v2/keys', key),
    pairs: [["/a!b*c'(d)", '/v2/keys/a%21b%2Ac%27%28d%29'], ['/é~_.-', '/v2/keys/%C3%A9~_.-']],
  },
];

for (const { name, fn, pairs } of CASES) {
  test(name, () => {
    for (const [input, expected] of pairs) assert.equal(fn(input), expected, `input ${JSON.stringify(input)}`);
  });
}

test('a path of safe characters only comes back as it is; one unsafe character anywhere is escaped', () => {
  assert.equal(escapeGoPath('/v2/keys/Az09-_.~$&+,:;=@/x'), '/v2/keys/Az09-_.~$&+,:;=@/x');
  assert.equal(escapeGoPath(''), '');
  assert.equal(escapeGoPath('/a/b\n'), '/a/b%0A');
  assert.equal(escapeGoPath('\\/a'), '%5C/a');
});
