// Cross-checks the search over the power-set v2 key model against the brute-force reference
// on seeded random histories, produced by a small simulated etcd key (global index, error
// codes, lost answers). Uncorrupted histories must be linearizable: the model accepts what a
// real key does, including compares against indexes nobody saw.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHistory } from '../../src/check/checker.js';
import { powerSetModel } from '../../src/check/models/power-set.js';
import { v2KeyModel, type V2Input, type V2Output } from '../../src/check/models/v2-key-model.js';
import { Prng } from '../../src/util/prng.js';
import { bruteForceLinearizable } from './brute-force.js';
import { op } from './history-builders.js';
import { effectOrder, randomTimeline } from './random-timing.js';

const key = '/k';
const values = ['a', 'b'];
const v2Op = op<V2Input, V2Output>;

/** A real key in a store whose index other keys' writes also advance. */
interface SimulatedKey {
  value: string | null;
  modifiedIndex: number;
  storeIndex: number;
}

function randomInput(prng: Prng): V2Input {
  const kind = prng.pick(['get', 'set', 'create', 'update', 'compareAndSwap', 'compareAndDelete', 'delete'] as const);
  if (kind === 'get' || kind === 'delete') return { kind, key };
  if (kind === 'set' || kind === 'create' || kind === 'update') return { kind, key, value: prng.pick(values) };
  const compare = prng.chance(0.5) ? { prevIndex: prng.int(1, 6) } : { prevValue: prng.pick(values) };
  if (kind === 'compareAndDelete') return { kind, key, ...compare };
  return { kind, key, value: prng.pick(values), ...compare };
}

/** Applies `input` to the simulated key and returns etcd's answer. */
function apply(sim: SimulatedKey, input: V2Input, prng: Prng): V2Output {
  const exists = sim.value !== null;
  if (input.kind === 'get') return exists ? { errorCode: 0, value: sim.value ?? '', modifiedIndex: sim.modifiedIndex } : { errorCode: 100 };
  if (input.kind === 'create' && exists) return { errorCode: 105 };
  const needsKey = input.kind !== 'set' && input.kind !== 'create';
  if (needsKey && !exists) return { errorCode: 100 };
  if (input.kind === 'compareAndSwap' || input.kind === 'compareAndDelete') {
    const valueMatches = input.prevValue === undefined || input.prevValue === sim.value;
    const indexMatches = input.prevIndex === undefined || input.prevIndex === sim.modifiedIndex;
    if (!valueMatches || !indexMatches) return { errorCode: 101 };
  }
  const previous = sim.value;
  sim.storeIndex += prng.int(1, 3);
  const removes = input.kind === 'delete' || input.kind === 'compareAndDelete';
  sim.value = removes ? null : input.value;
  sim.modifiedIndex = sim.storeIndex;
  return { errorCode: 0, modifiedIndex: removes ? undefined : sim.storeIndex, previous };
}

/** Drops what a recorder might not keep, and now and then lies. */
function distort(prng: Prng, output: V2Output): { output: V2Output; corrupted: boolean } {
  if (output.errorCode !== 0) return prng.chance(0.1) ? { output: { errorCode: 0, value: 'a' }, corrupted: true } : { output, corrupted: false };
  const kept: V2Output = {
    errorCode: 0,
    value: output.value,
    modifiedIndex: prng.chance(0.5) ? output.modifiedIndex : undefined,
    previous: prng.chance(0.5) ? output.previous : undefined,
  };
  if (!prng.chance(0.1)) return { output: kept, corrupted: false };
  if (kept.value !== undefined) return { output: { ...kept, value: kept.value === 'a' ? 'b' : 'a' }, corrupted: true };
  return { output: { errorCode: 101 }, corrupted: true };
}

function randomHistory(prng: Prng, operationCount: number) {
  const slots = randomTimeline(prng, operationCount, 0.15, 0.25);
  const inputs = slots.map(() => randomInput(prng));
  const outputs = new Array<V2Output | undefined>(slots.length);
  const sim: SimulatedKey = { value: null, modifiedIndex: 0, storeIndex: 1 };
  let corrupted = false;
  for (const i of effectOrder(slots)) {
    if (slots[i].effectTime === Infinity) continue;
    const distorted = distort(prng, apply(sim, inputs[i], prng));
    corrupted ||= distorted.corrupted && slots[i].answered;
    outputs[i] = distorted.output;
  }
  const history = slots.map((slot, i) => v2Op(slot.clientId, slot.callTime, slot.returnTime, inputs[i], slot.answered ? outputs[i] : undefined));
  return { history, corrupted };
}

test('the v2 search agrees with the brute-force reference on 400 random histories', () => {
  const prng = new Prng(20_240_602);
  const model = powerSetModel(v2KeyModel);
  const verdictCounts = new Map<string, number>();
  for (let round = 0; round < 400; round++) {
    const { history, corrupted } = randomHistory(prng, prng.int(2, 8));
    const expected = bruteForceLinearizable(v2KeyModel, history) ? 'linearizable' : 'not-linearizable';
    const actual = checkHistory(model, history).verdict;
    assert.equal(actual, expected, `round ${round}: ${JSON.stringify(history)}`);
    if (!corrupted) assert.equal(actual, 'linearizable', `round ${round}: a true history was refused: ${JSON.stringify(history)}`);
    verdictCounts.set(actual, (verdictCounts.get(actual) ?? 0) + 1);
  }
  assert.ok((verdictCounts.get('linearizable') ?? 0) > 100, JSON.stringify([...verdictCounts]));
  assert.ok((verdictCounts.get('not-linearizable') ?? 0) > 50, JSON.stringify([...verdictCounts]));
});
