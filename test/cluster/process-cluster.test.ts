// Three `raftyard node` processes on loopback, talking over WebSockets, form a working cluster:
// the ws transport as it is used across processes (or hosts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeCommand } from '../../src/cli/node-command.js';
import { freePorts } from '../../src/cluster/free-port.js';
import { eventually, getKey, putKey } from './http-helpers.js';
import { stopChildProcess } from '../../src/util/stop-child-process.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

test('three raftyard node processes connected over ws elect a leader and replicate writes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'raftyard-proc-'));
  const ids = ['n1', 'n2', 'n3'];
  const ports = await freePorts(2 * ids.length);
  const peerPorts = ports.slice(0, ids.length);
  const clientPorts = ports.slice(ids.length);
  const clientUrls = ids.map((id, i) => `${id}=http://127.0.0.1:${clientPorts[i]}`).join(',');
  const children = ids.map((id, i) => {
    const peers = ids.filter((p) => p !== id).map((p) => `${p}=ws://127.0.0.1:${peerPorts[ids.indexOf(p)]}`).join(',');
    const args = [BIN, 'node', '--id', id, '--peers', peers, '--peer-port', String(peerPorts[i]), '--port', String(clientPorts[i]),
      '--data-dir', join(dir, id), '--client-urls', clientUrls, '--heartbeat-ms', '20', '--election-ms', '200', '--log-level', 'silent'];
    if (i === 0) args.push('--campaign');
    return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  });
  let stderr = '';
  for (const child of children) child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const endpoints = clientPorts.map((p) => `http://127.0.0.1:${p}`);
    await eventually(async () => (await putKey(endpoints[1]!, 'proc/a', 'A', 2000)).status === 201, 20_000, `a write (stderr: ${stderr})`);
    for (const endpoint of endpoints) {
      await eventually(async () => (await getKey(endpoint, 'proc/a')).body.node?.value === 'A', 5000, `replication to ${endpoint}`);
    }
    const members = (await (await fetch(`${endpoints[2]}/v2/members`)).json()) as { members: { name: string; clientURLs: string[] }[] };
    assert.deepEqual(members.members.map((m) => m.name).sort(), ids);
    assert.ok(members.members.every((m) => m.clientURLs.length === 1));
  } finally {
    await Promise.all(children.map((child) => stopChildProcess(child)));
    await rm(dir, { recursive: true, force: true });
  }
});

test('raftyard node refuses an election timeout shorter than two heartbeats, as the embedded cluster does', async () => {
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {} };
  const argv = ['--id', 'n1', '--peers', 'n2=ws://127.0.0.1:1', '--peer-port', '1', '--heartbeat-ms', '500', '--election-ms', '100'];
  await assert.rejects(nodeCommand(argv, io), /electionMs \(100\) must be at least twice heartbeatMs \(500\)/);
});
