// The /v2/keys operations: get, set and its conditional forms, in-order creation and delete.
// Each builds one HTTP exchange, sends it through the endpoint pool and decodes the answer
// into a typed V2Response or a V2Error; the builders and the decoder are exported for clients
// that send on their own (the chaos clients).

import type { IncomingHttpHeaders } from 'node:http';
import type { HttpExchange } from './http-transport.js';
import type { EndpointPool, PoolRequestOptions } from './endpoint-pool.js';
import { keysPath } from './key-path.js';
import { EmptyBodyError, InvalidJsonError, V2Error } from './v2-error.js';
import type { V2Node, V2Response } from './v2-types.js';

export const KEYS_PREFIX = '/v2/keys';

export interface CallOptions {
  /** Cancels the call; pass AbortSignal.timeout(ms) for a total deadline. */
  signal?: AbortSignal;
}

export interface GetOptions extends CallOptions {
  recursive?: boolean;
  sorted?: boolean;
  /** Read through Raft (linearizable) instead of from the member's local store. */
  quorum?: boolean;
}

export interface SetOptions extends CallOptions {
  /** Seconds to live; null clears an existing TTL (`ttl=`). */
  ttl?: number | null;
  prevValue?: string;
  /** 0 means "no compare", as on the server. */
  prevIndex?: number;
  prevExist?: boolean;
  dir?: boolean;
  /** Extend the TTL without notifying watchers (send no value). */
  refresh?: boolean;
  noValueOnSuccess?: boolean;
}

export interface CreateInOrderOptions extends CallOptions {
  ttl?: number;
}

export interface DeleteOptions extends CallOptions {
  dir?: boolean;
  recursive?: boolean;
  prevValue?: string;
  prevIndex?: number;
}

export class KeysApi {
  constructor(private readonly pool: EndpointPool) {}

  get(key: string, options: GetOptions = {}): Promise<V2Response> {
    return this.send(getExchange(key, options), options);
  }

  /** PUT: set, or create/update/compareAndSwap as the prev* options say. */
  set(key: string, value: string, options: SetOptions = {}): Promise<V2Response> {
    // A create must not be applied twice, so it is never retried on another endpoint.
    return this.send(setExchange(key, value, options), { ...options, oneShot: options.prevExist === false });
  }

  create(key: string, value: string, options: Omit<SetOptions, 'prevExist'> = {}): Promise<V2Response> {
    return this.set(key, value, { ...options, prevExist: false });
  }

  update(key: string, value: string, options: Omit<SetOptions, 'prevExist'> = {}): Promise<V2Response> {
    return this.set(key, value, { ...options, prevExist: true });
  }

  compareAndSwap(key: string, value: string, options: SetOptions & ({ prevValue: string } | { prevIndex: number })): Promise<V2Response> {
    return this.set(key, value, options);
  }

  /** POST: a new child of `dir` named by its creation index. */
  createInOrder(dir: string, value: string, options: CreateInOrderOptions = {}): Promise<V2Response> {
    const form = new URLSearchParams({ value });
    if (options.ttl !== undefined) form.set('ttl', checkedIndex(options.ttl, 'ttl'));
    return this.send({ method: 'POST', path: keysPath(KEYS_PREFIX, dir), body: form.toString() }, options);
  }

  delete(key: string, options: DeleteOptions = {}): Promise<V2Response> {
    // A delete must not be applied twice either.
    return this.send(deleteExchange(key, options), { ...options, oneShot: true });
  }

  private async send(exchange: HttpExchange, options: PoolRequestOptions): Promise<V2Response> {
    const answer = await this.pool.request(exchange, options);
    return decodeKeysAnswer(answer.status, answer.headers, answer.body);
  }
}

/** The GET of `key`. */
export function getExchange(key: string, options: GetOptions = {}): HttpExchange {
  const query = new URLSearchParams();
  setFlag(query, 'recursive', options.recursive);
  setFlag(query, 'sorted', options.sorted);
  setFlag(query, 'quorum', options.quorum);
  return { method: 'GET', path: withQuery(keysPath(KEYS_PREFIX, key), query) };
}

