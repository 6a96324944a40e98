// The chaos checks can fail: doctored histories with a stale read, a lost acknowledged write, or
// an answer given without a quorum are caught, and so are members that diverged; honest
// histories pass.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../../src/check/history.js';
import type { V2Input, V2Output } from '../../src/check/models/v2-key-model.js';
import { answersWithoutQuorum, judgeHistory } from '../../src/chaos/verdict.js';
import { divergedPair } from '../../src/chaos/convergence.js';
import type { TimedOperation } from '../../src/chaos/operation-log.js';

type V2Op = Operation<V2Input, V2Output>;

const set = (clientId: number, callTime: number, returnTime: number, value: string, index: number, previous: string | null): V2Op => ({
  clientId,
  callTime,
  returnTime,
  input: { kind: 'set', key: 'k', value },
  output: { errorCode: 0, modifiedIndex: index, previous },
});

const get = (clientId: number, callTime: number, returnTime: number, value: string, index: number): V2Op => ({
  clientId,
  callTime,
  returnTime,
  input: { kind: 'get', key: 'k' },
  output: { errorCode: 0, value, modifiedIndex: index },
});

/** Two clients write in turn; clients from 10 on are final readers. */
const RUN: V2Op[] = [set(0, 1, 2, 'a', 5, null), set(1, 3, 4, 'b', 6, 'a'), get(0, 5, 6, 'b', 6)];
const FINAL_READER = 10;

test('an honest history with a final read of the last write passes', () => {
  const verdict = judgeHistory([...RUN, get(FINAL_READER, 7, 8, 'b', 6)], FINAL_READER);
  assert.deepEqual(verdict.violations, []);
  assert.ok(verdict.stepsUsed > 0);
});

test('a stale read after a newer write completed is not linearizable', () => {
  const verdict = judgeHistory([...RUN, get(1, 7, 8, 'a', 5), get(FINAL_READER, 9, 10, 'b', 6)], FINAL_READER);
  assert.deepEqual(
    verdict.violations.map((v) => v.kind),
    ['not-linearizable'],
  );
  assert.match(verdict.violations[0]!.detail, /get\(k\) -> ok "a" @5/);
});

test('a final state that lost an acknowledged write is unexplained by the history', () => {
  const verdict = judgeHistory([...RUN, get(FINAL_READER, 7, 8, 'a', 5)], FINAL_READER);
  assert.deepEqual(
    verdict.violations.map((v) => v.kind),
    ['final-state-unexplained'],
  );
});

test('a final state whose index differs from the acknowledged one is unexplained too', () => {
  const verdict = judgeHistory([...RUN, get(FINAL_READER, 7, 8, 'b', 9)], FINAL_READER);
  assert.deepEqual(
    verdict.violations.map((v) => v.kind),
    ['final-state-unexplained'],
  );
});

test('a write whose answer was lost may explain the final state', () => {
  const lost: V2Op = { clientId: 2, callTime: 5, returnTime: Infinity, input: { kind: 'set', key: 'k', value: 'c' }, output: undefined };
  const verdict = judgeHistory([...RUN, lost, get(FINAL_READER, 7, 8, 'c', 8)], FINAL_READER);
  assert.deepEqual(verdict.violations, []);
});

test('definite answers to operations sent while the quorum was gone are violations', () => {
  const timed = (invokedAtMs: number, completedAtMs: number, output: V2Output): TimedOperation => ({
    clientId: 0,
    input: { kind: 'set', key: 'k', value: `v${invokedAtMs}` },
    output,
    invokedAtMs,
    completedAtMs,
  });
  const operations = [
    timed(1000, 1010, { errorCode: 0, modifiedIndex: 3 }), // sent just before the loss took hold: allowed
    timed(1300, 1400, { errorCode: 0, modifiedIndex: 4 }), // sent and answered inside: violation
    timed(1500, 1600, { errorCode: 101 }), // a failed compare needs a commit too: violation
    timed(1800, 2100, { errorCode: 0, modifiedIndex: 5 }), // answered after the quorum came back: allowed
  ];
  const windows = [{ lostAtMs: 1000, restoredAtMs: 2000, step: 'kill n1,n2' }];
  const violations = answersWithoutQuorum(operations, windows, 250);
  assert.equal(violations.length, 2);
  assert.ok(violations.every((v) => v.kind === 'answered-without-quorum'));
  assert.match(violations[0]!.detail, /v1300/);
  assert.match(violations[1]!.detail, /failed definitely \(101\)/);
});

test('two members at the same store index with different hashes have diverged', () => {
  const member = (id: string, storeIndex: number | null, storeHash: string | null) => ({ id, state: 'running', storeIndex, storeHash });
  assert.equal(divergedPair([member('n1', 7, 'aa'), member('n2', 6, 'bb'), member('n3', null, null)]), null);
  assert.match(divergedPair([member('n1', 7, 'aa'), member('n2', 7, 'bb')]) ?? '', /n1 and n2 both at store index 7/);
});
