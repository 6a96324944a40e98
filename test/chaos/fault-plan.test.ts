// The chaos schedule is a function of the seed alone, keeps every episode inside the run,
// takes down only a minority except in deliberate quorum losses, and those come late.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeStep, faultCategory, planFaults, type Fault, type FaultStep } from '../../src/chaos/fault-plan.js';

const THREE = ['n1', 'n2', 'n3'];
const FIVE = ['n1', 'n2', 'n3', 'n4', 'n5'];
const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

/** Members a fault takes away from the majority side (down, frozen or cut off). */
function membersLost(fault: Fault, size: number): number {
  switch (fault.kind) {
    case 'kill':
    case 'pause':
      return fault.nodes.length;
    case 'partition':
      return fault.groups.length === 2 ? Math.min(...fault.groups.map((g) => g.length)) : size;
    case 'isolate-leader':
    case 'one-way':
      return 1;
    default:
      return 0;
  }
}

test('the same seed gives the same schedule, and other seeds other schedules', () => {
  const first = planFaults(42, 20_000, THREE).map(describeStep);
  assert.deepEqual(planFaults(42, 20_000, THREE).map(describeStep), first);
  assert.notDeepEqual(planFaults(43, 20_000, THREE).map(describeStep), first);
});

test('episodes follow one another without overlap and all end inside the run', () => {
  for (const seed of SEEDS) {
    const steps = planFaults(seed, 10_000, FIVE);
    assert.ok(steps.length > 0, `seed ${seed} planned nothing`);
    let previousEndMs = 0;
    for (const step of steps) {
      assert.ok(step.atMs >= previousEndMs, `seed ${seed}: ${describeStep(step)} overlaps the previous episode`);
      previousEndMs = step.atMs + step.holdMs;
      assert.ok(previousEndMs <= 10_000, `seed ${seed}: ${describeStep(step)} ends after the run`);
    }
  }
});

test('only quorum-loss episodes take down a majority, and they come after the first 30% of the run', () => {
  for (const ids of [THREE, FIVE]) {
    const majority = Math.floor(ids.length / 2) + 1;
    const all: FaultStep[] = SEEDS.flatMap((seed) => planFaults(seed, 20_000, ids));
    for (const step of all) {
      const lost = membersLost(step.fault, ids.length);
      if (step.quorumLost) {
        assert.ok(lost >= majority, `${describeStep(step)} is marked as a quorum loss but takes only ${lost}`);
        assert.ok(step.atMs >= 6000, `${describeStep(step)} loses the quorum too early`);
      } else {
        assert.ok(lost < majority, `${describeStep(step)} takes down a majority without being marked`);
      }
    }
    assert.ok(all.some((s) => s.quorumLost), `no seed loses the quorum on ${ids.length} nodes`);
  }
});

test('a sweep of seeds covers every kind of fault', () => {
  const categories = new Set(SEEDS.flatMap((seed) => planFaults(seed, 20_000, FIVE)).map((s) => faultCategory(s.fault)));
  const expected = [
    'kill',
    'kill (lose unsynced)',
    'pause',
    'partition (minority)',
    'partition (everyone alone)',
    'isolate-leader',
    'one-way cut (from-leader)',
    'one-way cut (to-leader)',
    'link-delay',
    'link-loss',
    'transfer-leader',
  ];
  assert.deepEqual([...categories].sort(), expected.sort());
});

test('planning refuses a cluster too small to keep a quorum through a fault', () => {
  assert.throws(() => planFaults(1, 10_000, ['n1', 'n2']), /at least 3 members/);
});
