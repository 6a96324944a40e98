// Hostile HTTP requests for the fuzzer, drawn from a seeded Prng so a failing case replays:
// odd methods, paths with dot segments, stray and invalid percent-encodings, raw invalid UTF-8,
// very deep and very long paths, repeated and conflicting parameters, malformed forms and
// bodies over the 1.5 MiB limit. Also a fixed batch of requests that must all be refused.

import type { Prng } from '../util/prng.js';
import { REQUEST_BYTES_MAX_DEFAULT } from '../api/index.js';
import { FORM_TYPE } from '../api/go-form.js';

export interface FuzzRequest {
  /** What kind of request this is, for failure reports. */
  kind: string;
  method: string;
  /** Raw request target. Bytes 0x80-0xff are sent as single raw bytes (invalid UTF-8). */
  target: string;
  headers: Record<string, string>;
  body: Buffer;
}

const METHODS = ['GET', 'GET', 'PUT', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'X-FUZZ'];
const SEGMENTS = ['fuzz', 'a', 'b', '..', '.', '', '_hidden', '%2e%2e', '%2F', '%00', '%ff', '%c3%28', '%e2%82', '%zz', '%', '%%41',
  '%C3%A9', '\u00ff\u00fe', '\u00c3', '~', ';x', '+', 'a b'.replace(' ', '%20'), '*', 'v2', 'keys'];
const PREFIXES = ['/v2/keys', '/v2/keys', '/v2/keys', '/v2/keys/', '/v2//keys', '/v2/keys/../keys', '/v2/members', '/v2/machines',
  '/v2/stats/self', '/v2/stats/store', '/v2/stats/leader', '/version', '/health', '/', '/v3/kv', '/v2/keysx', '/%76%32/keys'];
const PARAMS = ['value', 'ttl', 'dir', 'prevExist', 'prevValue', 'prevIndex', 'recursive', 'sorted', 'quorum', 'refresh',
  'noValueOnSuccess', 'waitIndex', 'wait', 'stream', 'unknown', '', 'VALUE', 'value%00'];
const VALUES = ['', 'true', 'false', '1', '0', 't', 'F', 'abc', '-1', '5', '99999999999999999999', '%ff', '%zz', '1e3', '%201',
  '\u00ff', 'x'.repeat(300), '0x10', '3.5'];
/** Watches would wait for an event that may never come: only values that fail to parse. */
const NON_TRUE_VALUES = ['maybe', '2', 'yes', '%ff'];
const CONTENT_TYPES = [FORM_TYPE, FORM_TYPE, FORM_TYPE, 'application/json', 'text/plain', 'multipart/form-data; boundary=x', '', `${FORM_TYPE}; charset=utf-8`];

export function randomRequest(prng: Prng): FuzzRequest {
  const roll = prng.next();
  if (roll < 0.002) return hugeBody(prng);
  if (roll < 0.02) return deepPath(prng);
  if (roll < 0.1) return garbageBody(prng);
  const method = prng.pick(METHODS);
  const target = prng.pick(PREFIXES) + randomPath(prng, prng.int(0, 5)) + randomQuery(prng);
  const hasBody = method === 'PUT' || method === 'POST' || prng.chance(0.05);
  const body = hasBody ? Buffer.from(randomQuery(prng).slice(1), 'latin1') : Buffer.alloc(0);
  const contentType = prng.pick(CONTENT_TYPES);
  return { kind: 'random', method, target, headers: contentType ? { 'content-type': contentType } : {}, body };
}

function randomPath(prng: Prng, depth: number): string {
  let path = '';
  for (let i = 0; i < depth; i++) path += '/' + prng.pick(SEGMENTS);
  return path;
}

/** A query string (with its '?') of repeated, conflicting, empty and odd parameters. */
function randomQuery(prng: Prng): string {
  const count = prng.int(0, 6);
  const pairs: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = prng.pick(PARAMS);
    const value = name === 'wait' || name === 'stream' ? prng.pick(NON_TRUE_VALUES) : prng.pick(VALUES);
    pairs.push(prng.chance(0.1) ? name : `${name}=${value}`);
  }
  if (prng.chance(0.05)) pairs.push('&&=&');
  return pairs.length === 0 ? '' : '?' + pairs.join('&');
}

