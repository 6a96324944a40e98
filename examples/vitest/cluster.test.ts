// Example: the same kind of integration suite on Vitest. raftyard's workers run compiled
// JavaScript, so build first; Vitest itself runs this file from TypeScript.
//   npm run build && npx vitest run --root examples/vitest

import { afterAll, beforeAll, expect, test } from 'vitest';
import { Cluster } from 'raftyard';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.start({ nodes: 3, heartbeatMs: 20, electionMs: 200 });
});

afterAll(async () => {
  await cluster.stop();
});

test('compare-and-swap lets exactly one of two writers win', async () => {
  const endpoint = cluster.endpoints[0]!;
  const form = (fields: Record<string, string>) => ({
    method: 'PUT',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  expect((await fetch(`${endpoint}/v2/keys/lock`, form({ value: 'free' }))).status).toBe(201);
  const [a, b] = await Promise.all([
    fetch(`${endpoint}/v2/keys/lock`, form({ value: 'a', prevValue: 'free' })),
    fetch(`${cluster.endpoints[1]}/v2/keys/lock`, form({ value: 'b', prevValue: 'free' })),
  ]);
  expect([a.status, b.status].sort()).toEqual([200, 412]);
});

test('a partitioned minority cannot accept writes', async () => {
  const leader = await cluster.leader();
  await cluster.partition([[leader], cluster.ids.filter((id) => id !== leader)]);
  const res = await fetch(`${cluster.endpoint(leader)}/v2/keys/minority`, {
    method: 'PUT',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'value=x',
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(500);
  await cluster.heal();
}, 15_000);
