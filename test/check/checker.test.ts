// The search on one register: both verdicts, concurrency, unknown outcomes, the failure
// report and the work bound.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkHistory, describeFailingPart } from '../../src/check/checker.js';
import { registerModel } from '../../src/check/models/register-model.js';
import { cas, lostWrite, read, registerOp, write, type RegisterOperation } from './history-builders.js';

const verdictOf = (history: RegisterOperation[]): string => checkHistory(registerModel, history).verdict;

describe('one register', () => {
  test('an empty history is linearizable', () => {
    assert.equal(verdictOf([]), 'linearizable');
  });

  test('a read after a completed write must see it', () => {
    assert.equal(verdictOf([write(0, 0, 1, 'a'), read(1, 2, 3, 'a')]), 'linearizable');
    assert.equal(verdictOf([write(0, 0, 1, 'a'), read(1, 2, 3, null)]), 'not-linearizable');
  });

  test('a read concurrent with a write may see the old or the new value', () => {
    assert.equal(verdictOf([write(0, 0, 5, 'a'), read(1, 1, 2, null)]), 'linearizable');
    assert.equal(verdictOf([write(0, 0, 5, 'a'), read(1, 1, 2, 'a')]), 'linearizable');
  });

  test('two reads in sequence cannot see the new value and then the old one', () => {
    const history = [write(0, 0, 10, 'a'), read(1, 1, 2, 'a'), read(2, 3, 4, null)];
    assert.equal(verdictOf(history), 'not-linearizable');
  });

  test('a value nobody wrote cannot be read', () => {
    assert.equal(verdictOf([write(0, 0, 5, 'a'), read(1, 1, 6, 'b')]), 'not-linearizable');
  });

  test('cas swaps only when the register holds the expected value', () => {
    const base = [write(0, 0, 1, 'a')];
    assert.equal(verdictOf([...base, cas(1, 2, 3, 'a', 'b', true), read(0, 4, 5, 'b')]), 'linearizable');
    assert.equal(verdictOf([...base, cas(1, 2, 3, 'x', 'b', true)]), 'not-linearizable');
    assert.equal(verdictOf([...base, cas(1, 2, 3, 'a', 'b', false)]), 'not-linearizable');
    assert.equal(verdictOf([...base, cas(1, 2, 3, 'x', 'b', false), read(0, 4, 5, 'a')]), 'linearizable');
  });
});

describe('operations with an unknown outcome', () => {
  test('a lost write may take effect long after its call', () => {
    const history = [lostWrite(0, 0, 'a'), read(1, 1, 2, null), read(1, 10, 11, 'a')];
    assert.equal(verdictOf(history), 'linearizable');
  });

  test('a lost write may never take effect', () => {
    assert.equal(verdictOf([lostWrite(0, 0, 'a'), read(1, 10, 11, null)]), 'linearizable');
  });

  test('a lost write takes effect at most once: its value cannot come back after being overwritten', () => {
    const history = [lostWrite(0, 0, 'a'), read(1, 1, 2, 'a'), write(1, 3, 4, 'b'), read(1, 5, 6, 'a')];
    assert.equal(verdictOf(history), 'not-linearizable');
  });

  test('a lost write cannot take effect before its call', () => {
    assert.equal(verdictOf([read(1, 0, 1, 'a'), lostWrite(0, 2, 'a')]), 'not-linearizable');
  });

  test('a timed-out read with a known return constrains nothing', () => {
    const timedOutRead = registerOp(1, 1, 2, { kind: 'read' }, undefined);
    assert.equal(verdictOf([write(0, 0, 1, 'a'), timedOutRead, read(0, 3, 4, 'a')]), 'linearizable');
  });

  test('a cas with an unknown outcome swaps only if it matched', () => {
    const lostCas = registerOp(2, 2, Infinity, { kind: 'cas', from: 'a', to: 'b' }, undefined);
    assert.equal(verdictOf([write(0, 0, 1, 'a'), lostCas, read(1, 5, 6, 'b')]), 'linearizable');
    assert.equal(verdictOf([write(0, 0, 1, 'c'), lostCas, read(1, 5, 6, 'b')]), 'not-linearizable');
  });
});

describe('the result', () => {
  test('a failure names the part, its operations and the longest linearizable prefix', () => {
    const history = [write(0, 0, 1, 'a'), write(0, 2, 3, 'b'), read(1, 4, 5, 'a')];
    const result = checkHistory(registerModel, history);
    assert.equal(result.verdict, 'not-linearizable');
    if (result.verdict !== 'not-linearizable') return;
    assert.equal(result.failing.key, '');
    assert.deepEqual(result.failing.operations, history);
    assert.deepEqual(result.failing.longestPrefix, [history[0], history[1]]);
    assert.match(describeFailingPart(registerModel, result.failing), /read\(\) -> a/);
  });

  test('a search that runs out of steps answers unknown, not a verdict', () => {
    // Eight concurrent writes and a read that no order explains: proving it takes many steps.
    const writes = Array.from({ length: 8 }, (_, i) => write(i, 0, 100, `v${i}`));
    const history = [...writes, read(9, 101, 102, 'nobody')];
    assert.equal(checkHistory(registerModel, history).verdict, 'not-linearizable');
    const bounded = checkHistory(registerModel, history, { stepsMax: 50 });
    assert.equal(bounded.verdict, 'unknown');
  });

  test('a malformed history is rejected', () => {
    assert.throws(() => checkHistory(registerModel, [write(0, 0, 5, 'a'), read(0, 3, 6, 'a')]), /before its previous operation returned/);
    assert.throws(() => checkHistory(registerModel, [read(0, 5, 4, null)]), /before its call/);
  });
});
