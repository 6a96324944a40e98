// The answer parser reads status, framing headers and bodies however the bytes are split: whole,
// byte by byte, with chunked framing, extensions and trailers, multi-byte characters cut in two,
// and it refuses what a single-request connection must never see (bytes after the answer).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BODY_BYTES_MAX, HEAD_BYTES_MAX, Http1AnswerParser, Http1ParseError, type Http1Answer } from '../../src/bench/http1-answer-parser.js';

const JSON_BODY = '{"action":"get","node":{"key":"/k","value":"v","modifiedIndex":7,"createdIndex":7}}\n';
const LENGTH_ANSWER = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Etcd-Index: 7\r\nContent-Length: ${JSON_BODY.length}\r\n\r\n${JSON_BODY}`;
const CHUNKED_ANSWER =
  'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n' + '5;name=value\r\nhello\r\n' + '1\r\n,\r\n' + 'A\r\n world ...\r\n' + '0\r\nX-Trailer: t\r\n\r\n';

/** Feeds `pieces` one push at a time and returns the answer; every push before the last must leave it incomplete. */
function parse(pieces: Buffer[], keepSuccessBody = true): Http1Answer {
  const parser = new Http1AnswerParser();
  parser.start(keepSuccessBody);
  pieces.forEach((piece, i) => {
    const complete = parser.push(piece);
    assert.equal(complete, i === pieces.length - 1, `push ${i} of ${pieces.length} said complete=${complete}`);
  });
  return parser.answer();
}

function byteByByte(text: string): Buffer[] {
  return [...Buffer.from(text)].map((byte) => Buffer.from([byte]));
}

function expectParseError(text: string, code: 'EPROTO' | 'EMSGSIZE', keepSuccessBody = true): void {
  const parser = new Http1AnswerParser();
  parser.start(keepSuccessBody);
  assert.throws(() => parser.push(Buffer.from(text)), (error: unknown) => error instanceof Http1ParseError && error.code === code);
}

test('a Content-Length answer parses whole and byte by byte', () => {
  const expected = { status: 200, body: JSON_BODY, keepAlive: true };
  assert.deepEqual(parse([Buffer.from(LENGTH_ANSWER)]), expected);
  assert.deepEqual(parse(byteByByte(LENGTH_ANSWER)), expected);
});

test('a chunked answer with extensions and trailers parses whole and byte by byte', () => {
  const expected = { status: 200, body: 'hello, world ...', keepAlive: true };
  assert.deepEqual(parse([Buffer.from(CHUNKED_ANSWER)]), expected);
  assert.deepEqual(parse(byteByByte(CHUNKED_ANSWER)), expected);
});

test('a multi-byte character cut between two packets is decoded whole', () => {
  const body = 'välue ✓';
  const answer = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  const cut = answer.length - 2; // inside the three bytes of the check mark
  assert.equal(parse([answer.subarray(0, cut), answer.subarray(cut)]).body, body);
});

test('a head split across packets, even inside its blank line, is found', () => {
  const cut = LENGTH_ANSWER.indexOf('\r\n\r\n') + 2;
  const pieces = [LENGTH_ANSWER.slice(0, 5), LENGTH_ANSWER.slice(5, cut), LENGTH_ANSWER.slice(cut, cut + 1), LENGTH_ANSWER.slice(cut + 1)];
  assert.deepEqual(parse(pieces.map((piece) => Buffer.from(piece))), { status: 200, body: JSON_BODY, keepAlive: true });
});

test('nothing of a chunk is kept after its push: every piece may come through one reused buffer', () => {
  const reused = Buffer.alloc(1024);
  const throughReused = (text: string, cuts: number[]): Http1Answer => {
    const parser = new Http1AnswerParser();
    parser.start(true);
    const bytes = Buffer.from(text);
    const bounds = [0, ...cuts, bytes.length];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const length = bytes.copy(reused, 0, bounds[i], bounds[i + 1]);
      parser.push(reused.subarray(0, length));
      reused.fill('#');
    }
    return parser.answer();
  };
  const headCut = LENGTH_ANSWER.indexOf('\r\n\r\n') - 3;
  const bodyCut = LENGTH_ANSWER.length - 20;
  assert.deepEqual(throughReused(LENGTH_ANSWER, [10, headCut, bodyCut, bodyCut + 10]), { status: 200, body: JSON_BODY, keepAlive: true });
  const chunkedCuts = Array.from({ length: Math.ceil(CHUNKED_ANSWER.length / 7) - 1 }, (_, i) => (i + 1) * 7);
  assert.deepEqual(throughReused(CHUNKED_ANSWER, chunkedCuts), { status: 200, body: 'hello, world ...', keepAlive: true });
});

test('success bodies are dropped unless asked for, failure bodies are always kept', () => {
  assert.equal(parse([Buffer.from(LENGTH_ANSWER)], false).body, '');
  assert.equal(parse(byteByByte(CHUNKED_ANSWER), false).body, '');
  const notFound = '{"errorCode":100,"message":"Key not found","cause":"/k","index":7}\n';
  const answer = `HTTP/1.1 404 Not Found\r\nContent-Length: ${notFound.length}\r\n\r\n${notFound}`;
  assert.deepEqual(parse([Buffer.from(answer)], false), { status: 404, body: notFound, keepAlive: true });
});

test('answers without a body: 204, 304 and Content-Length 0 end at the head', () => {
  assert.deepEqual(parse([Buffer.from('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n')]), { status: 204, body: '', keepAlive: true });
  assert.deepEqual(parse([Buffer.from('HTTP/1.1 304 Not Modified\r\n\r\n')]), { status: 304, body: '', keepAlive: true });
  assert.deepEqual(parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')]), { status: 200, body: '', keepAlive: true });
});

test('an interim 100 Continue is skipped and the real answer follows in the same packet', () => {
  assert.deepEqual(parse([Buffer.from('HTTP/1.1 100 Continue\r\n\r\n' + LENGTH_ANSWER)]), { status: 200, body: JSON_BODY, keepAlive: true });
});

test('Connection: close, HTTP/1.0 and a body without length all end the connection', () => {
  assert.equal(parse([Buffer.from('HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 2\r\n\r\nok')]).keepAlive, false);
  assert.equal(parse([Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok')]).keepAlive, false);
  const parser = new Http1AnswerParser();
  parser.start(true);
  assert.equal(parser.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\nuntil')), false);
  assert.equal(parser.push(Buffer.from(' close')), false);
  assert.equal(parser.endOfStream(), true);
  assert.deepEqual(parser.answer(), { status: 200, body: 'until close', keepAlive: false });
});

test('an answer cut short by the end of the stream is not complete', () => {
  const parser = new Http1AnswerParser();
  parser.start(true);
  parser.push(Buffer.from(LENGTH_ANSWER.slice(0, -3)));
  assert.equal(parser.endOfStream(), false);
  assert.throws(() => parser.answer(), /not complete/);
});

test('bytes after the answer, or while nothing is in flight, are protocol errors', () => {
  expectParseError(LENGTH_ANSWER + 'HTTP/1.1 200 OK\r\n\r\n', 'EPROTO');
  const parser = new Http1AnswerParser();
  assert.throws(() => parser.push(Buffer.from(LENGTH_ANSWER)), (error: unknown) => error instanceof Http1ParseError && error.code === 'EPROTO');
});

test('malformed heads and chunked framing are protocol errors', () => {
  expectParseError('HTTP/2 200 OK\r\n\r\n', 'EPROTO');
  expectParseError('HTTP/1.1 20 OK\r\n\r\n', 'EPROTO');
  expectParseError('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', 'EPROTO');
  expectParseError('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'EPROTO');
  expectParseError('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'EPROTO');
  expectParseError('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'EPROTO');
  expectParseError('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n', 'EPROTO');
});

test('heads and kept bodies beyond their limits are refused, dropped bodies are not', () => {
  expectParseError(`HTTP/1.1 200 OK\r\nX-Big: ${'x'.repeat(HEAD_BYTES_MAX)}\r\n\r\n`, 'EPROTO');
  const tooLong = `HTTP/1.1 200 OK\r\nContent-Length: ${BODY_BYTES_MAX + 1}\r\n\r\n${'b'.repeat(BODY_BYTES_MAX + 1)}`;
  expectParseError(tooLong, 'EMSGSIZE');
  assert.deepEqual(parse([Buffer.from(tooLong)], false), { status: 200, body: '', keepAlive: true });
});

test('one parser reads answer after answer', () => {
  const parser = new Http1AnswerParser();
  for (const [text, body] of [[LENGTH_ANSWER, JSON_BODY], [CHUNKED_ANSWER, 'hello, world ...'], [LENGTH_ANSWER, JSON_BODY]]) {
    parser.start(true);
    assert.equal(parser.push(Buffer.from(text)), true);
    assert.equal(parser.answer().body, body);
  }
});

test('framing headers match in any case; look-alike names do not frame; each head starts afresh', () => {
  const etcdHeaders = 'X-Etcd-Cluster-Id: cdf818194e3a8c32\r\nKeep-Alive: close\r\nX-Raft-Index: 9\r\n';
  const upperCase = `HTTP/1.1 200 OK\r\n${etcdHeaders}CONTENT-LENGTH: 2\r\nconnection: CLOSE\r\n\r\nok`;
  assert.deepEqual(parse([Buffer.from(upperCase)]), { status: 200, body: 'ok', keepAlive: false });
  const parser = new Http1AnswerParser();
  for (const [text, keepAlive] of [[upperCase, false], [`HTTP/1.1 200 OK\r\n${etcdHeaders}Content-Length: 2\r\n\r\nok`, true]] as const) {
    parser.start(true);
    assert.equal(parser.push(Buffer.from(text)), true);
    assert.deepEqual(parser.answer(), { status: 200, body: 'ok', keepAlive });
  }
});
