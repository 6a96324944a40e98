// The benchmark's HTTP/1.1 connection against real servers on 127.0.0.1: bodies framed by length
// or chunks, one TCP connection reused for many requests, reconnection after the server closes,
// the whole-exchange deadline, refused connections, error answers, and answers split byte by byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { V2Connection } from '../../src/bench/v2-connection.js';

const TIMEOUT_MS = 5_000;
const NOT_FOUND_BODY = '{"errorCode":100,"message":"Key not found","cause":"/missing","index":3}\n';

interface TestServer {
  endpoint: string;
  /** TCP connections accepted so far. */
  connections(): number;
  server: Server;
}

/** Routes: /echo answers what it received, /chunked streams pieces, /missing is an etcd 404, /close closes, /slow waits, /hang never answers. */
function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://test');
  if (url.pathname === '/echo') {
    const echo = JSON.stringify({ method: req.method, url: req.url, contentType: req.headers['content-type'] ?? null, host: req.headers.host, body });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(echo) }).end(echo);
  } else if (url.pathname === '/chunked') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first,');
    setTimeout(() => res.end('second'), 5);
  } else if (url.pathname === '/missing') {
    res.writeHead(404, { 'content-type': 'application/json' }).end(NOT_FOUND_BODY);
  } else if (url.pathname === '/close') {
    res.writeHead(200, { connection: 'close', 'content-length': 6 }).end('closed');
  } else if (url.pathname === '/slow') {
    setTimeout(() => res.writeHead(200, { 'content-length': 4 }).end('slow'), Number(url.searchParams.get('ms')));
  } else if (url.pathname === '/empty') {
    res.writeHead(204).end();
  } else if (url.pathname !== '/hang') {
    res.writeHead(500).end('unknown test route');
  }
}

