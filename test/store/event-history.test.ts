// The event history keeps a file's write packed (strings and numbers in columns) and every
// other event as it is; either way a watch that reads it back from the history gets the event
// exactly as it happened, and the ring forgets the oldest events in order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRequest } from '../../src/store/apply-request.js';
import { EventHistory } from '../../src/store/event-history.js';
import { newEvent, type NodeView, type V2Event } from '../../src/store/event.js';
import { newV2Request } from '../../src/store/v2-request.js';
import { V2Store } from '../../src/store/v2-store.js';
import { expectError, expectEvent, expectWatcher, T0_MS } from './store-helpers.js';

function file(key: string, value: string | null, modifiedIndex: number, createdIndex = modifiedIndex, expirationMs: number | null = null): NodeView {
  return { key, value, dir: false, expirationMs, nodes: null, modifiedIndex, createdIndex };
}

test('every kind of write comes back from the history exactly as it happened', () => {
  const store = new V2Store();
  const live = expectWatcher(store.watch('/', true, true, 0));
  const requests = [
    newV2Request({ method: 'PUT', path: '/a', value: 'one', timeMs: T0_MS }),
    newV2Request({ method: 'PUT', path: '/a', value: 'two', timeMs: T0_MS + 1 }),
    newV2Request({ method: 'PUT', path: '/t', value: 'ttl', expirationMs: T0_MS + 5000, timeMs: T0_MS + 2 }),
    newV2Request({ method: 'PUT', path: '/t', expirationMs: T0_MS + 9000, refresh: true, prevExist: true, timeMs: T0_MS + 3 }),
    newV2Request({ method: 'PUT', path: '/a', value: 'three', prevValue: 'two', timeMs: T0_MS + 4 }),
    newV2Request({ method: 'PUT', path: '/a', value: 'four', prevExist: true, timeMs: T0_MS + 5 }),
    newV2Request({ method: 'PUT', path: '/d/x', value: 'in a dir', timeMs: T0_MS + 6 }),
    newV2Request({ method: 'POST', path: '/q', value: 'queued', timeMs: T0_MS + 7 }),
    newV2Request({ method: 'PUT', path: '/e', dir: true, timeMs: T0_MS + 8 }),
    newV2Request({ method: 'DELETE', path: '/a', prevValue: 'four', timeMs: T0_MS + 9 }),
    newV2Request({ method: 'DELETE', path: '/d', recursive: true, timeMs: T0_MS + 10 }),
    newV2Request({ method: 'PUT', path: '/u', value: 'untimed' }),
    newV2Request({ method: 'SYNC', path: '/', timeMs: T0_MS + 10_000 }),
  ];
  for (const request of requests) applyRequest(store, request);
  const happened = live.takeEvents();
  // Every write but the refresh, which wakes nobody, and the expiry of /t.
  assert.deepEqual(happened.map((event) => event.action), ['set', 'set', 'set', 'compareAndSwap', 'update', 'set', 'create', 'set', 'compareAndDelete', 'delete', 'set', 'expire']);
  for (const event of happened) {
    const index = event.node.modifiedIndex;
    const [replayed] = expectWatcher(store.watch(event.node.key, false, false, index)).takeEvents();
    assert.deepEqual(replayed, { ...event, etcdIndex: store.index }, `event ${index} (${event.action} ${event.node.key})`);
  }
  // A watcher of a key inside the deleted directory still finds the directory's removal.
  const [removal] = expectWatcher(store.watch('/d/x', false, false, 8)).takeEvents();
  assert.deepEqual([removal?.action, removal?.node.key], ['delete', '/d']);
});

test('a refresh kept packed stays invisible to history scans', () => {
  const history = new EventHistory(4);
  history.add(newEvent('set', file('/k', 'v', 1), null, 1, T0_MS));
  history.add(newEvent('set', file('/k', 'v', 2, 1, T0_MS + 5000), file('/k', 'v', 1), 2, T0_MS, true));
  assert.equal(history.scan('/k', false, 2), null, 'the refresh is skipped: the watch waits');
  assert.equal(expectEvent(history.scan('/k', false, 1)).node.modifiedIndex, 1);
  history.add(newEvent('set', file('/k', 'w', 3), file('/k', 'v', 2, 1, T0_MS + 5000), 3, T0_MS));
  assert.equal(expectEvent(history.scan('/k', false, 2)).node.modifiedIndex, 3, 'the scan goes past the refresh');
});

test('the ring forgets the oldest events, packed or not, and says from where', () => {
  const history = new EventHistory(3);
  const dirEvent = newEvent('create', { ...file('/dir', null, 1), dir: true }, null, 1, T0_MS);
  history.add(dirEvent);
  for (let index = 2; index <= 5; index++) history.add(newEvent('set', file('/k', `v${index}`, index, 2), index === 2 ? null : file('/k', `v${index - 1}`, index - 1, 2), index, T0_MS + index));
  assert.equal(expectError(history.scan('/k', false, 2), 401).cause, 'the requested history has been cleared [3/2]');
  const oldest = expectEvent(history.scan('/k', false, 3));
  assert.deepEqual(oldest, newEvent('set', file('/k', 'v3', 3, 2), file('/k', 'v2', 2, 2), 3, T0_MS + 3));
  assert.equal(history.scan('/k', false, 6), null, 'an index not reached yet is waited for');
  const small = new EventHistory(1);
  small.add(dirEvent);
  assert.equal(expectEvent(small.scan('/', true, 1)), dirEvent, 'an event kept as it is comes back as that very object');
  small.add(newEvent('set', file('/k', 'x', 2), null, 2, null));
  assert.deepEqual(expectEvent(small.scan('/', true, 2)), newEvent('set', file('/k', 'x', 2), null, 2, null));
});

/** The events of a packed slot are fresh objects: a later write does not change one read before. */
test('an event read from the history does not change with later writes', () => {
  const history = new EventHistory(2);
  history.add(newEvent('set', file('/k', 'a', 1), null, 1, T0_MS));
  const first: V2Event = expectEvent(history.scan('/k', false, 1));
  history.add(newEvent('set', file('/k', 'b', 2), file('/k', 'a', 1), 2, T0_MS));
  history.add(newEvent('set', file('/k', 'c', 3), file('/k', 'b', 2), 3, T0_MS));
  assert.deepEqual([first.node.value, first.node.modifiedIndex], ['a', 1]);
});
