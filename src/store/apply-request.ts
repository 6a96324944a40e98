// Applying a committed v2 request to the store, choosing the operation exactly as etcd's
// apply_v2 does: prevExist and the compare fields pick update, compareAndSwap, create or set
// for a PUT; POST creates an in-order key; a DELETE with a compare is compareAndDelete; QGET
// is a linearizable get; SYNC expires the keys due at the proposer's time. The proposer's
// time carried by every request stamps the events it makes (their TTLs are frozen there).

import { V2Store, type StoreResult, type TtlOptions } from './v2-store.js';
import type { V2Request } from './v2-request.js';

/** The outcome of one request: an event or an error, or null for a SYNC (etcd answers nothing). */
export type ApplyResult = StoreResult | null;

export function applyRequest(store: V2Store, request: V2Request): ApplyResult {
  return store.applyingAt(request.timeMs, () => applyOperation(store, request));
}

function applyOperation(store: V2Store, request: V2Request): ApplyResult {
  switch (request.method) {
    case 'POST':
      return store.create(request.path, request.dir, request.value, true, ttlOptionsOf(request));
    case 'PUT':
      return applyPut(store, request);
    case 'DELETE':
      return applyDelete(store, request);
    case 'QGET':
      return store.get(request.path, request.recursive, request.sorted);
    case 'SYNC':
      store.deleteExpiredKeys(request.timeMs);
      return null;
  }
}

function applyPut(store: V2Store, request: V2Request): StoreResult {
  const ttl = ttlOptionsOf(request);
  const compares = request.prevIndex > 0 || request.prevValue !== '';
  if (request.prevExist === true) {
    if (!compares) return store.update(request.path, request.value, ttl);
    return store.compareAndSwap(request.path, request.prevValue, request.prevIndex, request.value, ttl);
  }
  if (request.prevExist === false) return store.create(request.path, request.dir, request.value, false, ttl);
  if (compares) return store.compareAndSwap(request.path, request.prevValue, request.prevIndex, request.value, ttl);
  return store.set(request.path, request.dir, request.value, ttl);
}

function applyDelete(store: V2Store, request: V2Request): StoreResult {
  if (request.prevIndex > 0 || request.prevValue !== '') {
    return store.compareAndDelete(request.path, request.prevValue, request.prevIndex);
  }
  return store.delete(request.path, request.dir, request.recursive);
}

function ttlOptionsOf(request: V2Request): TtlOptions {
  // etcd reads an expiration of 0 as "none" (its zero time), so the epoch itself means none.
  const expireTimeMs = request.expirationMs === 0 ? null : request.expirationMs;
  return { expireTimeMs, refresh: request.refresh };
}
