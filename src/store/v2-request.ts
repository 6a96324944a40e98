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

const DEFAULTS: Omit<V2Request, 'method' | 'path'> = {
  value: '',
  dir: false,
  prevValue: '',
  prevIndex: 0,
  prevExist: null,
  expirationMs: null,
  refresh: false,
  recursive: false,
  sorted: false,
  timeMs: 0,
};

/** A request with every field not given set to its empty value. */
export function newV2Request(fields: Partial<V2Request> & Pick<V2Request, 'method' | 'path'>): V2Request {
  return { ...DEFAULTS, ...fields };
}