function deepPath(prng: Prng): FuzzRequest {
  const depth = prng.pick([200, 1000, 5000]);
  const target = '/v2/keys' + '/d'.repeat(depth) + (prng.chance(0.5) ? '/..'.repeat(prng.int(0, depth)) : '');
  const method = prng.pick(['GET', 'PUT', 'DELETE']);
  const body = method === 'PUT' ? Buffer.from('value=deep') : Buffer.alloc(0);
  return { kind: 'deep-path', method, target, headers: { 'content-type': FORM_TYPE }, body };
}

function garbageBody(prng: Prng): FuzzRequest {
  const bytes = Buffer.alloc(prng.int(0, 2048));
  for (let i = 0; i < bytes.length; i++) bytes[i] = prng.int(0, 256);
  const forms = [bytes, Buffer.from('value=%zz'), Buffer.from('value'), Buffer.from('=&=&value=a&value=b'), Buffer.from('%'),
    Buffer.from('value=\u00ff\u00fe', 'latin1'), Buffer.from('ttl=abc&value=x'), Buffer.from('value=a;b=c')];
  const key = '/v2/keys/fuzz/garbage' + randomPath(prng, prng.int(0, 2));
  return { kind: 'garbage-body', method: prng.pick(['PUT', 'POST']), target: key, headers: { 'content-type': FORM_TYPE }, body: prng.pick(forms) };
}

function hugeBody(prng: Prng): FuzzRequest {
  const sizeBytes = REQUEST_BYTES_MAX_DEFAULT + prng.int(1, 256 * 1024);
  const body = Buffer.alloc(sizeBytes, 'a');
  body.write('value=');
  return { kind: 'huge-body', method: prng.pick(['PUT', 'POST']), target: '/v2/keys/fuzz/huge', headers: { 'content-type': FORM_TYPE }, body };
}

/**
 * Requests that must all be refused (4xx) on a store holding `/reject/file` (a file) and
 * `/reject/dir/child` (a directory with a child): none may change anything.
 */
export function mustRejectRequests(): FuzzRequest[] {
  const put = (target: string, form: string, kind: string): FuzzRequest => ({
    kind, method: 'PUT', target, headers: { 'content-type': FORM_TYPE }, body: Buffer.from(form),
  });
  const plain = (method: string, target: string, kind: string): FuzzRequest => ({ kind, method, target, headers: {}, body: Buffer.alloc(0) });
  return [
    put('/v2/keys/reject/file?prevExist=false', 'value=x', 'create over an existing key'),
    put('/v2/keys/reject/file?prevValue=nope', 'value=x', 'compare-and-swap with a wrong value'),
    put('/v2/keys/reject/file?prevIndex=987654', 'value=x', 'compare-and-swap with a wrong index'),
    put('/v2/keys/reject/file?ttl=abc', 'value=x', 'a TTL that is not a number'),
    put('/v2/keys/reject/file?prevIndex=abc', 'value=x', 'an index that is not a number'),
    put('/v2/keys/reject/file?dir=maybe', 'value=x', 'a bad boolean'),
    put('/v2/keys/reject/file?refresh=true&ttl=5', 'value=x', 'refresh with a value'),
    put('/v2/keys/reject/file?refresh=true', '', 'refresh without a TTL'),
    put('/v2/keys/reject/missing?prevExist=true', 'value=x', 'update of a missing key'),
    put('/v2/keys/reject/file/child', 'value=x', 'a key under a file'),
    put('/v2/keys/reject/dir', 'value=x', 'a value over a directory'),
    put('/v2/keys/', 'value=x', 'a write to the root'),
    put('/v2/keys/reject/file', 'value=%zz', 'a malformed form'),
    { ...put('/v2/keys/reject/file', '', 'a body over the limit'), body: Buffer.alloc(REQUEST_BYTES_MAX_DEFAULT + 1, 'b') },
    plain('DELETE', '/v2/keys/reject/dir', 'delete of a directory without dir=true'),
    plain('DELETE', '/v2/keys/reject/dir?dir=true', 'delete of a non-empty directory'),
    plain('DELETE', '/v2/keys/reject/file?prevValue=nope', 'compare-and-delete with a wrong value'),
    plain('DELETE', '/v2/keys/reject/missing', 'delete of a missing key'),
    plain('DELETE', '/v2/keys/?recursive=true', 'delete of the root'),
    plain('PATCH', '/v2/keys/reject/file?value=x', 'an unknown method'),
    plain('GET', '/v2/keys/reject/%zz', 'a bad escape'),
  ];
}
