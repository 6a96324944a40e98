// A v2 request as it travels through Raft (etcd's RequestV2): the method and every field the
// apply step reads. Times are absolute (ms since the epoch) and fixed by the member that
// proposed the request, so applying it gives the same result on every member.

export type V2Method = 'PUT' | 'POST' | 'DELETE' | 'QGET' | 'SYNC';

export const V2_METHODS: readonly V2Method[] = ['PUT', 'POST', 'DELETE', 'QGET', 'SYNC'];

export interface V2Request {
  readonly method: V2Method;
  /** The key, as received; the store cleans it. */
  readonly path: string;
  readonly value: string;
  readonly dir: boolean;
  /** Compare against the current value; '' means no compare. */
  readonly prevValue: string;
  /** Compare against the current modifiedIndex; 0 means no compare. */
  readonly prevIndex: number;
  /** prevExist: true, false, or null when the request did not say. */
  readonly prevExist: boolean | null;
  /** Absolute expiration (the proposer's now + ttl), or null for none. */
  readonly expirationMs: number | null;
  readonly refresh: boolean;
  readonly recursive: boolean;
  readonly sorted: boolean;
  /**
   * The proposer's clock when it made the request (0: not given). For a SYNC, keys expiring
   * at or before this time are removed; for any request, its events' TTLs are computed at it.
   */
  readonly timeMs: number;
}

/**
 * A request with every field not given set to its empty value. Built field by field, not by
 * spreading defaults, so every request has one hidden class (this runs once per write).
 */
export function newV2Request(fields: Partial<V2Request> & Pick<V2Request, 'method' | 'path'>): V2Request {
  return {
    method: fields.method,
    path: fields.path,
    value: fields.value ?? '',
    dir: fields.dir ?? false,
    prevValue: fields.prevValue ?? '',
    prevIndex: fields.prevIndex ?? 0,
    prevExist: fields.prevExist ?? null,
    expirationMs: fields.expirationMs ?? null,
    refresh: fields.refresh ?? false,
    recursive: fields.recursive ?? false,
    sorted: fields.sorted ?? false,
    timeMs: fields.timeMs ?? 0,
  };
}
