// The bytes etcd sends, written out literally from etcd's source (NodeExtern's JSON tags and
// field order, Go's string escaping and RFC3339Nano time, ttl rounded up, the trailing
// newline of json.Encoder) and compared with what the store's events render to.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorHttpStatus, eventHttpStatus, renderErrorBody, renderEventBody, ttlSeconds } from '../../src/store/render.js';
import { goQuote, goTimeJson } from '../../src/store/go-json.js';
import { newV2Error } from '../../src/store/v2-error.js';
import { NO_TTL, V2Store } from '../../src/store/v2-store.js';
import { expectError, expectEvent, T0_MS } from './store-helpers.js';

test('set of a new key, then over it: bodies and statuses', () => {
  const store = new V2Store();
  const created = expectEvent(store.set('/foo', false, 'bar', NO_TTL));
  assert.equal(renderEventBody(created, () => T0_MS), '{"action":"set","node":{"key":"/foo","value":"bar","modifiedIndex":1,"createdIndex":1}}\n');
  assert.equal(eventHttpStatus(created), 201);
  const replaced = expectEvent(store.set('/foo', false, '', NO_TTL));
  assert.equal(
    renderEventBody(replaced, () => T0_MS),
    '{"action":"set","node":{"key":"/foo","value":"","modifiedIndex":2,"createdIndex":2},' +
      '"prevNode":{"key":"/foo","value":"bar","modifiedIndex":1,"createdIndex":1}}\n',
  );
  assert.equal(eventHttpStatus(replaced), 200);
  assert.equal(renderEventBody(replaced, () => T0_MS, { noValueOnSuccess: true }), '{"action":"set"}\n');
});

test('create, directories, listings and the root without a key', () => {
  const store = new V2Store();
  const dir = expectEvent(store.create('/dir', true, '', false, NO_TTL));
  assert.equal(renderEventBody(dir, () => T0_MS), '{"action":"create","node":{"key":"/dir","dir":true,"modifiedIndex":1,"createdIndex":1}}\n');
  assert.equal(eventHttpStatus(dir), 201);
  store.set('/dir/b', false, '2', NO_TTL);
  store.set('/dir/a/x', false, '1', NO_TTL);
  const listing = expectEvent(store.get('/dir', false, true));
  assert.equal(
    renderEventBody(listing, () => T0_MS),
    '{"action":"get","node":{"key":"/dir","dir":true,"nodes":[' +
      '{"key":"/dir/a","dir":true,"modifiedIndex":3,"createdIndex":3},' +
      '{"key":"/dir/b","value":"2","modifiedIndex":2,"createdIndex":2}],"modifiedIndex":1,"createdIndex":1}}\n',
  );
  const root = expectEvent(store.get('/', true, true));
  assert.equal(
    renderEventBody(root, () => T0_MS),
    '{"action":"get","node":{"dir":true,"nodes":[{"key":"/dir","dir":true,"nodes":[' +
      '{"key":"/dir/a","dir":true,"nodes":[{"key":"/dir/a/x","value":"1","modifiedIndex":3,"createdIndex":3}],"modifiedIndex":3,"createdIndex":3},' +
      '{"key":"/dir/b","value":"2","modifiedIndex":2,"createdIndex":2}],"modifiedIndex":1,"createdIndex":1}]}}\n',
  );
  const empty = expectEvent(new V2Store().get('/', false, false));
  assert.equal(renderEventBody(empty, () => T0_MS), '{"action":"get","node":{"dir":true}}\n');
});

test('expiration is Go time JSON in UTC and ttl the seconds left, rounded up', () => {
  const store = new V2Store();
  const event = expectEvent(store.set('/t', false, 'v', { expireTimeMs: T0_MS + 5120, refresh: false }));
  const body = (nowMs: number): string => renderEventBody(event, () => nowMs);
  const fields = (ttl: string): string =>
    `{"action":"set","node":{"key":"/t","value":"v","expiration":"2024-01-01T00:00:05.12Z"${ttl},"modifiedIndex":1,"createdIndex":1}}\n`;
  assert.equal(body(T0_MS), fields(',"ttl":6'));
  assert.equal(body(T0_MS + 1120), fields(',"ttl":4'));
  assert.equal(body(T0_MS + 1121), fields(',"ttl":4'));
  assert.equal(body(T0_MS + 5120), fields(''), 'a ttl of 0 is left out');
  assert.equal(body(T0_MS + 6620), fields(',"ttl":-1'));
  assert.deepEqual([ttlSeconds(1000, 0), ttlSeconds(1001, 0), ttlSeconds(999, 0), ttlSeconds(0, 500), ttlSeconds(0, 1500)], [1, 2, 1, 0, -1]);
  assert.equal(goTimeJson(T0_MS + 5000), '"2024-01-01T00:00:05Z"');
  assert.equal(goTimeJson(T0_MS + 5007), '"2024-01-01T00:00:05.007Z"');
  assert.throws(() => goTimeJson(Date.UTC(10000, 0, 1)), /outside the years/);
});

