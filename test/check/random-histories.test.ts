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

/**
 * Runs clients against a real register, each operation taking effect at a random point inside
 * its interval (or, once lost, maybe never), then corrupts an answer now and then.
 */
function randomHistory(prng: Prng, operationCount: number): RegisterOperation[] {
  const planned = Array.from({ length: operationCount }, () => {
    const clientId = prng.int(0, 3);
    return { clientId, input: randomInput(prng), lost: prng.chance(0.2), durationMs: prng.int(1, 8) };
  });
  const clientFreeAt = [0, 0, 0];
  const timed = planned.map((plan) => {
    const callTime = clientFreeAt[plan.clientId] + prng.int(0, 4);
    const returnTime = plan.lost ? Infinity : callTime + plan.durationMs;
    clientFreeAt[plan.clientId] = plan.lost ? callTime + 1 : returnTime + 1;
    const effectTime = plan.lost && prng.chance(0.3) ? Infinity : callTime + prng.next() * (plan.lost ? 20 : plan.durationMs);
    return { ...plan, callTime, returnTime, effectTime };
  });
  let state: RegisterState = null;
  const outputs = new Map<number, RegisterOutput>();
  const byEffect = timed.map((_, i) => i).sort((a, b) => timed[a].effectTime - timed[b].effectTime);
  for (const i of byEffect) {
    const output = trueOutput(state, timed[i].input);
    state = registerModel.step(state, timed[i].input, output) ?? state;
    outputs.set(i, prng.chance(0.15) ? corrupt(prng, output) : output);
  }
  return timed.map((t, i) => registerOp(t.clientId, t.callTime, t.returnTime, t.input, t.lost ? undefined : outputs.get(i)));
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
