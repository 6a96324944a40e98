// Key path rules: Go's path.Clean on "/" + key, splitting, the hidden rules, and Go's byte
// order for sorted listings.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareUtf8Order, isHiddenBelow, keySegments } from '../../src/store/key-path.js';
import { cleanRootedPath } from '../../src/util/clean-path.js';

test('store keys are cleaned as path.Clean(path.Join("/", key))', () => {
  const cases: [string, string][] = [
    ['', '/'],
    ['/', '/'],
    ['foo', '/foo'],
    ['//a/../b/', '/b'],
    ['/a/./b//c/', '/a/b/c'],
    ['../../x', '/x'],
    ['/a/b/../../..', '/'],
    ['a/b/..', '/a'],
    ['...', '/...'],
    ['/_hidden/', '/_hidden'],
    ['/a/.', '/a'],
    ['/a/..', '/'],
    ['/.hidden', '/.hidden'],
    ['/..a/b..', '/..a/b..'],
    ['/a//b', '/a/b'],
    ['/./a', '/a'],
    ['/a/b', '/a/b'],
  ];
  for (const [input, cleaned] of cases) assert.equal(cleanRootedPath(input), cleaned, `cleanRootedPath(${JSON.stringify(input)})`);
});

test('keySegments takes a clean path apart', () => {
  assert.deepEqual(keySegments('/'), []);
  assert.deepEqual(keySegments('/a/b'), ['a', 'b']);
  assert.throws(() => keySegments('a/b'), /must start with/);
});

test('a key is hidden from a watcher above it when a segment below the watch starts with _', () => {
  assert.equal(isHiddenBelow('/', '/_a'), true);
  assert.equal(isHiddenBelow('/', '/a'), false);
  assert.equal(isHiddenBelow('/foo', '/foo/_bar/baz'), true);
  assert.equal(isHiddenBelow('/_foo', '/_foo/bar'), false, 'only segments below the watched path count');
  assert.equal(isHiddenBelow('/foo/bar/baz', '/foo'), false, 'a watch inside a removed directory is never hidden');
});

test('compareUtf8Order sorts as Go compares strings (UTF-8 byte order)', () => {
  const keys = ['/b', '/a', '/\u{1F600}', '/\uFF21', '/a/b', '/A'];
  const sorted = [...keys].sort(compareUtf8Order);
  assert.deepEqual(sorted, ['/A', '/a', '/a/b', '/b', '/\uFF21', '/\u{1F600}']);
  const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual(sorted, byBytes);
});
