// Cross-checks the search against the brute-force reference on many small random register
// histories (seeded, so any disagreement replays): overlapping calls, cas, reads, and writes
// and cas whose outcome was lost.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHistory } from '../../src/check/checker.js';
import type { NondeterministicModel } from '../../src/check/models/power-set.js';
import { registerModel, type RegisterInput, type RegisterOutput, type RegisterState } from '../../src/check/models/register-model.js';
import { Prng } from '../../src/util/prng.js';
import { bruteForceLinearizable } from './brute-force.js';
import { registerOp, type RegisterOperation } from './history-builders.js';
import { effectOrder, randomTimeline } from './random-timing.js';

const values = ['a', 'b', 'c'];

/** The register model seen as a nondeterministic one, as the reference checker expects. */
const registerAsNondeterministic: NondeterministicModel<RegisterState, RegisterInput, RegisterOutput> = {
  ...registerModel,
  stepAll(state, input, output) {
    const after = registerModel.step(state, input, output);
    return after === undefined ? [] : [after];
  },
  fingerprint: (state) => String(registerModel.fingerprint(state)),
};

function randomInput(prng: Prng): RegisterInput {
  const kind = prng.pick(['read', 'write', 'cas'] as const);
  if (kind === 'read') return { kind };
  if (kind === 'write') return { kind, value: prng.pick(values) };
  return { kind, from: prng.pick(values), to: prng.pick(values) };
}

/** What the operation really answered, had it taken effect in `state`. */
function trueOutput(state: RegisterState, input: RegisterInput): RegisterOutput {
  if (input.kind === 'read') return { kind: 'read', value: state };
  if (input.kind === 'write') return { kind: 'write' };
  return { kind: 'cas', swapped: state === input.from };
}

/** A wrong answer, to make some histories non-linearizable. */
function corrupt(prng: Prng, output: RegisterOutput): RegisterOutput {
  if (output.kind === 'read') return { kind: 'read', value: prng.pick([null, ...values]) };
  if (output.kind === 'cas') return { kind: 'cas', swapped: !output.swapped };
  return output;
}

/** Runs clients against a real register, then corrupts an answer now and then. */
function randomHistory(prng: Prng, operationCount: number): RegisterOperation[] {
  const slots = randomTimeline(prng, operationCount, 0.15, 0.1);
  const inputs = slots.map(() => randomInput(prng));
  const outputs = new Array<RegisterOutput>(slots.length);
  let state: RegisterState = null;
  for (const i of effectOrder(slots)) {
    if (slots[i].effectTime === Infinity) continue;
    const output = trueOutput(state, inputs[i]);
    const after = registerModel.step(state, inputs[i], output);
    if (after === undefined) throw new Error('the register model rejected a true answer');
    state = after;
    outputs[i] = prng.chance(0.15) ? corrupt(prng, output) : output;
  }
  return slots.map((slot, i) => registerOp(slot.clientId, slot.callTime, slot.returnTime, inputs[i], slot.answered ? outputs[i] : undefined));
}

test('the search agrees with the brute-force reference on 600 random histories', () => {
  const prng = new Prng(20_240_601);
  const verdictCounts = new Map<string, number>();
  for (let round = 0; round < 600; round++) {
    const history = randomHistory(prng, prng.int(2, 8));
    const expected = bruteForceLinearizable(registerAsNondeterministic, history) ? 'linearizable' : 'not-linearizable';
    const actual = checkHistory(registerModel, history).verdict;
    assert.equal(actual, expected, `round ${round}: ${JSON.stringify(history)}`);
    verdictCounts.set(actual, (verdictCounts.get(actual) ?? 0) + 1);
  }
  // Both verdicts must be well represented, or the comparison would prove little.
  assert.ok((verdictCounts.get('linearizable') ?? 0) > 150, JSON.stringify([...verdictCounts]));
  assert.ok((verdictCounts.get('not-linearizable') ?? 0) > 100, JSON.stringify([...verdictCounts]));
});
