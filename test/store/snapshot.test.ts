// Snapshots and replica agreement: a saved image restores the same tree, index and TTLs;
// stores fed the same requests (through the codec, as Raft would deliver them) have equal
// bytes and hashes, and so does a store restored mid-way that then applies the rest.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRequest } from '../../src/store/apply-request.js';
import { renderEventBody } from '../../src/store/render.js';
import { decodeV2Request, encodeV2Request } from '../../src/store/request-codec.js';
import { newV2Request, type V2Request } from '../../src/store/v2-request.js';
import { NO_TTL, V2Store } from '../../src/store/v2-store.js';
import { Prng } from '../../src/util/prng.js';
import { expectError, expectEvent, expectWatcher, T0_MS } from './store-helpers.js';

const KEYS = ['/a', '/a/b', '/a/_h', '/c', '/c/d/e', '/q', '/x'];

function randomRequest(prng: Prng, step: number): V2Request {
  const pick = <T>(items: readonly T[]): T => items[prng.nextUint32() % items.length] as T;
  const path = pick(KEYS);
  const nowMs = T0_MS + step * 100;
  // Coarse expirations make equal times common, so ties in the expiry order are exercised.
  const expirationMs = prng.nextUint32() % 3 === 0 ? nowMs + 1000 * (1 + (prng.nextUint32() % 3)) : null;
  switch (prng.nextUint32() % 9) {
    case 0:
      return newV2Request({ method: 'POST', path, value: `p${step}`, expirationMs });
    case 1:
      return newV2Request({ method: 'DELETE', path, recursive: prng.nextUint32() % 2 === 0, dir: true });
    case 2:
      return newV2Request({ method: 'DELETE', path, prevIndex: prng.nextUint32() % (step + 1) });
    case 3:
      return newV2Request({ method: 'SYNC', path: '', timeMs: nowMs });
    case 4:
      return newV2Request({ method: 'PUT', path, dir: true, prevExist: pick([null, false]), expirationMs });
    case 5:
      return newV2Request({ method: 'PUT', path, value: `u${step}`, prevExist: true, expirationMs });
    case 6:
      return newV2Request({ method: 'QGET', path, recursive: true, sorted: true });
    default:
      return newV2Request({ method: 'PUT', path, value: `s${step}`, prevValue: pick(['', `s${step - 1}`]), expirationMs });
  }
}

function randomLog(seed: number, length: number): Uint8Array[] {
  const prng = new Prng(seed);
  return Array.from({ length }, (_, step) => encodeV2Request(randomRequest(prng, step)));
}

function applyAll(store: V2Store, log: readonly Uint8Array[]): void {
  for (const entry of log) applyRequest(store, decodeV2Request(entry));
}

test('save then recover gives the same tree, index, TTLs and bytes', () => {
  const original = new V2Store();
  original.set('/dir/a', false, 'é<"\n>', NO_TTL);
  original.set('/dir/_hidden', false, 'h', NO_TTL);
  original.set('/ttl', false, 't', { expireTimeMs: T0_MS + 2000, refresh: false });
  original.create('/dir/empty', true, '', false, { expireTimeMs: T0_MS + 1000, refresh: false });
  original.update('/dir/a', 'changed', NO_TTL);
  const restored = new V2Store();
  restored.recover(original.save());
  assert.equal(restored.index, original.index);
  assert.deepEqual(Buffer.from(restored.save()), Buffer.from(original.save()));
  assert.equal(restored.hash(), original.hash());
  const listing = (store: V2Store): string => renderEventBody(expectEvent(store.get('/', true, false)), () => T0_MS);
  assert.equal(listing(restored), listing(original));
  assert.equal(expectEvent(restored.get('/dir/_hidden', false, false)).node.value, 'h');
  const expiredKeys = (store: V2Store): string[] => store.deleteExpiredKeys(T0_MS + 5000).map((e) => `${e.node.key}@${e.node.modifiedIndex}`);
  assert.deepEqual(expiredKeys(restored), ['/dir/empty@6', '/ttl@7']);
  assert.deepEqual(expiredKeys(original), ['/dir/empty@6', '/ttl@7']);
});

test('replicas fed the same requests agree byte for byte, including one restored mid-way', () => {
  const log = randomLog(42, 600);
  const first = new V2Store();
  const second = new V2Store();
  applyAll(first, log);
  applyAll(second, log);
  assert.ok(first.index > 100, `the random log should write a lot (index ${first.index})`);
  assert.deepEqual(Buffer.from(first.save()), Buffer.from(second.save()));
  assert.equal(first.hash(), second.hash());
  const leader = new V2Store();
  applyAll(leader, log.slice(0, 300));
  const late = new V2Store();
  late.recover(leader.save());
  applyAll(late, log.slice(300));
  assert.equal(late.hash(), first.hash());
  assert.equal(late.index, first.index);
});

test('different histories give different hashes', () => {
  const a = new V2Store();
  const b = new V2Store();
  a.set('/k', false, 'v', NO_TTL);
  b.set('/k', false, 'w', NO_TTL);
  assert.notEqual(a.hash(), b.hash());
  assert.match(a.hash(), /^[0-9a-f]{64}$/);
});

test('recover keeps watchers and starts a fresh history', () => {
  const source = new V2Store();
  for (let i = 0; i < 5; i++) source.set('/k', false, String(i), NO_TTL);
  const member = new V2Store();
  member.set('/k', false, 'local', NO_TTL);
  const watcher = expectWatcher(member.watch('/k', false, true, 0));
  member.recover(source.save());
  assert.equal(member.watcherCount, 1);
  const waiting = expectWatcher(member.watch('/k', false, false, 3));
  assert.deepEqual(waiting.takeEvents(), [], 'the history is empty, so index 3 is waited for');
  member.set('/k', false, 'after', NO_TTL);
  assert.deepEqual(watcher.takeEvents().map((e) => [e.node.value, e.node.modifiedIndex]), [['after', 6]]);
  assert.deepEqual(waiting.takeEvents().map((e) => e.node.modifiedIndex), [6]);
  assert.equal(expectError(member.watch('/k', false, false, 3), 401).cause, 'the requested history has been cleared [6/3]');
});

test('malformed images are refused and leave the store as it was', () => {
  const store = new V2Store();
  store.set('/k', false, 'v', NO_TTL);
  const before = store.hash();
  const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  const image = (root: unknown, index = 5): Uint8Array => encode({ format: 'raftyard-v2store', version: 1, index, root });
  assert.throws(() => store.recover(new TextEncoder().encode('{')), SyntaxError);
  assert.throws(() => store.recover(encode({ format: 'other', version: 1 })), /unknown format/);
  assert.throws(() => store.recover(image(['', 0, 0, null, [['a/b', 1, 1, null, 'v']]])), /bad child name/);
  assert.throws(() => store.recover(image(['', 0, 0, null, [['a', 1, 1, null, 'v'], ['a', 2, 2, null, 'w']]])), /duplicate child/);
  assert.throws(() => store.recover(image(['', 0, 0, null, [['a', 9, 9, null, 'v']]])), /bad createdIndex/);
  assert.throws(() => store.recover(image(['', 0, 0, null, [['a', 1, 1, 'soon', 'v']]])), /bad expiration/);
  assert.throws(() => store.recover(image(['', 0, 0, null, 'not a dir'])), /bad root/);
  assert.equal(store.hash(), before);
});
