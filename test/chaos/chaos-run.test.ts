// Whole chaos runs on real embedded clusters: three seeds whose schedules kill (with and without
// losing unsynced bytes), pause, partition and take the quorum away must end with no violation;
// and a deliberately broken run (gets served locally by a cut-off member) must be caught.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runChaos, type ChaosResult } from '../../src/chaos/run-chaos.js';
import { chaosMain } from '../../src/chaos/cli.js';
import { describeStep, planFaults, type FaultStep } from '../../src/chaos/fault-plan.js';

const DURATION_MS = 7000;

function assertCleanRun(result: ChaosResult): void {
  assert.deepEqual(result.violations, [], result.violations.map((v) => `[${v.kind}] ${v.detail}`).join('\n'));
  assert.equal(result.convergence?.verdict, 'identical');
  assert.ok(result.operations.ok >= 100, `only ${result.operations.ok} operations succeeded`);
  assert.ok(result.operations.failed > 0, 'no compare or create ever failed: the workload lacks contention');
  const injected = Object.values(result.faults.injected).reduce((sum, n) => sum + n, 0);
  assert.ok(injected >= 3, `only ${injected} faults were injected`);
}

test('seed 5, 3 nodes: a power-cut kill, then a frozen majority and a killed majority; nothing is lost', async () => {
  const result = await runChaos({ seed: 5, durationMs: DURATION_MS, nodes: 3 });
  assertCleanRun(result);
  assert.equal(result.faults.quorumLossWindows, 2);
  assert.equal(result.faults.injected['kill (lose unsynced)'], 1);
});

test('seed 8, 5 nodes: partitions, two-member power-cut kills, a frozen majority; nothing is lost', async () => {
  const result = await runChaos({ seed: 8, durationMs: DURATION_MS, nodes: 5 });
  assertCleanRun(result);
  assert.equal(result.faults.quorumLossWindows, 1);
});

test('seed 1 through the CLI: the JSON result prints the schedule the seed plans and exits 0', async () => {
  const out: string[] = [];
  const code = await chaosMain(['--seed', '1', '--duration-ms', String(DURATION_MS), '--json'], { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => {} } });
  const result = JSON.parse(out.join('')) as ChaosResult;
  assert.equal(code, 0, JSON.stringify(result.violations));
  assertCleanRun(result);
  assert.deepEqual(result.schedule, planFaults(1, DURATION_MS, ['n1', 'n2', 'n3']).map(describeStep));
});

test('a broken run whose gets are local reads on a cut-off member is reported as not linearizable', async () => {
  const cutOffN3: FaultStep = { atMs: 200, holdMs: 3000, fault: { kind: 'partition', groups: [['n3'], ['n1', 'n2']] }, quorumLost: false };
  const result = await runChaos({
    seed: 3,
    durationMs: 3500,
    clients: 9,
    // Writes on n3 fail fast, so its clients spend the partition mostly reading. Three keys keep
    // each key's share of those never-answered writes small, and so the checker's refutation quick.
    keys: 3,
    requestTimeoutMs: 400,
    quorumReads: false,
    plan: [cutOffN3],
  });
  const kinds = result.violations.map((v) => v.kind);
  assert.ok(kinds.includes('not-linearizable'), `violations: ${kinds.join(', ') || 'none'}; ${JSON.stringify(result.operations)}`);
  assert.equal(result.convergence?.verdict, 'identical');
});
