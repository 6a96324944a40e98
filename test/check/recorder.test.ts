// The history recorder: logical times, unknown outcomes, and the misuse it refuses.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHistory } from '../../src/check/checker.js';
import { registerModel, type RegisterInput, type RegisterOutput } from '../../src/check/models/register-model.js';
import { HistoryRecorder } from '../../src/check/recorder.js';

const newRecorder = (operationsMax?: number) => new HistoryRecorder<RegisterInput, RegisterOutput>(operationsMax);

test('recorded operations carry ordered times and their outputs', () => {
  const recorder = newRecorder();
  const writing = recorder.invoke(0, { kind: 'write', value: 'a' });
  const reading = recorder.invoke(1, { kind: 'read' });
  recorder.complete(reading, { kind: 'read', value: null });
  recorder.complete(writing, { kind: 'write' });
  const [write, read] = recorder.history();
  assert.deepEqual([write.callTime, read.callTime, read.returnTime, write.returnTime], [1, 2, 3, 4]);
  assert.deepEqual(read.output, { kind: 'read', value: null });
  assert.equal(checkHistory(registerModel, recorder.history()).verdict, 'linearizable');
});

test('an unknown outcome stays open forever and frees its client', () => {
  const recorder = newRecorder();
  recorder.unknown(recorder.invoke(0, { kind: 'write', value: 'a' }));
  recorder.complete(recorder.invoke(0, { kind: 'read' }), { kind: 'read', value: 'a' });
  const [lost, read] = recorder.history();
  assert.equal(lost.returnTime, Infinity);
  assert.equal(lost.output, undefined);
  assert.equal(read.output?.kind, 'read');
  assert.equal(checkHistory(registerModel, recorder.history()).verdict, 'linearizable');
});

test('calls still in flight count as unknown', () => {
  const recorder = newRecorder();
  recorder.invoke(0, { kind: 'write', value: 'a' });
  assert.equal(recorder.history()[0].returnTime, Infinity);
});

test('misuse is refused', () => {
  const recorder = newRecorder(2);
  const call = recorder.invoke(0, { kind: 'read' });
  assert.throws(() => recorder.invoke(0, { kind: 'read' }), /another is outstanding/);
  recorder.complete(call, { kind: 'read', value: null });
  assert.throws(() => recorder.complete(call, { kind: 'read', value: null }), /not outstanding/);
  recorder.invoke(1, { kind: 'read' });
  assert.throws(() => recorder.invoke(2, { kind: 'read' }), /history is full/);
});
