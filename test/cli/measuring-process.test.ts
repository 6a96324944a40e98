// A measuring command (`raftyard bench`) runs in a process started with --no-memory-reducer: the
// executable starts itself again with the flag when it was not given, passes exit codes on, and
// the bench records the flags its supervisor ran with.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NO_MEMORY_REDUCER_FLAG, relaunchArguments } from '../../src/cli/measuring-process.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

/** A run of the executable must end within this; it is killed (and the test fails) otherwise. */
const RUN_TIMEOUT_MS = 60_000;

/** Runs the executable with `args`; its exit code and output. */
function runBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') reject(new Error(`raftyard ${args.join(' ')} did not end within ${RUN_TIMEOUT_MS} ms; stderr: ${stderr}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

test('only a measuring command started without the flag is started again, with it first and everything else kept', () => {
  assert.deepEqual(relaunchArguments(['bench', '--clients', '4'], ['--enable-source-maps'], '/x/bin.js'), [
    NO_MEMORY_REDUCER_FLAG,
    '--enable-source-maps',
    '/x/bin.js',
    'bench',
    '--clients',
    '4',
  ]);
  assert.equal(relaunchArguments(['bench'], [NO_MEMORY_REDUCER_FLAG], '/x/bin.js'), null, 'already started with it');
  assert.equal(relaunchArguments(['up'], [], '/x/bin.js'), null, 'serving is not measuring');
  assert.equal(relaunchArguments([], [], '/x/bin.js'), null);
});

test('the started-again bench passes its output and exit codes on', async () => {
  const help = await runBin(['bench', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: raftyard bench/);
  const refused = await runBin(['bench', '--no-such-option']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr + refused.stdout, /no-such-option/);
});

test('a bench run records that its supervisor ran without the memory reducer', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'raftyard-measuring-'));
  try {
    const out = path.join(dir, 'run.json');
    const run = await runBin(['bench', '--target', 'embedded', '--duration', '300ms', '--warmup', '0s', '--no-progress', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(await fs.readFile(out, 'utf8')) as { environment: { nodeFlags: string[] } };
    assert.ok(result.environment.nodeFlags.includes(NO_MEMORY_REDUCER_FLAG), `flags: ${result.environment.nodeFlags.join(' ')}`);
    assert.match(await fs.readFile(path.join(dir, 'run.html'), 'utf8'), /node --no-memory-reducer/);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
