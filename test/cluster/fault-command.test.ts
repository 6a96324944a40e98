// `raftyard fault` against a stand-in admin API on loopback: each shell command becomes the
// admin request it names (every link setting, including burst loss, reaches the JSON body),
// and a command missing its arguments is refused before anything is sent.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { faultCommand } from '../../src/cli/fault-command.js';

const seen: Array<{ method: string; url: string; body: string }> = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, body });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const admin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => server.close());

function io() {
  const out: string[] = [];
  return { out, io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) }, env: {} } };
}

test('fault link sends every link setting given, burst loss included', async () => {
  const { io: cli } = io();
  const argv = ['--admin', admin, 'link', 'n1', 'n2', '--delay-ms', '40', '--loss', '0.1', '--loss-burst-length-mean', '3', '--distribution', 'normal', '--cut'];
  assert.equal(await faultCommand(argv, cli), 0);
  const request = seen.at(-1)!;
  assert.equal(request.method, 'PUT');
  assert.equal(request.url, '/v1/links/n1/n2');
  assert.deepEqual(JSON.parse(request.body), { delayMs: 40, loss: 0.1, lossBurstLengthMean: 3, distribution: 'normal', cut: true });
});

test('fault link accepts every numeric link flag and sends each as its number', async () => {
  const { io: cli } = io();
  const argv = ['--admin', admin, 'link', 'n2', 'n3', '--jitter-ms', '5', '--duplicate', '0.02', '--reorder', '0.3', '--bandwidth-bps', '1000000'];
  assert.equal(await faultCommand(argv, cli), 0);
  assert.deepEqual(JSON.parse(seen.at(-1)!.body), { jitterMs: 5, duplicate: 0.02, reorder: 0.3, bandwidthBps: 1_000_000 });
});

test('fault commands missing their arguments are refused without a request', async () => {
  const before = seen.length;
  const { out, io: cli } = io();
  assert.equal(await faultCommand(['--admin', admin, 'link', 'n1'], cli), 1);
  assert.match(out.join(''), /needs FROM and TO/);
  assert.equal(seen.length, before);
});
