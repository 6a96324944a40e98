// Splitting a history by key: keys are checked independently, and a failure reports the
// smallest failing key with its operations.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkHistory, partitionHistory } from '../../src/check/checker.js';
import type { Operation } from '../../src/check/history.js';
import { appendKvModel, type AppendKvInput, type AppendKvOutput } from '../../src/check/models/append-kv-model.js';
import { op } from './history-builders.js';

type KvOperation = Operation<AppendKvInput, AppendKvOutput>;
const kvOp = op<AppendKvInput, AppendKvOutput>;

const append = (client: number, call: number, ret: number, key: string, value: string): KvOperation =>
  kvOp(client, call, ret, { kind: 'append', key, value }, {});
const put = (client: number, call: number, ret: number, key: string, value: string): KvOperation =>
  kvOp(client, call, ret, { kind: 'put', key, value }, {});
const get = (client: number, call: number, ret: number, key: string, value: string): KvOperation =>
  kvOp(client, call, ret, { kind: 'get', key }, { value });

describe('partitioning by key', () => {
  test('parts are grouped by key, smallest first', () => {
    const history = [append(0, 0, 1, 'x', '1'), get(1, 0, 1, 'y', ''), append(0, 2, 3, 'x', '2')];
    const parts = partitionHistory(appendKvModel, history);
    assert.deepEqual(
      parts.map((part) => [part.key, part.operations.length]),
      [['y', 1], ['x', 2]],
    );
  });

  test('appends concatenate in linearization order, per key', () => {
    const history = [
      append(0, 0, 10, 'x', 'a'),
      append(1, 0, 10, 'x', 'b'),
      append(2, 0, 10, 'y', 'c'),
      get(3, 11, 12, 'x', 'ba'),
      get(3, 13, 14, 'y', 'c'),
    ];
    assert.equal(checkHistory(appendKvModel, history).verdict, 'linearizable');
    const impossible = [...history.slice(0, 3), get(3, 11, 12, 'x', 'a')];
    assert.equal(checkHistory(appendKvModel, impossible).verdict, 'not-linearizable');
  });

  test('operations on different keys do not order each other', () => {
    // Read as one register this would be stale (x's put completed before y's get began, and
    // y's get saw nothing); per key each part is fine.
    const history = [put(0, 0, 1, 'x', 'a'), get(1, 2, 3, 'y', ''), get(1, 4, 5, 'x', 'a')];
    assert.equal(checkHistory(appendKvModel, history).verdict, 'linearizable');
  });

  test('the smallest failing part is reported with only its own operations', () => {
    const bigBad = [put(0, 0, 1, 'big', 'a'), put(0, 2, 3, 'big', 'b'), get(1, 4, 5, 'big', 'a')];
    const smallBad = [put(2, 0, 1, 'small', 'a'), get(3, 2, 3, 'small', 'zzz')];
    const fine = [put(4, 0, 1, 'fine', 'q')];
    const result = checkHistory(appendKvModel, [...bigBad, ...fine, ...smallBad]);
    assert.equal(result.verdict, 'not-linearizable');
    if (result.verdict !== 'not-linearizable') return;
    assert.equal(result.failing.key, 'small');
    assert.deepEqual(result.failing.operations, smallBad);
    assert.deepEqual(result.failing.longestPrefix, [smallBad[0]]);
  });

  test('an unknown outcome in one key does not excuse another key', () => {
    const lostAppend = kvOp(0, 0, Infinity, { kind: 'append', key: 'x', value: 'a' }, undefined);
    const history: KvOperation[] = [lostAppend, get(1, 1, 2, 'x', 'a'), get(1, 3, 4, 'y', 'a')];
    assert.equal(checkHistory(appendKvModel, history).verdict, 'not-linearizable');
    assert.equal(checkHistory(appendKvModel, history.slice(0, 2)).verdict, 'linearizable');
  });
});
