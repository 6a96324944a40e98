// Each checker operation becomes the etcd v2 request that performs it, and each answer the
// checker output it proves: only 100/101/105 are definite failures, server errors are unknown.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exchangeOf, outcomeOf } from '../../src/chaos/v2-wire.js';

test('operations map to the v2 requests etcd distinguishes them by', () => {
  assert.deepEqual(exchangeOf({ kind: 'get', key: 'chaos/k0' }), { method: 'GET', path: '/v2/keys/chaos/k0?quorum=true' });
  assert.deepEqual(exchangeOf({ kind: 'get', key: 'chaos/k0' }, false), { method: 'GET', path: '/v2/keys/chaos/k0' });
  assert.deepEqual(exchangeOf({ kind: 'set', key: 'k', value: 'a b' }), { method: 'PUT', path: '/v2/keys/k', body: 'value=a+b' });
  // The conditions travel in the query, as the v2 client (and etcd's Go client) sends them.
  assert.deepEqual(exchangeOf({ kind: 'create', key: 'k', value: 'v' }), { method: 'PUT', path: '/v2/keys/k?prevExist=false', body: 'value=v' });
  assert.deepEqual(exchangeOf({ kind: 'update', key: 'k', value: 'v' }), { method: 'PUT', path: '/v2/keys/k?prevExist=true', body: 'value=v' });
  assert.deepEqual(exchangeOf({ kind: 'compareAndSwap', key: 'k', value: 'v', prevValue: 'p', prevIndex: 7 }), {
    method: 'PUT',
    path: '/v2/keys/k?prevValue=p&prevIndex=7',
    body: 'value=v',
  });
  assert.deepEqual(exchangeOf({ kind: 'delete', key: 'k' }), { method: 'DELETE', path: '/v2/keys/k' });
  assert.deepEqual(exchangeOf({ kind: 'compareAndDelete', key: 'k', prevIndex: 3 }), { method: 'DELETE', path: '/v2/keys/k?prevIndex=3' });
});

test('successful answers carry the value, the node index and the previous value', () => {
  const got = outcomeOf({ kind: 'get', key: 'k' }, 200, '{"action":"get","node":{"key":"/k","value":"v","modifiedIndex":9,"createdIndex":9}}\n');
  assert.deepEqual(got, { kind: 'definite', output: { errorCode: 0, value: 'v', modifiedIndex: 9 } });
  const swapped = outcomeOf(
    { kind: 'compareAndSwap', key: 'k', value: 'w', prevValue: 'v' },
    200,
    '{"action":"compareAndSwap","node":{"key":"/k","value":"w","modifiedIndex":10},"prevNode":{"key":"/k","value":"v","modifiedIndex":9}}',
  );
  assert.deepEqual(swapped, { kind: 'definite', output: { errorCode: 0, modifiedIndex: 10, previous: 'v' } });
  const created = outcomeOf({ kind: 'create', key: 'k', value: 'v' }, 201, '{"action":"create","node":{"key":"/k","value":"v","modifiedIndex":4}}');
  assert.deepEqual(created, { kind: 'definite', output: { errorCode: 0, modifiedIndex: 4, previous: null } });
});

test('etcd errors 100, 101 and 105 are definite failures', () => {
  for (const [status, code] of [[404, 100], [412, 101], [412, 105]] as const) {
    const outcome = outcomeOf({ kind: 'update', key: 'k', value: 'v' }, status, `{"errorCode":${code},"message":"m","cause":"/k","index":3}`);
    assert.deepEqual(outcome, { kind: 'definite', output: { errorCode: code } });
  }
});

test('server errors leave the outcome unknown; answers no server should give are unexpected', () => {
  const timeout = outcomeOf({ kind: 'set', key: 'k', value: 'v' }, 500, '{"errorCode":300,"message":"Raft Internal Error","cause":"etcdserver: request timed out"}');
  assert.equal(timeout.kind, 'unknown');
  assert.equal(outcomeOf({ kind: 'set', key: 'k', value: 'v' }, 503, 'not json').kind, 'unknown');
  assert.equal(outcomeOf({ kind: 'set', key: 'k', value: 'v' }, 400, '{"errorCode":209,"message":"Invalid field"}').kind, 'unexpected');
  assert.equal(outcomeOf({ kind: 'get', key: 'k' }, 200, '{"action":"get","node":{"key":"/k","dir":true,"modifiedIndex":2}}').kind, 'unexpected');
  assert.equal(outcomeOf({ kind: 'get', key: 'k' }, 200, '').kind, 'unexpected');
  assert.equal(outcomeOf({ kind: 'get', key: 'k' }, 404, 'null').kind, 'unexpected');
  assert.deepEqual(outcomeOf({ kind: 'set', key: 'k', value: 'v' }, 400, ' <html>bad</html>\n'), { kind: 'unexpected', reason: 'HTTP 400 <html>bad</html>' });
});
