// Behaviour of the API server that real etcd cannot be asked about in the differential suite:
// timeouts without quorum, health without a leader, the request size bound, watch limits and
// cleanup on disconnect, garbage requests, and etcd's spelling of ids.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../src/api/index.js';
import { FakeBackend } from './fake-backend.js';
import { probe, probeOpen } from './http-probe.js';

describe('API server', () => {
  let backend: FakeBackend;
  let server: ApiServer;

  async function start(options: ApiServerOptions = {}): Promise<void> {
    backend = new FakeBackend();
    server = await startApiServer(backend, { requestTimeoutMs: 200, ...options });
    backend.setClientUrl(server.url);
  }

  beforeEach(() => start());
  afterEach(async () => {
    backend.stop();
    await server.close();
  });

  it('fails writes and quorum reads with error 300 after the request timeout when there is no quorum', async () => {
    backend.hasQuorum = false;
    const startedMs = Date.now();
    const write = await probe(server.url, { method: 'PUT', target: '/v2/keys/a', form: { value: '1' } });
    assert.ok(Date.now() - startedMs >= 190, 'the write must wait for the timeout');
    assert.equal(write.status, 500);
    assert.deepEqual(JSON.parse(write.body), { errorCode: 300, message: 'Raft Internal Error', cause: 'etcdserver: request timed out', index: 0 });
    const read = await probe(server.url, { method: 'GET', target: '/v2/keys/a?quorum=true' });
    assert.equal(read.status, 500);
    const local = await probe(server.url, { method: 'GET', target: '/v2/keys/a' });
    assert.equal(local.status, 404, 'a plain GET is served locally without Raft');
  });

  it('reports health only with a leader and a working quorum read', async () => {
    assert.deepEqual(await probe(server.url, { method: 'GET', target: '/health' }).then((a) => [a.status, a.body]), [200, '{"health":"true"}']);
    backend.hasLeader = false;
    assert.deepEqual(await probe(server.url, { method: 'GET', target: '/health' }).then((a) => [a.status, a.body]), [503, '{"health":"false"}\n']);
    const leader = await probe(server.url, { method: 'GET', target: '/v2/members/leader' });
    assert.deepEqual([leader.status, leader.body], [503, '{"message":"During election"}']);
    const stats = await probe(server.url, { method: 'GET', target: '/v2/stats/leader' });
    assert.deepEqual([stats.status, stats.body], [403, '{"message":"not current leader"}']);
  });

  it('refuses a body over maxRequestBytes and changes nothing', async () => {
    await server.close();
    backend.stop();
    await start({ maxRequestBytes: 1024 });
    const answer = await probe(server.url, { method: 'PUT', target: '/v2/keys/big', form: { value: 'x'.repeat(2000) } });
    assert.equal(answer.status, 413);
    assert.equal((JSON.parse(answer.body) as { cause: string }).cause, 'etcdserver: request is too large');
    assert.equal(backend.store.index, 0);
    const small = await probe(server.url, { method: 'PUT', target: '/v2/keys/small', form: { value: 'x'.repeat(900) } });
    assert.equal(small.status, 201);
    // Without a Content-Length the limit is found while the body streams in, chunk by chunk.
    const chunk = 'x'.repeat(600);
    const streamed = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write('PUT /v2/keys/streamed HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n');
        socket.write(`${(6 + chunk.length).toString(16)}\r\nvalue=${chunk}\r\n`);
        socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (data) => (text += data.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    assert.match(streamed, /^HTTP\/1\.1 413/);
    assert.equal(backend.store.index, 1);
  });

  it('sends watch headers before the event and removes the watcher when the client leaves', async () => {
    await probe(server.url, { method: 'PUT', target: '/v2/keys/w', form: { value: '0' } });
    const watch = await probeOpen(server.url, { method: 'GET', target: '/v2/keys/w?wait=true' });
    assert.equal(watch.status, 200);
    assert.equal(watch.headers['x-etcd-index'], '1');
    assert.equal(backend.store.watcherCount, 1);
    watch.close();
    const watchers = (): number => backend.store.watcherCount;
    for (let i = 0; i < 50 && watchers() !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(watchers(), 0);
  });

  it('answers every watch on a key with the same body for one write, TTL as of the write', async () => {
    const plain = await probeOpen(server.url, { method: 'GET', target: '/v2/keys/t?wait=true' });
    const stream = await probeOpen(server.url, { method: 'GET', target: '/v2/keys/t?wait=true&stream=true' });
    const recursive = await probeOpen(server.url, { method: 'GET', target: '/v2/keys/?wait=true&recursive=true' });
    await probe(server.url, { method: 'PUT', target: '/v2/keys/t', form: { value: 'v', ttl: '100' } });
    const bodies = await Promise.all([plain, stream, recursive].map(async (watch) => (await watch.lines(1))[0]));
    const event = JSON.parse(bodies[0] as string) as { action: string; node: { key: string; value: string; ttl: number } };
    assert.equal(event.action, 'set');
    assert.deepEqual([event.node.key, event.node.value, event.node.ttl], ['/t', 'v', 100]);
    assert.equal(bodies[1], bodies[0]);
    assert.equal(bodies[2], bodies[0]);
    for (const watch of [plain, stream, recursive]) watch.close();
  });

  it('bounds open watches and refuses the one beyond with error 300', async () => {
    await server.close();
    backend.stop();
    await start({ watchesMax: 1 });
    const first = await probeOpen(server.url, { method: 'GET', target: '/v2/keys/w?wait=true' });
    const second = await probe(server.url, { method: 'GET', target: '/v2/keys/w?wait=true' });
    assert.equal(second.status, 500);
    assert.match(second.body, /too many watches/);
    await probe(server.url, { method: 'PUT', target: '/v2/keys/w', form: { value: '1' } });
    const [event] = await first.lines(1);
    assert.equal((JSON.parse(event as string) as { action: string }).action, 'set');
    first.close();
  });

  it('survives garbage: bad escapes, bad methods, broken request lines', async () => {
    const badEscape = await probe(server.url, { method: 'GET', target: '/v2/keys/%zz' });
    assert.equal(badEscape.status, 400);
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.end('NONSENSE\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    assert.match(raw, /^HTTP\/1\.1 400/);
    const after = await probe(server.url, { method: 'PUT', target: '/v2/keys/ok', form: { value: 'still here' } });
    assert.equal(after.status, 201);
  });

  it('spells ids as etcd does: hex without leading zeros, members sorted by id', async () => {
    const members = await probe(server.url, { method: 'GET', target: '/v2/members' });
    assert.equal(members.headers['x-etcd-cluster-id'], 'a1b2c3d4e5f6071');
    assert.equal(members.body, `{"members":[{"id":"f1e2d3c4b5a697","name":"fake1","peerURLs":["http://127.0.0.1:2380"],"clientURLs":["${server.url}"]}]}\n`);
    const machines = await probe(server.url, { method: 'GET', target: '/v2/machines' });
    assert.equal(machines.body, server.url);
  });
});
