// Events carry the time they happened at (the proposer's clock, or the SYNC's time), and their
// TTLs are rendered at that time, as etcd freezes an event's TTL when it applies the write:
// a watch that replays a TTL write from the history long after shows the TTL it had then.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRequest } from '../../src/store/apply-request.js';
import { renderEventBody } from '../../src/store/render.js';
import { newV2Request } from '../../src/store/v2-request.js';
import { NO_TTL, V2Store } from '../../src/store/v2-store.js';
import { expectEvent, expectWatcher, T0_MS } from './store-helpers.js';

const EXPIRATION = '"expiration":"2024-01-01T00:00:01Z"';

function ttlOf(body: string, field: 'node' | 'prevNode'): number | undefined {
  return (JSON.parse(body) as Record<string, { ttl?: number }>)[field]?.ttl;
}

test('a TTL write replayed from the history shows the TTL it had when it was applied', () => {
  const store = new V2Store();
  const put = newV2Request({ method: 'PUT', path: '/short', value: 's', expirationMs: T0_MS + 1000, timeMs: T0_MS });
  const answer = expectEvent(applyRequest(store, put));
  assert.equal(answer.timeMs, T0_MS);
  const [replayed] = expectWatcher(store.watch('/short', false, false, 1)).takeEvents();
  const body = renderEventBody(expectEvent(replayed ?? null), () => T0_MS + 2600);
  assert.equal(body, `{"action":"set","node":{"key":"/short","value":"s",${EXPIRATION},"ttl":1,"modifiedIndex":1,"createdIndex":1}}\n`);
});

test('the prevNode of an expiry is rendered at the SYNC time: its TTL is 0 and left out', () => {
  const store = new V2Store();
  applyRequest(store, newV2Request({ method: 'PUT', path: '/k', value: 'v', expirationMs: T0_MS + 1000, timeMs: T0_MS }));
  applyRequest(store, newV2Request({ method: 'SYNC', path: '/', timeMs: T0_MS + 1400 }));
  const [expired] = expectWatcher(store.watch('/k', false, false, 2)).takeEvents();
  const event = expectEvent(expired ?? null);
  assert.deepEqual([event.action, event.timeMs], ['expire', T0_MS + 1400]);
  const body = renderEventBody(event, () => T0_MS + 60_000);
  assert.equal(ttlOf(body, 'prevNode'), undefined);
  assert.ok(body.includes(EXPIRATION), body);
});

test('a delete or compare-and-swap freezes the TTL of its prevNode too', () => {
  const store = new V2Store();
  applyRequest(store, newV2Request({ method: 'PUT', path: '/a', value: '1', expirationMs: T0_MS + 30_000, timeMs: T0_MS }));
  applyRequest(store, newV2Request({ method: 'PUT', path: '/a', value: '2', prevValue: '1', timeMs: T0_MS + 10_000 }));
  const deleted = expectEvent(applyRequest(store, newV2Request({ method: 'DELETE', path: '/a', timeMs: T0_MS + 20_000 })));
  const [swap] = expectWatcher(store.watch('/a', false, false, 2)).takeEvents();
  assert.equal(ttlOf(renderEventBody(expectEvent(swap ?? null), () => T0_MS + 90_000), 'prevNode'), 20);
  assert.equal(ttlOf(renderEventBody(deleted, () => T0_MS + 90_000), 'prevNode'), undefined, 'the CAS made /a permanent');
});

test('local reads and requests without a time render TTLs at answer time', () => {
  const store = new V2Store();
  store.set('/k', false, 'v', { expireTimeMs: T0_MS + 10_000, refresh: false });
  const read = expectEvent(store.get('/k', false, false));
  assert.equal(read.timeMs, null);
  assert.equal(ttlOf(renderEventBody(read, () => T0_MS + 4000), 'node'), 6);
  const untimed = expectEvent(applyRequest(store, newV2Request({ method: 'PUT', path: '/u', value: 'u', expirationMs: T0_MS + 10_000 })));
  assert.equal(untimed.timeMs, null);
  assert.equal(ttlOf(renderEventBody(untimed, () => T0_MS + 1000), 'node'), 9);
  const quorumRead = expectEvent(applyRequest(store, newV2Request({ method: 'QGET', path: '/k', timeMs: T0_MS + 2000 })));
  assert.equal(ttlOf(renderEventBody(quorumRead, () => T0_MS + 9000), 'node'), 8, 'a quorum read is answered as of its apply');
});

test('operations being applied do not nest, and the stamp ends with the operation', () => {
  const store = new V2Store();
  assert.throws(() => store.applyingAt(T0_MS, () => store.applyingAt(T0_MS, () => null)), /do not nest/);
  assert.throws(() => store.applyingAt(1.5, () => null), /safe integer/);
  const after = expectEvent(store.set('/k', false, 'v', NO_TTL));
  assert.equal(after.timeMs, null, 'a failed operation left no stamp behind');
});
