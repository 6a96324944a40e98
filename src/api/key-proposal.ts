// Turning a parsed /v2/keys write into the V2Request that goes through Raft,
// as etcd builds its RequestV2: the TTL becomes an absolute expiration fixed by this member's
// clock, computed with Go's 64-bit nanosecond arithmetic so that absurd TTLs wrap exactly as
// they do in etcd (a wrapped, pre-2000 expiration makes the key permanent). The request also
// carries that clock reading, at which its events' TTLs are frozen.

import { newV2Request, type V2Request } from '../store/index.js';
import { safeIndexOf, type KeyRequest } from './key-request.js';

const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_MS = 1_000_000n;

/** The request to propose for a PUT, POST or DELETE (reads are served locally, after a ReadIndex round for quorum=true). */
export function keyRequestToV2(request: KeyRequest, nowMs: number): V2Request {
  const { method } = request;
  if (method === 'GET' || method === 'HEAD') throw new Error(`a ${method} is served locally, never proposed`);
  return newV2Request({
    method,
    path: request.key,
    value: request.value,
    dir: request.dir,
    prevValue: request.prevValue,
    prevIndex: safeIndexOf(request.prevIndex),
    prevExist: request.prevExist,
    expirationMs: request.ttlSeconds === null ? null : expirationMsOf(request.ttlSeconds, nowMs),
    refresh: request.refresh,
    recursive: request.recursive,
    sorted: request.sorted,
    timeMs: nowMs,
  });
}

/** Go's `now.Add(time.Duration(ttl) * time.Second).UnixNano()`, in ms, wrapping like int64. */
function expirationMsOf(ttlSeconds: bigint, nowMs: number): number {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new Error(`bad clock reading ${nowMs}`);
  const durationNs = BigInt.asIntN(64, BigInt.asIntN(64, ttlSeconds) * NANOS_PER_SECOND);
  const expirationNs = BigInt.asIntN(64, BigInt(nowMs) * NANOS_PER_MS + durationNs);
  // Rounding toward minus infinity keeps "expired at or before now" exact for ttl=0.
  const expirationMs = expirationNs >= 0n ? expirationNs / NANOS_PER_MS : -((-expirationNs + NANOS_PER_MS - 1n) / NANOS_PER_MS);
  return Number(expirationMs);
}
