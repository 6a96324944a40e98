// Regression for the first chaos finding: killing a member while its HTTP server parses client
// requests aborted the whole process (Node's "FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal"
// from worker.terminate() inside the HTTP parser's callback), within a handful of kills. Kills
// now freeze the thread first. If the bug comes back, this file's process dies and the run fails.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from '../../src/cluster/cluster.js';

const FAST = { heartbeatMs: 20, electionMs: 200, requestTimeoutMs: 1500 } as const;
const KILL_ROUNDS = 15;
const CLIENTS = 4;

async function writeUntil(endpoint: () => string, key: string, stopped: () => boolean): Promise<number> {
  let answered = 0;
  for (let i = 0; !stopped(); i++) {
    try {
      const res = await fetch(`${endpoint()}/v2/keys/${key}`, {
        method: 'PUT',
        body: new URLSearchParams({ value: `v${i}` }),
        signal: AbortSignal.timeout(2000),
      });
      await res.text();
      answered += 1;
    } catch {
      // The member is down: the next attempt finds it restarted.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  return answered;
}

test('killing and restarting a member again and again under client load never takes the process down', async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  let stopped = false;
  try {
    const target = cluster.ids.find((id) => id !== 'n1')!;
    const clients = Array.from({ length: CLIENTS }, (_, i) => writeUntil(() => cluster.endpoint(target), `load/${i}`, () => stopped));
    for (let round = 0; round < KILL_ROUNDS; round++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await cluster.kill(target, { loseUnsynced: round % 2 === 1 });
      await cluster.restart(target);
    }
    stopped = true;
    const answered = (await Promise.all(clients)).reduce((sum, n) => sum + n, 0);
    assert.ok(answered > KILL_ROUNDS, `clients got only ${answered} answers: the kills did not happen under load`);
    await cluster.waitWritable(10_000);
  } finally {
    stopped = true;
    await cluster.stop();
  }
});
