// The admin HTTP API and the `raftyard up` / `raftyard fault` commands as a shell user drives
// them: one JSON line when ready, faults through the API, JSON errors, and recovery of the same
// cluster from its data directory after a SIGKILL; a member's WAL report.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { Cluster } from '../../src/cluster/cluster.js';
import { startAdminServer } from '../../src/cluster/admin-server.js';
import { LogLinearHistogram } from '../../src/util/log-linear-histogram.js';
import { eventually, getKey, putKey } from './http-helpers.js';
import { stopChildProcess } from '../../src/util/stop-child-process.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const FAST = { heartbeatMs: 20, electionMs: 200, requestTimeoutMs: 1500 } as const;

async function call(url: string, method: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('the admin API reports the cluster and injects faults; bad requests get JSON errors', async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  const admin = await startAdminServer(cluster);
  try {
    const report = await call(`${admin.url}/v1/cluster`, 'GET');
    assert.equal(report.status, 200);
    const nodes = report.json.nodes as { id: string; role: string; endpoint: string }[];
    assert.deepEqual(nodes.map((n) => n.id), ['n1', 'n2', 'n3']);
    const leader = report.json.leader as string;
    assert.ok(nodes.some((n) => n.id === leader && n.role === 'leader'));

    assert.equal((await call(`${admin.url}/v1/nodes/${leader}/kill`, 'POST', { loseUnsynced: true })).status, 200);
    await eventually(async () => {
      const now = await call(`${admin.url}/v1/cluster`, 'GET');
      return now.json.leader !== null && now.json.leader !== leader;
    }, 5000, 'a new leader');
    assert.equal((await call(`${admin.url}/v1/nodes/${leader}/restart`, 'POST')).status, 200);

    const link = await call(`${admin.url}/v1/links/n1/n2`, 'PUT', { delayMs: 15, jitterMs: 2 });
    assert.equal(link.status, 200);
    assert.deepEqual(link.json.config, { delayMs: 15, jitterMs: 2 });
    assert.equal((await call(`${admin.url}/v1/partition`, 'POST', { groups: [['n1'], ['n2', 'n3']] })).status, 200);
    assert.equal((await call(`${admin.url}/v1/heal`, 'POST')).status, 200);
    assert.equal((await call(`${admin.url}/v1/links`, 'DELETE')).status, 200);

    const badField = await call(`${admin.url}/v1/links/n1/n2`, 'PUT', { delay: 5 });
    assert.equal(badField.status, 400);
    assert.match(String(badField.json.message), /unknown link setting "delay"/);
    const badValue = await call(`${admin.url}/v1/links/n1/n2`, 'PUT', { loss: 2 });
    assert.equal(badValue.status, 400);
    assert.equal((await call(`${admin.url}/v1/nodes/n9/kill`, 'POST')).status, 404);
    assert.equal((await call(`${admin.url}/v1/nodes/n2/resume`, 'POST')).status, 409);
    assert.equal((await call(`${admin.url}/v1/partition`, 'POST', { groups: 'n1' })).status, 400);
    assert.equal((await call(`${admin.url}/v1/nope`, 'GET')).status, 404);
  } finally {
    await admin.close();
    await cluster.stop();
  }
});

function startUp(dataDir: string): { child: ChildProcess; ready: Promise<Record<string, unknown>> } {
  const child = spawn(process.execPath, [BIN, 'up', '--json', '--port', '0', '--admin-port', '0', '--data-dir', dataDir,
    '--heartbeat-ms', '20', '--election-ms', '200', '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as Record<string, unknown>));
    child.once('exit', (code) => reject(new Error(`raftyard up exited with ${code}`)));
  });
  return { child, ready };
}

test('a member\'s WAL report counts its flushes and times them, through the embedded API and the admin API', async () => {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  const admin = await startAdminServer(cluster);
  try {
    const leader = await cluster.leader();
    const follower = cluster.ids.find((id) => id !== leader)!;
    const before = await cluster.walReport(follower);
    for (let i = 0; i < 10; i++) await putKey(cluster.endpoint(leader), `wal-${i}`, 'v');
    // Either follower: the one on the commit path flushes each write before acknowledging it; the
    // leader sends the other its entries in batches (a few writes per flush, or all ten in one), so
    // what is waited for is all ten appended and at least one flush since.
    await eventually(
      async () => {
        const report = await cluster.walReport(follower);
        return report.entriesAppended - before.entriesAppended >= 10 && report.flushes > before.flushes;
      },
      5000,
      'the ten writes appended and flushed at the follower',
    );
    const after = await cluster.walReport(follower);
    const window = LogLinearHistogram.since(after.flushDurationsUs, before.flushDurationsUs);
    assert.equal(window.count, after.flushes - before.flushes, 'one timing per flush');
    assert.ok(window.percentile(50) > 0 && window.max < 10_000_000, `median ${window.percentile(50)} µs, max ${window.max} µs`);

    const viaAdmin = await call(`${admin.url}/v1/nodes/${follower}/wal`, 'GET');
    assert.equal(viaAdmin.status, 200);
    assert.equal(viaAdmin.json.node, follower);
    const summary = viaAdmin.json.flushDurationsMs as { count: number; p50: number; p99: number; max: number };
    assert.ok(summary.count >= after.flushes && summary.count === viaAdmin.json.flushes, `${summary.count} timed, ${String(viaAdmin.json.flushes)} flushes`);
    assert.ok(summary.p50 > 0 && summary.p50 <= summary.p99 && summary.p99 <= summary.max, JSON.stringify(summary));
    assert.equal((viaAdmin.json.flushDurationsUs as { count: number }).count, summary.count, 'the histogram itself, for windows');
    assert.equal((await call(`${admin.url}/v1/nodes/n9/wal`, 'GET')).status, 404);
    await cluster.kill(follower);
    assert.equal((await call(`${admin.url}/v1/nodes/${follower}/wal`, 'GET')).status, 409, 'a member that is down has no WAL to report');
  } finally {
    await admin.close();
    await cluster.stop();
  }
});

test('raftyard up --json prints one ready line, and after SIGKILL recovers the same cluster from its data directory', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'raftyard-up-'));
  try {
    const first = startUp(dataDir);
    const ready = await first.ready;
    assert.equal(ready.ready, true);
    const endpoints = ready.endpoints as string[];
    assert.equal(endpoints.length, 3);
    assert.match(String(ready.admin), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(['n1', 'n2', 'n3'].includes(String(ready.leader)));
    assert.equal((await putKey(endpoints[0]!, 'durable', 'yes')).status, 201);
    const faultExit = await new Promise<number | null>((resolve) => {
      const fault = spawn(process.execPath, [BIN, 'fault', '--admin', String(ready.admin), 'status'], { stdio: 'ignore' });
      fault.once('exit', resolve);
    });
    assert.equal(faultExit, 0);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = startUp(dataDir);
    const again = await second.ready;
    const members = (await (await fetch(`${(again.endpoints as string[])[1]}/v2/members`)).json()) as { members: { name: string }[] };
    assert.deepEqual(members.members.map((m) => m.name).sort(), ['n1', 'n2', 'n3']);
    await eventually(async () => (await getKey((again.endpoints as string[])[2]!, 'durable', true)).body.node?.value === 'yes', 5000, 'recovered data');
    await stopChildProcess(second.child);
    assert.equal(second.child.exitCode, 0, 'SIGTERM stops raftyard up cleanly');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
