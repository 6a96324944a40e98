// Example: an integration suite on Node's built-in test runner that needs a real etcd v2
// cluster. One raftyard cluster for the whole file; each test talks to it over HTTP, like the
// code under test would, and injects faults through the embedded API.
//   npm run build && node --test dist/examples/node-test/cluster.test.js

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from 'raftyard';

let cluster: Cluster;

before(async () => {
  cluster = await Cluster.start({ nodes: 3, heartbeatMs: 20, electionMs: 200 });
});

after(async () => {
  await cluster.stop();
});

async function put(endpoint: string, key: string, value: string): Promise<number> {
  const res = await fetch(`${endpoint}/v2/keys/${key}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ value }),
  });
  await res.arrayBuffer();
  return res.status;
}

test('a value written through one member is read through another', async () => {
  assert.equal(await put(cluster.endpoints[0]!, 'config/feature', 'on'), 201);
  const res = await fetch(`${cluster.endpoints[2]}/v2/keys/config/feature?quorum=true`);
  const body = (await res.json()) as { node: { value: string } };
  assert.equal(body.node.value, 'on');
});

test('the service keeps working when the leader dies', async () => {
  const leader = await cluster.leader();
  await cluster.kill(leader);
  const survivor = cluster.ids.find((id) => id !== leader)!;
  assert.equal(await put(cluster.endpoint(survivor), 'config/after-failover', 'ok'), 201);
  await cluster.restart(leader);
});
