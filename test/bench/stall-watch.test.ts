// The stall watch sees a process that the machine does not run: a child process stopped with
// SIGSTOP (every thread frozen at once, as a paused VM freezes them) reports one stall about as
// long as the stop; a child left running for as long reports none that long. A window's summary
// counts only the stalls that began inside it.

import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { combineStalls, STALL_MIN_MS, summarizeStalls, type Stall } from '../../src/bench/stall-watch.js';

const STALL_WATCH_MODULE = pathToFileURL(fileURLToPath(new URL('../../src/bench/stall-watch.js', import.meta.url))).href;
const FREEZE_MS = 300;
/** A child must answer within this; it is killed (and the test fails) otherwise. */
const CHILD_TIMEOUT_MS = 20_000;

/** The child: starts a watch, says "ready" once it runs, and prints its stalls when told to. */
const CHILD_SOURCE = `
import { StallWatch } from ${JSON.stringify(STALL_WATCH_MODULE)};
const watch = StallWatch.start();
// Listening first keeps the child alive (the watch thread does not).
process.stdin.once('data', async () => {
  const stalls = watch.stalls();
  await watch.stop();
  process.stdout.write(JSON.stringify({ stalls, nowEpochMs: Date.now() }) + '\\n');
  process.exit(0);
});
await watch.online;
await new Promise((resolve) => setTimeout(resolve, 50));
process.stdout.write('ready\\n');
`;

interface ChildReport {
  stalls: Stall[];
  nowEpochMs: number;
}

function lineFrom(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end < 0) return;
      child.stdout.off('data', onData);
      resolve(text.slice(0, end));
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before a whole line`)));
  });
}

/** Runs a child with a watch; `meanwhile` runs once it watches; resolves with what it saw. */
async function watchChild(meanwhile: (child: ChildProcessWithoutNullStreams) => Promise<void>): Promise<ChildReport & { fromEpochMs: number }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SOURCE], { stdio: ['pipe', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    assert.equal(await lineFrom(child), 'ready', stderr);
    const fromEpochMs = Date.now();
    await meanwhile(child);
    const report = lineFrom(child);
    child.stdin.write('report\n');
    return { ...(JSON.parse(await report) as ChildReport), fromEpochMs };
  } finally {
    clearTimeout(killer);
    child.kill('SIGKILL');
  }
}

test('a process frozen by SIGSTOP reports one stall about as long as the freeze', async () => {
  const report = await watchChild(async (child) => {
    child.kill('SIGSTOP');
    await sleep(FREEZE_MS);
    child.kill('SIGCONT');
    await sleep(50);
  });
  const frozen = report.stalls.filter((s) => s.lateMs >= FREEZE_MS / 2);
  assert.equal(frozen.length, 1, JSON.stringify(report.stalls));
  const [stall] = frozen;
  // The late wake was due during the freeze and came at its end: never longer than the freeze
  // plus generous scheduling slack, and not much shorter than it (one nap, then the wake-up).
  assert.ok(stall.lateMs >= FREEZE_MS - 50 && stall.lateMs <= FREEZE_MS + 1000, `stall of ${stall.lateMs} ms for a ${FREEZE_MS} ms freeze`);
  assert.ok(stall.dueAtEpochMs >= report.fromEpochMs - 10 && stall.dueAtEpochMs <= report.nowEpochMs, 'the stall began while the child was frozen');
  const summary = summarizeStalls(report.stalls, report.fromEpochMs - 10, report.nowEpochMs);
  assert.ok(summary.count >= 1 && summary.longestMs === Math.max(...report.stalls.map((s) => s.lateMs)));
});

test('a process left running as long reports no stall that long', async () => {
  const report = await watchChild(() => sleep(FREEZE_MS + 50));
  for (const stall of report.stalls) assert.ok(stall.lateMs >= STALL_MIN_MS && stall.lateMs < FREEZE_MS / 2, JSON.stringify(report.stalls));
});

test('a window counts the stalls that began inside it; windows combine into counts, total and the longest', () => {
  const stalls: Stall[] = [
    { dueAtEpochMs: 999, lateMs: 50 },
    { dueAtEpochMs: 1000, lateMs: 6 },
    { dueAtEpochMs: 1500, lateMs: 12 },
    { dueAtEpochMs: 2000, lateMs: 40 },
  ];
  assert.deepEqual(summarizeStalls(stalls, 1000, 2000), { count: 2, longestMs: 12, totalMs: 18 });
  assert.deepEqual(summarizeStalls(stalls, 3000, 4000), { count: 0, longestMs: 0, totalMs: 0 });
  assert.deepEqual(combineStalls([summarizeStalls(stalls, 1000, 2000), summarizeStalls(stalls, 0, 1000), summarizeStalls(stalls, 3000, 4000)]), {
    count: 3,
    longestMs: 50,
    totalMs: 68,
  });
  assert.deepEqual(combineStalls([]), { count: 0, longestMs: 0, totalMs: 0 });
});
