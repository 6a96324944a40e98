// How a chaos client's v2 operation travels over HTTP: the request for each checker input, and
// the checker output read back from the answer. Only etcd's 100/101/105 errors are definite
// failures; server errors (300 timeouts, 301 elections, 5xx) leave the outcome unknown.

import type { HttpExchange } from '../client/http-transport.js';
import type { V2ErrorCode, V2Input, V2Output } from '../check/models/v2-key-model.js';

export type WireOutcome =
  | { readonly kind: 'definite'; readonly output: V2Output }
  | { readonly kind: 'unknown'; readonly reason: string }
  /** The connection was refused: the request never left the client, so it took no effect. */
  | { readonly kind: 'not-sent'; readonly reason: string }
  /** An answer the model has no place for (a bad request, say): a bug in the client or server. */
  | { readonly kind: 'unexpected'; readonly reason: string };

const DEFINITE_ERROR_CODES: readonly number[] = [100, 101, 105] satisfies V2ErrorCode[];

interface EventNode {
  value?: string;
  modifiedIndex?: number;
}

interface KeysAnswerBody {
  errorCode?: number;
  message?: string;
  node?: EventNode;
  prevNode?: EventNode;
}

/**
 * The request for `input`. `quorumReads` false sends a get without quorum=true: a local read
 * that may be stale, which only a deliberately broken run does.
 */
export function exchangeOf(input: V2Input, quorumReads = true): HttpExchange {
  const path = `/v2/keys/${input.key}`;
  const form = new URLSearchParams();
  if ('value' in input) form.set('value', input.value);
  if (input.kind === 'create') form.set('prevExist', 'false');
  if (input.kind === 'update') form.set('prevExist', 'true');
  if (input.kind === 'compareAndSwap' || input.kind === 'compareAndDelete') {
    if (input.prevValue !== undefined) form.set('prevValue', input.prevValue);
    if (input.prevIndex !== undefined) form.set('prevIndex', String(input.prevIndex));
  }
  switch (input.kind) {
    case 'get':
      return { method: 'GET', path: quorumReads ? `${path}?quorum=true` : path };
    case 'delete':
    case 'compareAndDelete': {
      const query = form.toString();
      return { method: 'DELETE', path: query === '' ? path : `${path}?${query}` };
    }
    default:
      return { method: 'PUT', path, body: form.toString() };
  }
}

/** The checker's view of one answer (`status` and its body text). */
export function outcomeOf(input: V2Input, status: number, bodyText: string): WireOutcome {
  let body: KeysAnswerBody;
  try {
    body = JSON.parse(bodyText) as KeysAnswerBody;
  } catch {
    return status >= 500 ? { kind: 'unknown', reason: `HTTP ${status}` } : { kind: 'unexpected', reason: `HTTP ${status}, not JSON` };
  }
  if (status === 200 || status === 201) return successOf(input, body);
  if (status >= 500) return { kind: 'unknown', reason: `HTTP ${status} error ${body.errorCode ?? '-'}` };
  if (status >= 400 && DEFINITE_ERROR_CODES.includes(body.errorCode ?? -1)) {
    return { kind: 'definite', output: { errorCode: body.errorCode as V2ErrorCode } };
  }
  return { kind: 'unexpected', reason: `HTTP ${status} ${bodyText.trim().slice(0, 200)}` };
}

function successOf(input: V2Input, body: KeysAnswerBody): WireOutcome {
  const node = body.node;
  if (node === undefined || typeof node.modifiedIndex !== 'number') {
    return { kind: 'unexpected', reason: `success without a node index: ${JSON.stringify(body).slice(0, 200)}` };
  }
  if (input.kind === 'get') {
    if (typeof node.value !== 'string') return { kind: 'unexpected', reason: 'get answered without a value' };
    return { kind: 'definite', output: { errorCode: 0, value: node.value, modifiedIndex: node.modifiedIndex } };
  }
  const previous = body.prevNode?.value ?? null;
  return { kind: 'definite', output: { errorCode: 0, modifiedIndex: node.modifiedIndex, previous } };
}
