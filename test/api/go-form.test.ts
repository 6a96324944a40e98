// Go's url.QueryUnescape as the form parser uses it: escapes and '+' decode to UTF-8 bytes,
// raw non-ASCII characters beside them keep every byte (etcd stores "😀 x" for `😀+x`), and a
// malformed escape gives Go's error text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, queryUnescape } from '../../src/api/go-form.js';

test('escapes decode as UTF-8 bytes and raw characters beside them stay whole', () => {
  assert.equal(queryUnescape('😀+x%20y'), '😀 x y');
  assert.equal(queryUnescape('%e2%82%AC+%41'), '€ A');
  assert.equal(queryUnescape('é%2Fü'), 'é/ü');
  assert.equal(queryUnescape('a+b', false), 'a+b');
  assert.equal(queryUnescape('plain'), 'plain');
});

test('a malformed escape gives Go\'s error, and the form keeps its other pairs', () => {
  assert.deepEqual(queryUnescape('%zz'), { message: 'invalid URL escape "%zz"' });
  assert.deepEqual(queryUnescape('ab%2'), { message: 'invalid URL escape "%2"' });
  const form = parseQuery('value=%zz&ttl=5&prev=%F0%9F%98%80');
  assert.equal(form.error, 'invalid URL escape "%zz"');
  assert.deepEqual([...form.values], [['ttl', ['5']], ['prev', ['😀']]]);
});
