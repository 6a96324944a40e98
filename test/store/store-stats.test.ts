// The /v2/stats/store counters: which outcome each operation counts (including etcd's
// quirks, where some refusals are counted as successes), and the JSON in etcd's order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STAT_COUNTERS, type StatCounter } from '../../src/store/store-stats.js';
import { NO_TTL, V2Store } from '../../src/store/v2-store.js';
import { T0_MS } from './store-helpers.js';

function countsOf(store: V2Store): Partial<Record<StatCounter, number>> {
  const nonZero: Partial<Record<StatCounter, number>> = {};
  for (const name of STAT_COUNTERS) if (store.stats.get(name) !== 0) nonZero[name] = store.stats.get(name);
  return nonZero;
}

test('each operation counts its success or failure', () => {
  const store = new V2Store();
  store.set('/k', false, 'v', NO_TTL);
  store.set('/k/x', false, 'v', NO_TTL);
  store.get('/k', false, false);
  store.get('/none', false, false);
  store.update('/k', 'w', NO_TTL);
  store.update('/none', 'w', NO_TTL);
  store.create('/c', false, '', false, NO_TTL);
  store.create('/c', false, '', false, NO_TTL);
  store.compareAndSwap('/k', 'w', 0, 'z', NO_TTL);
  store.compareAndSwap('/k', 'nope', 0, 'z', NO_TTL);
  store.compareAndDelete('/c', '', 0);
  store.compareAndDelete('/none', 'x', 0);
  store.delete('/k', false, false);
  store.delete('/k', false, false);
  store.set('/t', false, '', { expireTimeMs: T0_MS, refresh: false });
  store.deleteExpiredKeys(T0_MS);
  assert.deepEqual(countsOf(store), {
    getsSuccess: 1, getsFail: 1, setsSuccess: 2, setsFail: 1, deleteSuccess: 1, deleteFail: 1,
    updateSuccess: 1, updateFail: 1, createSuccess: 1, createFail: 1, compareAndSwapSuccess: 1,
    compareAndSwapFail: 1, compareAndDeleteSuccess: 1, compareAndDeleteFail: 1, expireCount: 1,
  });
});

test('etcd counts some refusals as successes, and a failed create walk as a failed set too', () => {
  const store = new V2Store();
  store.set('/file', false, 'v', NO_TTL);
  store.set('/dir', true, '', NO_TTL);
  store.update('/', '', NO_TTL);
  store.update('/dir', 'value', NO_TTL);
  store.compareAndSwap('/', 'a', 0, 'b', NO_TTL);
  store.delete('/', true, true);
  store.compareAndDelete('/dir', 'a', 0);
  store.compareAndDelete('/file', 'other', 0);
  store.create('/file/under', false, 'v', false, NO_TTL);
  assert.equal(store.index, 2, 'none of these writes succeeded');
  assert.deepEqual(countsOf(store), {
    setsSuccess: 2, setsFail: 1, updateSuccess: 2, compareAndSwapSuccess: 1, deleteSuccess: 1,
    compareAndDeleteSuccess: 2, createFail: 1,
  });
});

test('the JSON lists every counter in etcd\'s order, with the live watcher count last', () => {
  const store = new V2Store();
  store.set('/k', false, 'v', NO_TTL);
  store.watch('/k', false, true, 0);
  store.watch('/j', false, false, 0);
  assert.equal(
    store.statsJson(),
    '{"getsSuccess":0,"getsFail":0,"setsSuccess":1,"setsFail":0,"deleteSuccess":0,"deleteFail":0,' +
      '"updateSuccess":0,"updateFail":0,"createSuccess":0,"createFail":0,"compareAndSwapSuccess":0,' +
      '"compareAndSwapFail":0,"compareAndDeleteSuccess":0,"compareAndDeleteFail":0,"expireCount":0,"watchers":2}',
  );
});
