// Hostile input against a running 3-member cluster: thousands of seeded random and mutated
// requests (plus slowloris connections held open meanwhile) get only well-formed answers and
// crash or hang no member; raw malformed request heads are refused; a batch of requests that
// must be refused changes nothing on any member.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { Cluster } from '../../src/cluster/cluster.js';
import { runHttpFuzz, sendFuzzRequest } from '../../src/fuzz/http-fuzzer.js';
import { mustRejectRequests } from '../../src/fuzz/fuzz-requests.js';
import { MALFORMED_HEADS, rawExchange, slowHeaders } from '../../src/fuzz/socket-attacks.js';
import { getKey, putKey } from '../cluster/http-helpers.js';
import { convergedFingerprint } from './store-fingerprint.js';

const FAST = { heartbeatMs: 20, electionMs: 200, requestTimeoutMs: 3000 } as const;
const CI_REQUESTS = 15_000;

async function assertHealthy(cluster: Cluster): Promise<void> {
  const nodes = await cluster.nodes();
  assert.deepEqual(nodes.map((n) => [n.id, n.state, n.error]), cluster.ids.map((id) => [id, 'running', undefined]));
  for (const [i, endpoint] of cluster.endpoints.entries()) {
    assert.equal((await putKey(endpoint, `healthy/${i}`, 'ok')).status, 201, `a write through ${endpoint}`);
    assert.equal((await getKey(endpoint, `healthy/${i}`, true)).body.node?.value, 'ok');
  }
}

test(`${CI_REQUESTS} seeded hostile requests get well-formed answers; no member crashes, hangs or diverges`, { timeout: 120_000 }, async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  const { hostname, port } = new URL(cluster.endpoints[0]!);
  // Slowloris connections stay open (until the header timeout) while the fuzzer runs.
  const slowClients = Array.from({ length: 20 }, () => slowHeaders(hostname, Number(port), 500, 60_000));
  try {
    const report = await runHttpFuzz({ endpoints: cluster.endpoints, requests: CI_REQUESTS, seed: 20_261_120, concurrency: 16, answerTimeoutMs: 15_000 });
    console.log(`http fuzz: ${report.requests} requests in ${report.durationMs} ms (${report.requestsPerSecond}/s); statuses ${JSON.stringify(report.statusCounts)}`);
    assert.deepEqual(report.problems, []);
    assert.equal(report.requests, CI_REQUESTS);
    assert.ok(Object.keys(report.statusCounts).length >= 6, 'the requests reached many different answers');
    await assertHealthy(cluster);
    await convergedFingerprint(cluster.endpoints, 10_000);
  } finally {
    await cluster.stop();
  }
  for (const outcome of await Promise.all(slowClients)) {
    assert.notEqual(outcome.closedAfterMs, null, 'the server closed every slowloris connection');
    assert.ok(outcome.reply === '' || outcome.reply.startsWith('HTTP/1.1 408 '), `slowloris answer: ${outcome.reply.slice(0, 60)}`);
  }
});

test('malformed request heads on raw sockets are refused with a 4xx or a close, and the member serves on', { timeout: 60_000 }, async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  try {
    const { hostname, port } = new URL(cluster.endpoints[1]!);
    for (const head of MALFORMED_HEADS) {
      for (const halfClose of head.incomplete ? [true] : [false, true]) {
        const outcome = await rawExchange(hostname, Number(port), head.bytes, halfClose, 5000);
        const refused = /^HTTP\/1\.1 4\d\d /.test(outcome.reply) || (outcome.reply === '' && outcome.closedAfterMs !== null);
        assert.ok(refused, `${head.name} (FIN ${halfClose}): ${JSON.stringify(outcome.reply.slice(0, 80))}, closed after ${outcome.closedAfterMs} ms`);
        assert.notEqual(outcome.closedAfterMs, null, `${head.name} (FIN ${halfClose}): the server closed the connection`);
      }
    }
    await assertHealthy(cluster);
  } finally {
    await cluster.stop();
  }
});

test('requests that must be refused change nothing on any member (store and index)', { timeout: 60_000 }, async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  const agent = new Agent({ keepAlive: true });
  try {
    const leader = cluster.endpoint(await cluster.leader());
    assert.equal((await putKey(leader, 'reject/file', 'original')).status, 201);
    assert.equal((await putKey(leader, 'reject/dir/child', 'c')).status, 201);
    const before = await convergedFingerprint(cluster.endpoints, 5000);
    for (const [i, rejected] of mustRejectRequests().entries()) {
      const endpoint = cluster.endpoints[i % cluster.endpoints.length]!;
      const answer = await sendFuzzRequest(agent, endpoint, rejected, 10_000);
      assert.ok(answer.status >= 400 && answer.status < 500, `${rejected.kind}: status ${answer.status} ${answer.body.toString().slice(0, 120)}`);
    }
    // A write through Raft after the batch orders every refused proposal before the check.
    const after = await convergedFingerprint(cluster.endpoints, 5000);
    assert.equal(after, before);
    assert.equal((await getKey(leader, 'reject/file', true)).body.node?.value, 'original');
  } finally {
    agent.destroy();
    await cluster.stop();
  }
});