/** The PUT that sets `key`: conditions and flags go in the query as etcd's Go client sends them. */
export function setExchange(key: string, value: string, options: SetOptions = {}): HttpExchange {
  const query = new URLSearchParams();
  const form = new URLSearchParams();
  if (options.dir) query.set('dir', 'true');
  else if (!options.refresh || value !== '') form.set('value', value);
  if (options.prevValue !== undefined) query.set('prevValue', options.prevValue);
  if (options.prevIndex) query.set('prevIndex', checkedIndex(options.prevIndex, 'prevIndex'));
  if (options.prevExist !== undefined) query.set('prevExist', String(options.prevExist));
  if (options.ttl === null) form.set('ttl', '');
  else if (options.ttl !== undefined) form.set('ttl', checkedIndex(options.ttl, 'ttl'));
  setFlag(form, 'refresh', options.refresh);
  setFlag(query, 'noValueOnSuccess', options.noValueOnSuccess);
  return { method: 'PUT', path: withQuery(keysPath(KEYS_PREFIX, key), query), body: form.toString() };
}

/** The DELETE of `key`. */
export function deleteExchange(key: string, options: DeleteOptions = {}): HttpExchange {
  const query = new URLSearchParams();
  if (options.prevValue !== undefined) query.set('prevValue', options.prevValue);
  if (options.prevIndex) query.set('prevIndex', checkedIndex(options.prevIndex, 'prevIndex'));
  setFlag(query, 'dir', options.dir);
  setFlag(query, 'recursive', options.recursive);
  return { method: 'DELETE', path: withQuery(keysPath(KEYS_PREFIX, key), query) };
}

/** Decodes a keys answer: a V2Response for 200/201, else throws the V2Error it carries. */
export function decodeKeysAnswer(status: number, headers: IncomingHttpHeaders, body: string): V2Response {
  if (status !== 200 && status !== 201) throw V2Error.fromBody(parseJson(body), status);
  if (body.length === 0) throw new EmptyBodyError();
  return decodeEvent(parseJson(body), status, headers);
}

/** Builds a V2Response from one decoded event object and the answer's headers. */
export function decodeEvent(decoded: unknown, status: number, headers: IncomingHttpHeaders): V2Response {
  const event = decoded as { action?: unknown; node?: unknown; prevNode?: unknown };
  if (typeof event !== 'object' || event === null || typeof event.action !== 'string') throw new InvalidJsonError();
  if (event.node !== undefined && (typeof event.node !== 'object' || event.node === null)) throw new InvalidJsonError();
  const response: V2Response = {
    action: event.action as V2Response['action'],
    node: (event.node ?? {}) as V2Node,
    etcdIndex: headerNumber(headers, 'x-etcd-index') ?? 0,
    status,
  };
  if (event.prevNode) response.prevNode = event.prevNode as V2Node;
  const raftIndex = headerNumber(headers, 'x-raft-index');
  if (raftIndex !== undefined) response.raftIndex = raftIndex;
  const raftTerm = headerNumber(headers, 'x-raft-term');
  if (raftTerm !== undefined) response.raftTerm = raftTerm;
  const clusterId = headers['x-etcd-cluster-id'];
  if (typeof clusterId === 'string') response.clusterId = clusterId;
  return response;
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new InvalidJsonError();
  }
}

function headerNumber(headers: IncomingHttpHeaders, name: string): number | undefined {
  const raw = headers[name];
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

function setFlag(params: URLSearchParams, name: string, on: boolean | undefined): void {
  if (on) params.set(name, 'true');
}

export function withQuery(path: string, query: URLSearchParams): string {
  const encoded = query.toString();
  return encoded === '' ? path : `${path}?${encoded}`;
}

function checkedIndex(value: number, name: string): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return String(value);
}
