// Whole-process crash durability: a `raftyard up` child process is SIGKILLed at seeded random
// moments while concurrent clients write, and restarted on the same data directory; and an
// in-process cluster suffers power cuts (every member killed at once, unsynced WAL bytes lost).
// After every recovery each acknowledged write must still be there (quorum reads).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashRounds, type CrashRoundOptions, type CrashRoundsReport } from '../../src/fuzz/crash-rounds.js';
import { ProcessTarget } from '../../src/fuzz/process-target.js';
import { PowerCutTarget } from '../../src/fuzz/power-cut-target.js';

const ROUNDS = { rounds: 10, readTimeoutMs: 10_000, clientCount: 4, keysPerClient: 12, requestTimeoutMs: 3000, largeValueChance: 0.1 };

function summary(what: string, report: CrashRoundsReport): string {
  const recovery = [...report.recoveryMs].sort((a, b) => a - b);
  return `${what}: ${report.rounds} crashes, ${report.writesAcked} writes acknowledged, ${report.writesUnknown} unknown, ` +
    `${report.keysVerified} key checks, recovery median ${recovery[recovery.length >> 1]} ms, max ${recovery.at(-1)} ms`;
}

async function withDataDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'raftyard-durability-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('SIGKILL of the whole raftyard process at random moments never loses an acknowledged write', { timeout: 120_000 }, async () => {
  await withDataDir(async (dataDir) => {
    const target = new ProcessTarget({ dataDir, nodes: 3, heartbeatMs: 20, electionMs: 200, startTimeoutMs: 30_000 });
    const options: CrashRoundOptions = { ...ROUNDS, seed: 7, crashDelayMsMin: 100, crashDelayMsMax: 600 };
    const report = await runCrashRounds(target, options);
    console.log(summary('process SIGKILL', report));
    assert.deepEqual(report.violations, []);
    assert.equal(report.rounds, 10);
    assert.ok(report.writesAcked >= 10, `the clients got writes through (${report.writesAcked} acknowledged)`);
    assert.ok(report.keysVerified > 0);
  });
});

test('power cuts on every member at once (unsynced WAL bytes lost) never lose an acknowledged write', { timeout: 120_000 }, async () => {
  await withDataDir(async (dataDir) => {
    const target = new PowerCutTarget({ nodes: 3, dataDir, heartbeatMs: 20, electionMs: 200, requestTimeoutMs: 1500 });
    const options: CrashRoundOptions = { ...ROUNDS, rounds: 12, seed: 11, crashDelayMsMin: 50, crashDelayMsMax: 400 };
    const report = await runCrashRounds(target, options);
    console.log(summary('power cut', report));
    assert.deepEqual(report.violations, []);
    assert.equal(report.rounds, 12);
    assert.ok(report.writesAcked >= 12, `the clients got writes through (${report.writesAcked} acknowledged)`);
  });
});
