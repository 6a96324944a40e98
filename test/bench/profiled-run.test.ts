// `raftyard bench --cpu-prof DIR` on a real embedded 3-member cluster (compiled only: members are
// worker threads): every member thread and the generator thread is profiled over the measured
// window, each profile lands in DIR, the table says where each thread's time went, the run warns
// that profiling slowed it, and the JSON keeps the summaries, not the samples.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs } from '../../src/bench/parse-args.js';
import { registerEmbeddedTarget } from '../../src/bench/embedded-target.js';
import { formatTable } from '../../src/bench/report-table.js';
import { renderHtmlReport } from '../../src/bench/report-html.js';
import { runBench } from '../../src/bench/run-bench.js';

test('a profiled run writes one profile per member and generator thread and sums them up', async () => {
  registerEmbeddedTarget();
  const dir = await mkdtemp(join(tmpdir(), 'raftyard-profiled-'));
  try {
    const options = parseBenchArgs(['--target', 'embedded', '--send-to', 'leader', '--clients', '1', '--duration', '800ms', '--warmup', '200ms', '--no-progress', '--cpu-prof', dir]);
    const result = await runBench(options);
    const target = result.targets[0];
    assert.equal(target.total.errorsTotal, 0, JSON.stringify(target.total.errors));
    const threads = target.threads ?? [];
    assert.deepEqual(threads.map((t) => t.thread), ['n1', 'n2', 'n3', 'generator 1']);
    const leaders = threads.filter((t) => t.roles.includes('leader'));
    assert.equal(leaders.length, 1, JSON.stringify(threads.map((t) => [t.thread, t.roles])));
    assert.deepEqual(threads[3].roles, [], 'a generator has no role');
    for (const thread of threads) {
      assert.equal(thread.files.length, 1, 'one round, one profile');
      assert.ok(thread.profiledMs >= 500 && thread.profiledMs < 5_000, `${thread.thread} profiled for ${thread.profiledMs} ms of an 800 ms window`);
      assert.ok(thread.busyShare > 0 && thread.busyShare <= 1, `${thread.thread} busy ${thread.busyShare}`);
      assert.ok(thread.top.length > 0);
      const profile = JSON.parse(await readFile(thread.files[0], 'utf8'));
      assert.ok(Array.isArray(profile.nodes) && profile.samples.length > 0, `${thread.files[0]} is a profile`);
    }
    // The leader served every write: its profile holds the HTTP handler's code.
    const leaderProfile = await readFile(leaders[0].files[0], 'utf8');
    assert.match(leaderProfile, /keys-handler\.js/);
    assert.equal((await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).length, 4);
    const table = formatTable(result);
    assert.match(table, /where each thread's time went in the measured windows/);
    assert.match(table, new RegExp(`\\n  ${leaders[0].thread} \\(leader\\)\\s+[\\d.]+% busy, [\\d,]+ µs/op: `));
    assert.match(table, /profiles \(\.cpuprofile, for Chrome DevTools, VS Code or speedscope\) in /);
    assert.ok(result.warnings.some((w) => /profiled \(--cpu-prof\)/.test(w) && !/do not compare fairly/.test(w)), result.warnings.join('\n'));
    const html = renderHtmlReport(result);
    assert.match(html, /<h2>Threads<\/h2>/);
    assert.match(html, new RegExp(`<td>${leaders[0].thread} \\(leader\\)</td><td>\\d+%</td>`));
    assert.doesNotMatch(JSON.stringify(result), /"timeDeltas"/, 'the JSON result keeps summaries, not samples');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('without --cpu-prof nothing is profiled', async () => {
  registerEmbeddedTarget();
  const options = parseBenchArgs(['--target', 'embedded', '--nodes', '1', '--clients', '1', '--duration', '300ms', '--warmup', '0', '--no-progress']);
  const result = await runBench(options);
  assert.equal(result.targets[0].threads, undefined);
  assert.doesNotMatch(formatTable(result), /thread's time went/);
  assert.doesNotMatch(renderHtmlReport(result), /<h2>Threads<\/h2>/);
  assert.ok(!result.warnings.some((w) => /profiled/.test(w)));
});