test('the clock is read only for an event without a time; a timed one renders at its own time', () => {
  const store = new V2Store();
  const untimed = expectEvent(store.set('/c', false, 'v', { expireTimeMs: T0_MS + 10_000, refresh: false }));
  assert.equal(untimed.timeMs, null);
  let reads = 0;
  const clock = (): number => {
    reads++;
    return T0_MS + 3000;
  };
  assert.match(renderEventBody(untimed, clock), /"ttl":7,/);
  assert.equal(reads, 1);
  assert.match(renderEventBody({ ...untimed, timeMs: T0_MS + 1000 }, clock), /"ttl":9,/);
  assert.equal(reads, 1, 'a timed event never reads the clock');
});

test('delete, compareAndSwap and expire bodies', () => {
  const store = new V2Store();
  store.set('/k', false, 'a', NO_TTL);
  const swapped = expectEvent(store.compareAndSwap('/k', 'a', 0, 'b', NO_TTL));
  assert.equal(
    renderEventBody(swapped, () => T0_MS),
    '{"action":"compareAndSwap","node":{"key":"/k","value":"b","modifiedIndex":2,"createdIndex":1},' +
      '"prevNode":{"key":"/k","value":"a","modifiedIndex":1,"createdIndex":1}}\n',
  );
  const deleted = expectEvent(store.delete('/k', false, false));
  assert.equal(
    renderEventBody(deleted, () => T0_MS),
    '{"action":"delete","node":{"key":"/k","modifiedIndex":3,"createdIndex":1},' +
      '"prevNode":{"key":"/k","value":"b","modifiedIndex":2,"createdIndex":1}}\n',
  );
  store.set('/d', true, '', { expireTimeMs: T0_MS + 1000, refresh: false });
  const [expired] = store.deleteExpiredKeys(T0_MS + 1000);
  assert.ok(expired);
  assert.equal(
    renderEventBody(expired, () => T0_MS + 1000),
    '{"action":"expire","node":{"key":"/d","dir":true,"modifiedIndex":5,"createdIndex":4},' +
      '"prevNode":{"key":"/d","dir":true,"expiration":"2024-01-01T00:00:01Z","modifiedIndex":4,"createdIndex":4}}\n',
  );
  assert.equal(eventHttpStatus(expired), 200);
});

test('error bodies and statuses', () => {
  const store = new V2Store();
  store.set('/k', false, 'v', NO_TTL);
  const missing = expectError(store.get('/nope', false, false), 100);
  assert.equal(renderErrorBody(missing), '{"errorCode":100,"message":"Key not found","cause":"/nope","index":1}\n');
  assert.equal(errorHttpStatus(missing), 404);
  const compare = expectError(store.compareAndSwap('/k', 'x', 3, 'y', NO_TTL), 101);
  assert.equal(renderErrorBody(compare), '{"errorCode":101,"message":"Compare failed","cause":"[x != v] [3 != 1]","index":1}\n');
  assert.equal(errorHttpStatus(compare), 412);
  const noCause = newV2Error(301, '', 0);
  assert.equal(renderErrorBody(noCause), '{"errorCode":301,"message":"During Leader Election","index":0}\n');
  const statuses = [100, 101, 102, 104, 105, 107, 108, 110, 209, 300, 301, 401].map((code) => errorHttpStatus(newV2Error(code, '', 0)));
  assert.deepEqual(statuses, [404, 412, 403, 400, 412, 400, 403, 401, 400, 500, 500, 400]);
  assert.throws(() => newV2Error(999, '', 0), /unknown v2 error code/);
});

test('strings are escaped as Go escapes them', () => {
  assert.equal(goQuote('plain /key'), '"plain /key"');
  assert.equal(goQuote('<a&b>'), '"\\u003ca\\u0026b\\u003e"');
  assert.equal(goQuote('q"b\\n\n\r\t'), '"q\\"b\\\\n\\n\\r\\t"');
  assert.equal(goQuote('\u0000\u0008\u000c\u001f\u007f'), '"\\u0000\\u0008\\u000c\\u001f\u007f"');
  assert.equal(goQuote('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(goQuote('é\u{1F600}'), '"é\u{1F600}"');
  assert.equal(goQuote('lone\ud800x\udc00'), '"lone\\ufffdx\\ufffd"');
});
