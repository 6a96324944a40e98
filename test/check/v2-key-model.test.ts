// The etcd v2 key model: each action's success and error codes, compare by value and by
// index, what answers reveal about modifiedIndex, and writes whose outcome is unknown.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkHistory } from '../../src/check/checker.js';
import type { Operation } from '../../src/check/history.js';
import { powerSetModel } from '../../src/check/models/power-set.js';
import { v2KeyModel, type V2Input, type V2Output } from '../../src/check/models/v2-key-model.js';
import { op } from './history-builders.js';

type V2Operation = Operation<V2Input, V2Output>;
const v2Op = op<V2Input, V2Output>;

const model = powerSetModel(v2KeyModel);
const key = '/k';

/** Operations of one client in sequence, each taking one time unit. */
function sequential(...steps: [V2Input, V2Output | undefined][]): V2Operation[] {
  return steps.map(([input, output], i) => v2Op(0, 2 * i, 2 * i + 1, input, output));
}

const verdictOf = (history: V2Operation[]): string => checkHistory(model, history).verdict;
const ok = (modifiedIndex?: number, value?: string): V2Output => ({ errorCode: 0, modifiedIndex, value });
const set = (value: string): V2Input => ({ kind: 'set', key, value });
const get: V2Input = { kind: 'get', key };

describe('v2 key actions', () => {
  test('get of a missing key is error 100, and sees what set wrote', () => {
    assert.equal(verdictOf(sequential([get, { errorCode: 100 }], [set('a'), ok()], [get, ok(undefined, 'a')])), 'linearizable');
    assert.equal(verdictOf(sequential([set('a'), ok()], [get, { errorCode: 100 }])), 'not-linearizable');
  });

  test('create fails with 105 when the key exists', () => {
    const create = (value: string): V2Input => ({ kind: 'create', key, value });
    assert.equal(verdictOf(sequential([create('a'), ok()], [create('b'), { errorCode: 105 }], [get, ok(undefined, 'a')])), 'linearizable');
    assert.equal(verdictOf(sequential([create('a'), ok()], [create('b'), ok()])), 'not-linearizable');
  });

  test('update fails with 100 when the key is missing', () => {
    const update: V2Input = { kind: 'update', key, value: 'u' };
    assert.equal(verdictOf(sequential([update, { errorCode: 100 }], [set('a'), ok()], [update, ok()])), 'linearizable');
    assert.equal(verdictOf(sequential([update, ok()])), 'not-linearizable');
  });

  test('compareAndSwap by value: 100 when missing, 101 on mismatch', () => {
    const swap = (prevValue: string): V2Input => ({ kind: 'compareAndSwap', key, value: 'new', prevValue });
    assert.equal(verdictOf(sequential([swap('a'), { errorCode: 100 }], [set('a'), ok()], [swap('x'), { errorCode: 101 }], [swap('a'), ok()], [get, ok(undefined, 'new')])), 'linearizable');
    assert.equal(verdictOf(sequential([set('a'), ok()], [swap('x'), ok()])), 'not-linearizable');
    assert.equal(verdictOf(sequential([set('a'), ok()], [swap('a'), { errorCode: 101 }])), 'not-linearizable');
  });

  test('compareAndSwap by index compares against the revealed modifiedIndex', () => {
    const swapAt = (prevIndex: number): V2Input => ({ kind: 'compareAndSwap', key, value: 'new', prevIndex });
    assert.equal(verdictOf(sequential([set('a'), ok(7)], [swapAt(6), { errorCode: 101 }], [swapAt(7), ok(9)])), 'linearizable');
    assert.equal(verdictOf(sequential([set('a'), ok(7)], [swapAt(6), ok(9)])), 'not-linearizable');
  });

  test('compareAndDelete and delete remove the key', () => {
    const deleteIf = (prevValue: string): V2Input => ({ kind: 'compareAndDelete', key, prevValue });
    const remove: V2Input = { kind: 'delete', key };
    assert.equal(verdictOf(sequential([set('a'), ok()], [deleteIf('x'), { errorCode: 101 }], [deleteIf('a'), ok()], [remove, { errorCode: 100 }])), 'linearizable');
    assert.equal(verdictOf(sequential([set('a'), ok()], [remove, ok()], [get, ok(undefined, 'a')])), 'not-linearizable');
  });

  test('a write answer that names the previous value must match', () => {
    const withPrevious = (previous: string | null): V2Output => ({ errorCode: 0, previous });
    assert.equal(verdictOf(sequential([set('a'), withPrevious(null)], [set('b'), withPrevious('a')])), 'linearizable');
    assert.equal(verdictOf(sequential([set('a'), withPrevious(null)], [set('b'), withPrevious(null)])), 'not-linearizable');
  });
});

describe('v2 modifiedIndex', () => {
  test('a later write never gets a smaller index', () => {
    assert.equal(verdictOf(sequential([set('a'), ok(7)], [set('b'), ok(5)])), 'not-linearizable');
  });

  test('a read must report the index of the node it read', () => {
    assert.equal(verdictOf(sequential([set('a'), ok(7)], [get, ok(7, 'a')])), 'linearizable');
    assert.equal(verdictOf(sequential([set('a'), ok(7)], [get, ok(8, 'a')])), 'not-linearizable');
  });

  test('a read reveals the index of a write whose answer was lost', () => {
    const lostSet = v2Op(1, 0, Infinity, set('a'), undefined);
    const swapAt = (prevIndex: number): V2Input => ({ kind: 'compareAndSwap', key, value: 'b', prevIndex });
    const reads = [v2Op(0, 1, 2, get, ok(4, 'a'))];
    assert.equal(verdictOf([lostSet, ...reads, v2Op(0, 3, 4, swapAt(4), ok(5))]), 'linearizable');
    assert.equal(verdictOf([lostSet, ...reads, v2Op(0, 3, 4, swapAt(3), ok(5))]), 'not-linearizable');
  });

  test('a compare by index on an unrevealed index with an unknown outcome may go either way', () => {
    // The answer was lost but the call ended before the read: it took effect or failed by then.
    const lostSwap = v2Op(1, 2, 3, { kind: 'compareAndSwap', key, value: 'b', prevIndex: 3 }, undefined);
    const before = v2Op(0, 0, 1, set('a'), ok());
    assert.equal(verdictOf([before, lostSwap, v2Op(0, 5, 6, get, ok(undefined, 'b'))]), 'linearizable');
    assert.equal(verdictOf([before, lostSwap, v2Op(0, 5, 6, get, ok(undefined, 'a'))]), 'linearizable');
    assert.equal(verdictOf([before, lostSwap, v2Op(0, 5, 6, get, ok(undefined, 'c'))]), 'not-linearizable');
  });
});
