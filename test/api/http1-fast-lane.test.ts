// The fast lane's parse of plain requests, and its connection handling through a real API
// server: pipelining, HEAD, Connection: close, half-close, keep-alive expiry, and the hand-over
// to node:http (chunked bodies, split requests, watches, garbage) in the middle of a connection.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../src/api/index.js';
import { mayBeWatch, parsePlainRequest } from '../../src/api/http1-request-head.js';
import { FastLane, type FastLaneOptions } from '../../src/api/http1-fast-lane.js';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { FakeBackend } from './fake-backend.js';
import { RawConnection } from './raw-http.js';

const BODY_BYTES_MAX = 1024;

function put(key: string, value: string, extraHeaders = ''): string {
  const body = `value=${value}`;
  return `PUT /v2/keys/${key} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n${extraHeaders}Content-Length: ${body.length}\r\n\r\n${body}`;
}

function get(target: string, extraHeaders = ''): string {
  return `GET ${target} HTTP/1.1\r\nHost: x\r\n${extraHeaders}\r\n`;
}

describe('parsePlainRequest', () => {
  it('parses a request of the plain shape, body included, and says where the next one starts', () => {
    const text = put('a', '1') + get('/v2/keys/a');
    const first = parsePlainRequest(Buffer.from(text), 0, BODY_BYTES_MAX);
    assert.ok(first !== null);
    assert.deepEqual([first.method, first.url, first.body, first.closeAfter], ['PUT', '/v2/keys/a', 'value=1', false]);
    assert.equal(first.headers['content-type'], 'application/x-www-form-urlencoded');
    const second = parsePlainRequest(Buffer.from(text), first.endOffset, BODY_BYTES_MAX);
    assert.deepEqual([second?.method, second?.url, second?.endOffset], ['GET', '/v2/keys/a', text.length]);
  });

  const handedOver: readonly [string, string][] = [
    ['headers not all there', 'GET /v2/keys/a HTTP/1.1\r\nHost: x\r\n'],
    ['body not all there', 'PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nvalue'],
    ['body over the limit', `PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Length: ${BODY_BYTES_MAX + 1}\r\n\r\n${'v'.repeat(BODY_BYTES_MAX + 1)}`],
    ['HTTP/1.0', 'GET /v2/keys/a HTTP/1.0\r\nHost: x\r\n\r\n'],
    ['no Host', 'GET /v2/keys/a HTTP/1.1\r\n\r\n'],
    ['chunked body', 'PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['Expect', 'PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n'],
    ['Upgrade', get('/', 'Upgrade: websocket\r\nConnection: Upgrade\r\n')],
    ['duplicate header', get('/v2/keys/a', 'Accept: a\r\naccept: b\r\n')],
    ['folded header', get('/v2/keys/a', 'Accept: a\r\n b\r\n')],
    ['bad Content-Length', 'PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n'],
    ['unknown method', 'PATCH /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['space in target', 'GET /v2/keys/a b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['control in a value', get('/v2/keys/a', 'Accept: a\x01b\r\n')],
    ['garbage', 'NONSENSE\r\n\r\n'],
  ];
  for (const [name, text] of handedOver) {
    it(`leaves to node:http: ${name}`, () => {
      assert.equal(parsePlainRequest(Buffer.from(text, 'latin1'), 0, BODY_BYTES_MAX), null);
    });
  }

  it('hands over every GET whose query may ask for a watch, and nothing else', () => {
    const cases: readonly [string, string, boolean][] = [
      ['GET', '/v2/keys/a?wait=true', true],
      ['GET', '/v2/keys/a?recursive=true&wait=1', true],
      ['GET', '/v2/keys/a?w%61it=true', true],
      ['GET', '/v2/keys/a?quorum=true', false],
      ['GET', '/v2/keys/wait', false],
      ['PUT', '/v2/keys/a?wait=true', false],
    ];
    for (const [method, url, expected] of cases) assert.equal(mayBeWatch({ method, url }), expected, `${method} ${url}`);
  });
});

describe('the fast lane of the API server', () => {
  let backend: FakeBackend;
  let server: ApiServer;
  let connection: RawConnection;

  async function start(options: ApiServerOptions = {}): Promise<void> {
    backend = new FakeBackend();
    server = await startApiServer(backend, { maxRequestBytes: BODY_BYTES_MAX, ...options });
    connection = await RawConnection.open(server.port);
  }

  beforeEach(() => start());
  afterEach(async () => {
    connection.close();
    backend.stop();
    await server.close();
  });

  it('answers pipelined requests in order, each whole', async () => {
    connection.write(put('a', '1') + get('/v2/keys/a') + `DELETE /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\n` + get('/v2/keys/a'));
    const answers = [await connection.next(), await connection.next(), await connection.next(), await connection.next()];
    assert.deepEqual(answers.map((a) => a.status), [201, 200, 200, 404]);
    assert.equal((JSON.parse(answers[1]!.body) as { node: { value: string } }).node.value, '1');
    assert.equal(answers[0]!.headers['x-etcd-index'], '1');
    assert.equal(answers[0]!.headers['access-control-allow-origin'], '*');
    assert.match(answers[0]!.headers.date ?? '', /GMT$/);
    assert.equal(connection.unread, '');
  });

  it('answers HEAD with the headers of a GET and no body', async () => {
    connection.write(put('a', '1') + `HEAD /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\n` + get('/v2/keys/a'));
    await connection.next();
    const head = await connection.next({ bodyless: true });
    const full = await connection.next();
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(full.body)));
    assert.equal(full.status, 200, 'the answer after a HEAD starts where the HEAD answer ended');
  });

  it('closes the connection after an answer when the client asks, and after a half-close', async () => {
    connection.write(get('/v2/keys/a', 'Connection: close\r\n') + get('/v2/keys/b'));
    const answer = await connection.next();
    assert.equal(answer.headers.connection, 'close');
    assert.equal(await connection.waitClosed(), true);
    assert.equal(connection.unread, '', 'nothing is answered after Connection: close');
    const halfClosed = await RawConnection.open(server.port);
    halfClosed.socket.end(put('c', '3') + get('/v2/keys/c'));
    assert.deepEqual([(await halfClosed.next()).status, (await halfClosed.next()).status], [201, 200]);
    assert.equal(await halfClosed.waitClosed(), true);
  });

  it('hands a connection to node:http mid-way (chunked body, split request) and keeps the order', async () => {
    connection.write(put('a', '1') + 'PUT /v2/keys/b HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nvalue=2\r\n0\r\n\r\n');
    assert.deepEqual([(await connection.next()).status, (await connection.next()).status], [201, 201]);
    // node:http serves pipelined requests concurrently: the read is sent after the write's answer.
    connection.write(get('/v2/keys/b'));
    assert.equal((JSON.parse((await connection.next()).body) as { node: { value: string } }).node.value, '2');
    const split = await RawConnection.open(server.port);
    const request = put('c', '3');
    split.write(request.slice(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 30));
    split.write(request.slice(20));
    assert.equal((await split.next()).status, 201);
    split.write(get('/v2/keys/c'));
    assert.equal((await split.next()).status, 200);
    split.close();
  });

  it('hands a watch to node:http, which streams it, after plain requests on the same connection', async () => {
    connection.write(put('a', '1') + get('/v2/keys/a?wait=true'));
    assert.equal((await connection.next()).status, 201);
    const writer = await RawConnection.open(server.port);
    writer.write(put('a', '2'));
    assert.equal((await writer.next()).status, 200);
    writer.close();
    const watch = await connection.next({ chunkedBytes: 10 });
    assert.equal(watch.status, 200);
    assert.equal((JSON.parse(watch.body) as { action: string; node: { value: string } }).node.value, '2');
  });

  it('answers garbage with 400 (through node:http) after serving plain requests', async () => {
    connection.write(get('/v2/keys/a') + 'NONSENSE\r\n\r\n');
    assert.equal((await connection.next()).status, 404);
    assert.equal((await connection.next()).status, 400);
  });

  it('refuses a body over the limit with 413, writes nothing, and closes the connection', async () => {
    const big = `value=${'x'.repeat(BODY_BYTES_MAX)}`;
    connection.write(`PUT /v2/keys/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${big.length}\r\n\r\n${big}`);
    const refused = await connection.next();
    assert.equal(refused.status, 413);
    assert.equal(refused.headers.connection, 'close');
    assert.equal(backend.store.index, 0);
    assert.equal(await connection.waitClosed(), true);
  });

  it('closes an idle connection after the keep-alive timeout', async () => {
    connection.close();
    backend.stop();
    await server.close();
    await start({ keepAliveTimeoutMs: 150 });
    connection.write(get('/v2/keys/a'));
    assert.equal((await connection.next()).status, 404);
    const startedMs = Date.now();
    assert.equal(await connection.waitClosed(), true);
    const idleMs = Date.now() - startedMs;
    assert.ok(idleMs >= 100 && idleMs < 3000, `closed after ${idleMs} ms idle`);
  });

  it('closes a connection that sends nothing after the headers timeout, not the keep-alive one', async () => {
    connection.close();
    backend.stop();
    await server.close();
    await start({ headersTimeoutMs: 150, keepAliveTimeoutMs: 60_000 });
    const startedMs = Date.now();
    assert.equal(await connection.waitClosed(), true);
    const idleMs = Date.now() - startedMs;
    assert.ok(idleMs >= 100 && idleMs < 3000, `closed after ${idleMs} ms without a request`);
  });

  it('closes its connections when the server closes', async () => {
    connection.write(get('/v2/keys/a'));
    await connection.next();
    await server.close();
    assert.equal(await connection.waitClosed(), true);
    backend.stop();
    await start();
  });
});

