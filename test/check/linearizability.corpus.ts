// Validates the checker on real histories with known verdicts: Jepsen's etcd register logs
// and Porcupine's multi-key kv histories, from the shared corpus directory (env
// RAFTYARD_SHARED, default ../shared beside the repository). Prints how long the set took.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkHistory, describeFailingPart } from '../../src/check/checker.js';
import type { History } from '../../src/check/history.js';
import type { Model } from '../../src/check/model.js';
import { appendKvModel } from '../../src/check/models/append-kv-model.js';
import { registerModel } from '../../src/check/models/register-model.js';
import { parseJepsenLog } from './jepsen-log.js';
import { parseKvLog } from './kv-log.js';

/** The repository root: the nearest ancestor of this file holding package.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json above the corpus test');
    dir = parent;
  }
  return dir;
}

const corpusDir = join(resolve(repoRoot(), process.env.RAFTYARD_SHARED ?? '../shared'), 'linearizability');
const verdictWords = new Map([['linearizable', 'linearizable'], ['not-linearizable', 'not-linearizable']]);
const elapsedMsBySet = new Map<string, number>();

function readVerdicts(dir: string): [string, string][] {
  if (!existsSync(dir)) throw new Error(`corpus directory ${dir} is missing: set RAFTYARD_SHARED to the shared folder`);
  const verdicts = readFileSync(join(dir, 'VERDICTS'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line): [string, string] => {
      const [file, word] = line.trim().split(/\s+/);
      const verdict = verdictWords.get(word);
      if (verdict === undefined) throw new Error(`bad VERDICTS line: ${line}`);
      return [file, verdict];
    });
  const logs = readdirSync(dir).filter((name) => name !== 'VERDICTS' && name !== 'README.md');
  assert.deepEqual(verdicts.map(([file]) => file).sort(), logs.sort(), 'every log has exactly one verdict');
  return verdicts;
}

function checkSet<State, Input, Output>(
  set: string,
  model: Model<State, Input, Output>,
  parse: (text: string) => History<Input, Output>,
): void {
  const dir = join(corpusDir, set);
  describe(set, () => {
    for (const [file, expected] of readVerdicts(dir)) {
      test(`${file} is ${expected}`, () => {
        const history = parse(readFileSync(join(dir, file), 'utf8'));
        const startedMs = performance.now();
        const result = checkHistory(model, history, { timeoutMs: 30_000 });
        elapsedMsBySet.set(set, (elapsedMsBySet.get(set) ?? 0) + performance.now() - startedMs);
        const detail = result.verdict === 'not-linearizable' ? describeFailingPart(model, result.failing) : JSON.stringify(result);
        assert.equal(result.verdict, expected, detail);
      });
    }
  });
}

checkSet('jepsen-etcd', registerModel, parseJepsenLog);
checkSet('kv', appendKvModel, parseKvLog);

after(() => {
  const totalMs = [...elapsedMsBySet.values()].reduce((sum, ms) => sum + ms, 0);
  const perSet = [...elapsedMsBySet].map(([set, ms]) => `${set} ${ms.toFixed(0)} ms`).join(', ');
  console.log(`linearizability corpus checked in ${totalMs.toFixed(0)} ms (${perSet})`);
});
