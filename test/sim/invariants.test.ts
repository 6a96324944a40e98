// The safety checker must catch each kind of violation it claims to catch (and accept legal
// histories), otherwise a green simulation proves nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntryType, type Entry } from '../../src/raft/types.js';
import { ChainStateMachine } from './chain-state-machine.js';
import { InvariantChecker, type LogView } from './invariants.js';

function entry(index: number, term: number, text = ''): Entry {
  return { index, term, type: EntryType.Normal, data: new TextEncoder().encode(text) };
}

/** A log given as the terms of entries 1..n (entry i carries the text 'e<i>'). */
function logOf(...terms: number[]): LogView {
  return {
    firstIndex: 1,
    lastIndex: terms.length,
    termAt: (index) => (index === 0 ? 0 : terms[index - 1]),
    entryAt: (index) => (index >= 1 && index <= terms.length ? entry(index, terms[index - 1]!, `e${index}`) : undefined),
  };
}

/** A checker that has seen every entry of the `logs` handed out by a Ready. */
function checkerKnowing(...logs: LogView[]): InvariantChecker {
  const checker = new InvariantChecker();
  for (const log of logs) {
    const entries = Array.from({ length: log.lastIndex }, (_, k) => log.entryAt(k + 1)!);
    checker.observeEntriesWritten('n0', entries, log);
  }
  return checker;
}

test('election safety: two leaders in one term are caught, one leader seen twice is fine', () => {
  const checker = checkerKnowing(logOf(1, 2));
  checker.observeLeader('n1', 2, logOf(1, 2));
  checker.observeLeader('n1', 2, logOf(1, 2));
  checker.observeLeader('n2', 3, logOf(1, 2));
  assert.throws(() => checker.observeLeader('n3', 2, logOf(1, 2)), /election safety/);
});

test('log matching: different entries at one (index, term), or different predecessors, are caught', () => {
  const checker = new InvariantChecker();
  checker.observeEntriesWritten('n1', [entry(1, 1, 'a'), entry(2, 1, 'b')], logOf(1, 1));
  checker.observeEntriesWritten('n2', [entry(1, 1, 'a')], logOf(1));
  assert.throws(() => checker.observeEntriesWritten('n3', [entry(2, 1, 'x')], logOf(1, 1)), /log matching/);
  checker.observeEntriesWritten('n1', [entry(3, 3, 'c')], logOf(1, 1, 3));
  assert.throws(() => checker.observeEntriesWritten('n2', [entry(3, 3, 'c')], logOf(1, 2, 3)), /follows term 2/);
});

test('a new leader whose log holds an entry no Ready handed out, or a different one, is caught', () => {
  const checker = checkerKnowing(logOf(1, 1));
  assert.throws(() => checker.observeLeader('n1', 2, logOf(1, 1, 2)), /no Ready handed out/);
  const forged: LogView = { ...logOf(1, 1), entryAt: (index) => entry(index, 1, 'forged') };
  assert.throws(() => checker.observeLeader('n2', 3, forged), /different entries/);
});

test('committed entries never change, and a commit beyond the log is caught', () => {
  const checker = new InvariantChecker();
  checker.observeCommit('n1', 1, 0, 2, logOf(1, 1));
  checker.observeCommit('n2', 1, 0, 2, logOf(1, 1, 1));
  assert.throws(() => checker.observeCommit('n3', 2, 0, 2, logOf(1, 2)), /never change/);
  assert.throws(() => checker.observeCommit('n3', 2, 0, 4, logOf(1, 1)), /beyond its last index/);
  assert.equal(checker.highestCommitted, 2);
});

test('leader completeness: a new leader must hold every entry committed in an earlier term', () => {
  const checker = checkerKnowing(logOf(1, 1, 1, 2), logOf(1, 1, 2));
  checker.observeCommit('n1', 1, 0, 3, logOf(1, 1, 1));
  checker.observeLeader('n2', 2, logOf(1, 1, 1, 2));
  assert.throws(() => checker.observeLeader('n3', 3, logOf(1, 1)), /leader completeness/);
  assert.throws(() => checker.observeLeader('n4', 4, logOf(1, 1, 2)), /leader completeness/);
});

test('leader completeness ignores entries first seen committed in the new leader\'s own term or later', () => {
  const checker = checkerKnowing(logOf(4));
  checker.observeCommit('n1', 5, 0, 2, logOf(5, 5));
  // A stale leader of term 4 that won its votes before term 5 committed anything is legal.
  checker.observeLeader('n2', 4, logOf(4));
});

test('state-machine safety: two nodes applying different entries at one index are caught', () => {
  const checker = new InvariantChecker();
  const a = ChainStateMachine.empty();
  const b = ChainStateMachine.empty();
  a.apply(entry(1, 1, 'x'));
  b.apply(entry(1, 1, 'x'));
  checker.observeApplied('n1', entry(1, 1, 'x'), a.hash);
  checker.observeApplied('n2', entry(1, 1, 'x'), b.hash);
  assert.throws(() => checker.observeApplied('n3', entry(1, 2, 'y'), 0), /state machine safety/);
});

test('a write committed in a later term than its proposer was in is caught', () => {
  const checker = new InvariantChecker();
  checker.writeProposed('w1', 3);
  checker.writeProposed('w2', 3);
  checker.observeApplied('n1', entry(1, 3, 'w1'), 0);
  assert.throws(() => checker.observeApplied('n1', entry(2, 4, 'w2'), 0), /proposal term: write w2 proposed in term 3/);
  assert.throws(() => checker.writeProposed('w1', 5), /proposed twice/);
});

test('a snapshot whose state differs from what replicas reached at its index is caught', () => {
  const checker = new InvariantChecker();
  const machine = ChainStateMachine.empty();
  machine.apply(entry(1, 1, 'x'));
  checker.observeApplied('n1', entry(1, 1, 'x'), machine.hash);
  const image = ChainStateMachine.fromSnapshot(machine.snapshot());
  checker.observeSnapshotApplied('n2', 1, image.hash);
  assert.throws(() => checker.observeSnapshotApplied('n3', 1, image.hash ^ 1), /state machine safety/);
});

test('a read that starts after a write was acknowledged must not be served below that write', () => {
  const checker = new InvariantChecker();
  checker.readStarted('r1');
  checker.observeAcknowledged(7);
  checker.readStarted('r2');
  checker.readServed('n1', 'r1', 5);
  checker.readServed('n1', 'r2', 7);
  checker.readStarted('r3');
  assert.throws(() => checker.readServed('n2', 'r3', 6), /acknowledged at 7/);
  assert.throws(() => checker.readServed('n2', 'r-unknown', 9), /no client started/);
});

test('the chain state machine applies in order only, and its snapshot restores the same state', () => {
  const machine = ChainStateMachine.empty();
  machine.apply(entry(1, 1, 'a'));
  machine.apply(entry(2, 1, 'b'));
  assert.throws(() => machine.apply(entry(4, 1, 'd')), /in order/);
  const restored = ChainStateMachine.fromSnapshot(machine.snapshot());
  assert.equal(restored.appliedIndex, 2);
  assert.equal(restored.hash, machine.hash);
  const other = ChainStateMachine.empty();
  other.apply(entry(1, 1, 'a'));
  other.apply(entry(2, 2, 'b'));
  assert.notEqual(other.hash, machine.hash);
});
