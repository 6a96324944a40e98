// applyRequest picks the store operation exactly as etcd's apply_v2 does (the facts sheet's
// "Which write is which" table), and requests applied after a codec round trip give the
// same outcomes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRequest } from '../../src/store/apply-request.js';
import { decodeV2Request, encodeV2Request } from '../../src/store/request-codec.js';
import { newV2Request, type V2Request } from '../../src/store/v2-request.js';
import { NO_TTL, V2Store } from '../../src/store/v2-store.js';
import { expectError, expectEvent, T0_MS } from './store-helpers.js';

function seeded(): V2Store {
  const store = new V2Store();
  store.set('/k', false, 'v', NO_TTL);
  store.set('/d/x', false, 'in', NO_TTL);
  return store;
}

function actionOf(request: V2Request): string {
  return expectEvent(applyRequest(seeded(), request)).action;
}

test('PUT: prevExist and the compare fields choose the write', () => {
  assert.equal(actionOf(newV2Request({ method: 'PUT', path: '/k', value: 'w' })), 'set');
  assert.equal(actionOf(newV2Request({ method: 'PUT', path: '/k', value: 'w', prevExist: true })), 'update');
  assert.equal(actionOf(newV2Request({ method: 'PUT', path: '/k', value: 'w', prevExist: true, prevValue: 'v' })), 'compareAndSwap');
  assert.equal(actionOf(newV2Request({ method: 'PUT', path: '/k', value: 'w', prevExist: true, prevIndex: 1 })), 'compareAndSwap');
  assert.equal(actionOf(newV2Request({ method: 'PUT', path: '/k', value: 'w', prevValue: 'v' })), 'compareAndSwap');
  assert.equal(actionOf(newV2Request({ method: 'PUT', path: '/k', value: 'w', prevIndex: 1 })), 'compareAndSwap');
  assert.equal(actionOf(newV2Request({ method: 'PUT', path: '/new', value: 'w', prevExist: false, prevValue: 'ignored' })), 'create');
  expectError(applyRequest(seeded(), newV2Request({ method: 'PUT', path: '/k', prevExist: false })), 105);
  expectError(applyRequest(seeded(), newV2Request({ method: 'PUT', path: '/none', prevExist: true })), 100);
});

test('POST creates an in-order key; QGET reads; DELETE with a compare is compareAndDelete', () => {
  const store = seeded();
  const posted = expectEvent(applyRequest(store, newV2Request({ method: 'POST', path: '/q', value: 'job' })));
  assert.deepEqual([posted.action, posted.node.key], ['create', '/q/00000000000000000003']);
  const read = expectEvent(applyRequest(store, newV2Request({ method: 'QGET', path: '/d', recursive: true, sorted: true })));
  assert.deepEqual([read.action, read.node.nodes?.map((n) => n.key)], ['get', ['/d/x']]);
  const cad = expectEvent(applyRequest(store, newV2Request({ method: 'DELETE', path: '/k', prevValue: 'v' })));
  assert.equal(cad.action, 'compareAndDelete');
  expectError(applyRequest(store, newV2Request({ method: 'DELETE', path: '/d' })), 102);
  const deleted = expectEvent(applyRequest(store, newV2Request({ method: 'DELETE', path: '/d', recursive: true })));
  assert.equal(deleted.action, 'delete');
  assert.equal(store.index, 5);
});

test('SYNC expires the keys due at its time and answers nothing', () => {
  const store = seeded();
  const ttlRequest = newV2Request({ method: 'PUT', path: '/t', value: 'v', expirationMs: T0_MS + 1000 });
  assert.equal(expectEvent(applyRequest(store, ttlRequest)).node.expirationMs, T0_MS + 1000);
  assert.equal(applyRequest(store, newV2Request({ method: 'SYNC', path: '', timeMs: T0_MS + 999 })), null);
  assert.equal(store.index, 3);
  applyRequest(store, newV2Request({ method: 'SYNC', path: '', timeMs: T0_MS + 1000 }));
  assert.equal(store.index, 4);
  expectError(store.get('/t', false, false), 100);
});

test('refresh and an expiration of 0 (etcd: none) pass through to the store', () => {
  const store = seeded();
  applyRequest(store, newV2Request({ method: 'PUT', path: '/t', value: 'keep', expirationMs: T0_MS + 1000 }));
  const refresh = newV2Request({ method: 'PUT', path: '/t', prevExist: true, refresh: true, expirationMs: T0_MS + 9000 });
  const refreshed = expectEvent(applyRequest(store, refresh));
  assert.deepEqual(
    [refreshed.action, refreshed.node.value, refreshed.refresh, refreshed.node.expirationMs],
    ['update', 'keep', true, T0_MS + 9000],
  );
  const clear = newV2Request({ method: 'PUT', path: '/t', value: 'x', prevExist: true, expirationMs: 0 });
  const cleared = expectEvent(applyRequest(store, clear));
  assert.equal(cleared.node.expirationMs, null);
});

test('a request decoded from its bytes applies exactly as the original', () => {
  const request = newV2Request({ method: 'PUT', path: '/k', value: 'w', prevValue: 'v', prevIndex: 1, expirationMs: T0_MS + 5000 });
  const direct = applyRequest(seeded(), request);
  const viaCodec = applyRequest(seeded(), decodeV2Request(encodeV2Request(request)));
  assert.deepEqual(viaCodec, direct);
});
