// A chaos client's operations: reproducible from the seed, values unique across clients, every
// kind of operation present, and compares aimed at what the client last saw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientWorkload, chaosKeys } from '../../src/chaos/workload.js';
import type { V2Input } from '../../src/check/models/v2-key-model.js';

const KEYS = chaosKeys(3);
const take = (workload: ClientWorkload, count: number): V2Input[] => Array.from({ length: count }, () => workload.next());

test('the same seed and client give the same operations; another client differs', () => {
  assert.deepEqual(take(new ClientWorkload(0, 9, KEYS), 50), take(new ClientWorkload(0, 9, KEYS), 50));
  assert.notDeepEqual(take(new ClientWorkload(1, 9, KEYS), 50), take(new ClientWorkload(0, 9, KEYS), 50));
});

test('values written are unique across clients, and every kind of operation occurs', () => {
  const inputs = [0, 1, 2].flatMap((clientId) => take(new ClientWorkload(clientId, 3, KEYS), 400));
  const values = inputs.flatMap((input) => ('value' in input ? [input.value] : []));
  assert.equal(new Set(values).size, values.length);
  assert.deepEqual(
    [...new Set(inputs.map((input) => input.kind))].sort(),
    ['compareAndDelete', 'compareAndSwap', 'create', 'delete', 'get', 'set', 'update'],
  );
  assert.ok(inputs.every((input) => KEYS.includes(input.key)));
});

test('compares use the value and index the client last saw of the key', () => {
  const workload = new ClientWorkload(0, 11, ['k']);
  workload.observe({ kind: 'set', key: 'k', value: 'seen' }, { errorCode: 0, modifiedIndex: 42 });
  const compares = take(workload, 300).filter((input) => input.kind === 'compareAndSwap' || input.kind === 'compareAndDelete');
  assert.ok(compares.length > 0);
  for (const input of compares) {
    if (input.kind !== 'compareAndSwap' && input.kind !== 'compareAndDelete') continue;
    assert.ok(input.prevValue === 'seen' || input.prevIndex === 42, JSON.stringify(input));
    assert.ok(input.prevValue === undefined || input.prevValue === 'seen');
    assert.ok(input.prevIndex === undefined || input.prevIndex === 42);
  }
});