async function withServer(run: (server: TestServer) => Promise<void>): Promise<void> {
  let connections = 0;
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => route(req, res, body));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await run({ endpoint: `http://127.0.0.1:${port}`, connections: () => connections, server });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A raw TCP server that answers every request with `answer`, whole or one byte per event-loop turn. */
async function withRawServer(answer: string, byteByByte: boolean, run: (endpoint: string, connections: () => number) => Promise<void>): Promise<void> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const write = async (socket: Socket): Promise<void> => {
    if (!byteByByte) return void socket.write(answer);
    for (const byte of Buffer.from(answer)) {
      if (socket.destroyed) return;
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const server: TcpServer = createTcpServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('data', (request) => (request.includes('\r\n\r\n') ? void write(socket) : undefined));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => connections);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

test('a form PUT arrives with its headers and body; keepBody decides whether a success body comes back', async () => {
  await withServer(async ({ endpoint }) => {
    const connection = new V2Connection(endpoint, TIMEOUT_MS);
    const kept = await connection.send('PUT', '/echo?prevIndex=3', 'value=a%20b', true);
    assert.equal(kept.ok, true);
    const echo = JSON.parse(kept.ok ? kept.body : '{}') as Record<string, unknown>;
    assert.deepEqual(echo, { method: 'PUT', url: '/echo?prevIndex=3', contentType: 'application/x-www-form-urlencoded', host: endpoint.slice(7), body: 'value=a%20b' });
    assert.deepEqual(await connection.send('GET', '/echo'), { ok: true, status: 200, body: '' });
    connection.close();
  });
});

test('chunked bodies and bodyless 204 answers are read', async () => {
  await withServer(async ({ endpoint }) => {
    const connection = new V2Connection(endpoint, TIMEOUT_MS);
    assert.deepEqual(await connection.send('GET', '/chunked', undefined, true), { ok: true, status: 200, body: 'first,second' });
    assert.deepEqual(await connection.send('DELETE', '/empty', undefined, true), { ok: true, status: 204, body: '' });
    assert.deepEqual(await connection.send('GET', '/chunked', undefined, true), { ok: true, status: 200, body: 'first,second' });
    connection.close();
  });
});

test('non-2xx answers carry status, body and the etcd error kind, with or without keepBody', async () => {
  await withServer(async ({ endpoint }) => {
    const connection = new V2Connection(endpoint, TIMEOUT_MS);
    const expected = { ok: false, errorKind: 'HTTP 404 etcd 100 Key not found', etcdErrorCode: 100, status: 404, body: NOT_FOUND_BODY };
    assert.deepEqual(await connection.send('GET', '/missing'), expected);
    assert.deepEqual(await connection.send('GET', '/missing', undefined, true), expected);
    assert.deepEqual(await connection.send('GET', '/nowhere'), { ok: false, errorKind: 'HTTP 500', status: 500, body: 'unknown test route' });
    connection.close();
  });
});

test('one TCP connection carries many requests', async () => {
  await withServer(async ({ endpoint, connections }) => {
    const connection = new V2Connection(endpoint, TIMEOUT_MS);
    for (let i = 0; i < 200; i++) assert.equal((await connection.send(i % 2 === 0 ? 'GET' : 'POST', '/echo', i % 2 === 0 ? undefined : `value=${i}`)).ok, true);
    assert.equal(connections(), 1);
    connection.close();
  });
});

test('after the server closes the connection, the next request reconnects', async () => {
  await withServer(async ({ endpoint, connections, server }) => {
    const connection = new V2Connection(endpoint, TIMEOUT_MS);
    assert.deepEqual(await connection.send('GET', '/close', undefined, true), { ok: true, status: 200, body: 'closed' });
    assert.equal((await connection.send('GET', '/echo')).ok, true);
    assert.equal(connections(), 2);
    // An idle keep-alive connection closed by the server is noticed and replaced, too.
    server.closeIdleConnections();
    await sleep(50);
    assert.equal((await connection.send('GET', '/echo')).ok, true);
    assert.equal(connections(), 3);
    connection.close();
  });
});

test('the deadline covers the whole exchange; the next request uses a new connection', async () => {
  await withServer(async ({ endpoint, connections }) => {
    const timeoutMs = 150;
    const connection = new V2Connection(endpoint, timeoutMs);
    assert.equal((await connection.send('GET', '/echo')).ok, true);
    await sleep(timeoutMs * 2); // the deadline of the first request passes while idle
    const startMs = performance.now();
    assert.deepEqual(await connection.send('GET', '/hang'), { ok: false, errorKind: 'timeout' });
    const elapsedMs = performance.now() - startMs;
    assert.ok(elapsedMs >= timeoutMs - 5 && elapsedMs < timeoutMs + 1_000, `timed out after ${elapsedMs.toFixed(0)} ms`);
    assert.equal((await connection.send('GET', '/echo')).ok, true);
    assert.equal(connections(), 2);
    connection.close();
  });
});

test('every request gets its own full deadline, however long the connection lives', async () => {
  await withServer(async ({ endpoint }) => {
    const connection = new V2Connection(endpoint, 300);
    // Eight answers of 100 ms each outlast the 300 ms timeout many times over; none may time out.
    for (let i = 0; i < 8; i++) assert.deepEqual(await connection.send('GET', '/slow?ms=100', undefined, true), { ok: true, status: 200, body: 'slow' });
    connection.close();
  });
});

test('a refused connection is a connection error, each time it is tried', async () => {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const connection = new V2Connection(`http://127.0.0.1:${port}`, TIMEOUT_MS);
  assert.deepEqual(await connection.send('GET', '/echo'), { ok: false, errorKind: 'connection ECONNREFUSED' });
  assert.deepEqual(await connection.send('PUT', '/echo', 'value=x'), { ok: false, errorKind: 'connection ECONNREFUSED' });
  connection.close();
});

test('an answer dribbled one byte at a time is read, twice on one connection', async () => {
  const answer = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nslow\r\n6;x=y\r\n-bytes\r\n0\r\n\r\n';
  await withRawServer(answer, true, async (endpoint, connections) => {
    const connection = new V2Connection(endpoint, TIMEOUT_MS);
    assert.deepEqual(await connection.send('GET', '/dribble', undefined, true), { ok: true, status: 200, body: 'slow-bytes' });
    assert.deepEqual(await connection.send('GET', '/dribble', undefined, true), { ok: true, status: 200, body: 'slow-bytes' });
    assert.equal(connections(), 1);
    connection.close();
  });
});

test('a connection closed mid-answer is a connection error', async () => {
  await withRawServer('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\ntoo short', false, async (endpoint) => {
    const connection = new V2Connection(endpoint, TIMEOUT_MS);
    const sent = connection.send('GET', '/cut');
    await sleep(50);
    connection.close();
    assert.deepEqual(await sent, { ok: false, errorKind: 'connection ECONNRESET' });
  });
});

test('bytes after an answer make it a protocol error; bytes on an idle connection drop that connection', async () => {
  const twoAnswers = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n';
  await withRawServer(twoAnswers, false, async (endpoint) => {
    const connection = new V2Connection(endpoint, TIMEOUT_MS);
    assert.deepEqual(await connection.send('GET', '/extra'), { ok: false, errorKind: 'connection EPROTO' });
    connection.close();
  });
  // Dribbled, the answer completes before the extra bytes come, so they arrive while idle.
  await withRawServer(twoAnswers, true, async (endpoint, connections) => {
    const connection = new V2Connection(endpoint, TIMEOUT_MS);
    assert.deepEqual(await connection.send('GET', '/extra', undefined, true), { ok: true, status: 200, body: 'ok' });
    await sleep(50);
    assert.deepEqual(await connection.send('GET', '/extra', undefined, true), { ok: true, status: 200, body: 'ok' });
    assert.equal(connections(), 2);
    connection.close();
  });
});

test('a second request while one is in flight is a caller bug and throws', async () => {
  await withServer(async ({ endpoint }) => {
    const connection = new V2Connection(endpoint, TIMEOUT_MS);
    const first = connection.send('GET', '/slow?ms=20');
    assert.throws(() => connection.send('GET', '/echo'), /already in flight/);
    assert.equal((await first).ok, true);
    connection.close();
  });
});