describe('FastLane with handlers of its own', () => {
  async function withLane(serve: FastLaneOptions['serve'], check: (port: number, handedOver: Socket[]) => Promise<void>): Promise<void> {
    const handedOver: Socket[] = [];
    const lane = new FastLane({
      bodyBytesMax: BODY_BYTES_MAX,
      keepAliveTimeoutMs: 60_000,
      firstRequestTimeoutMs: 60_000,
      serve,
      fail: (res) => {
        res.writeHead(500, { 'Content-Length': '6' });
        res.end('failed', 'utf8');
      },
      handOver: (socket) => handedOver.push(socket),
    });
    const server = createServer((socket) => lane.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await check((server.address() as AddressInfo).port, handedOver);
    } finally {
      lane.close();
      for (const socket of handedOver) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('answers a handler that fails through `fail`, and keeps serving the connection', async () => {
    let calls = 0;
    const serve: FastLaneOptions['serve'] = async (req, res) => {
      calls++;
      if (req.url === '/boom') throw new Error('boom');
      res.writeHead(200, { 'Content-Length': '2' });
      res.end('ok', 'utf8');
    };
    await withLane(serve, async (port) => {
      const connection = await RawConnection.open(port);
      connection.write(get('/boom') + get('/fine'));
      const failed = await connection.next();
      assert.deepEqual([failed.status, failed.body], [500, 'failed']);
      const fine = await connection.next();
      assert.deepEqual([fine.status, fine.body], [200, 'ok']);
      assert.equal(calls, 2);
      connection.close();
    });
  });

  it("keeps a connection's pipelined requests whole while other connections read into the shared buffer", async () => {
    let slowStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    let releaseSlow: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (releaseSlow = resolve));
    const serve: FastLaneOptions['serve'] = async (req, res) => {
      if (req.url === '/slow') {
        slowStarted();
        await released;
      }
      const target = req.url ?? '';
      res.writeHead(200, { 'Content-Length': String(target.length) });
      res.end(target, 'utf8');
    };
    await withLane(serve, async (port) => {
      const first = await RawConnection.open(port);
      first.write(get('/slow') + get('/first-1') + get('/first-2'));
      await started;
      // The other connection's read lands where the first one's waiting requests were read.
      const otherTarget = '/other-connection-' + 'x'.repeat(60);
      const other = await RawConnection.open(port);
      other.write(get(otherTarget));
      assert.equal((await other.next()).body, otherTarget);
      releaseSlow();
      const bodies = [(await first.next()).body, (await first.next()).body, (await first.next()).body];
      assert.deepEqual(bodies, ['/slow', '/first-1', '/first-2']);
      first.close();
      other.close();
    });
  });

  it('closes a connection whose handler returns without answering', async () => {
    await withLane(async () => undefined, async (port) => {
      const connection = await RawConnection.open(port);
      connection.write(get('/silent'));
      assert.equal(await connection.waitClosed(), true);
      assert.equal(connection.unread, '');
    });
  });

  it('hands over a connection with the bytes it has not parsed, and stops reading it', async () => {
    await withLane(async () => undefined, async (port, handedOver) => {
      const connection = await RawConnection.open(port);
      connection.write('GET /x HTTP/1.0\r\n\r\n');
      for (let i = 0; i < 100 && handedOver.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(handedOver.length, 1);
      connection.close();
    });
  });
});
