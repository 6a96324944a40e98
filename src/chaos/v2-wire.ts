// How a chaos client's v2 operation travels over HTTP: each checker input becomes the request
// the v2 client builds for it, and each answer, decoded as the v2 client decodes it, the checker
// output it proves. Only etcd's 100/101/105 errors are definite failures; server errors (300
// timeouts, 301 elections, 5xx) leave the outcome unknown.

import type { IncomingHttpHeaders } from 'node:http';
import type { HttpExchange } from '../client/http-transport.js';
import { decodeKeysAnswer, deleteExchange, getExchange, setExchange } from '../client/keys-api.js';
import { V2Error } from '../client/v2-error.js';
import type { V2Response } from '../client/v2-types.js';
import type { V2ErrorCode, V2Input, V2Output } from '../check/models/v2-key-model.js';

export type WireOutcome =
  | { readonly kind: 'definite'; readonly output: V2Output }
  | { readonly kind: 'unknown'; readonly reason: string }
  /** The connection was refused: the request never left the client, so it took no effect. */
  | { readonly kind: 'not-sent'; readonly reason: string }
  /** An answer the model has no place for (a bad request, say): a bug in the client or server. */
  | { readonly kind: 'unexpected'; readonly reason: string };

const DEFINITE_ERROR_CODES: readonly number[] = [100, 101, 105] satisfies V2ErrorCode[];
/** The checker judges the body alone; the cluster-state headers play no part. */
const NO_HEADERS: IncomingHttpHeaders = {};
/** How much of an unexpected answer a reason quotes. */
const QUOTED_CHARS_MAX = 200;

/**
 * The request for `input`. `quorumReads` false sends a get without quorum=true: a local read
 * that may be stale, which only a deliberately broken run does.
 */
export function exchangeOf(input: V2Input, quorumReads = true): HttpExchange {
  switch (input.kind) {
    case 'get':
      return getExchange(input.key, { quorum: quorumReads });
    case 'set':
      return setExchange(input.key, input.value);
    case 'create':
      return setExchange(input.key, input.value, { prevExist: false });
    case 'update':
      return setExchange(input.key, input.value, { prevExist: true });
    case 'compareAndSwap':
      return setExchange(input.key, input.value, { prevValue: input.prevValue, prevIndex: input.prevIndex });
    case 'delete':
      return deleteExchange(input.key);
    case 'compareAndDelete':
      return deleteExchange(input.key, { prevValue: input.prevValue, prevIndex: input.prevIndex });
  }
}

/** The checker's view of one answer (`status` and its body text). */
export function outcomeOf(input: V2Input, status: number, bodyText: string): WireOutcome {
  let answer: V2Response;
  try {
    answer = decodeKeysAnswer(status, NO_HEADERS, bodyText);
  } catch (error) {
    return failureOf(status, bodyText, error);
  }
  return successOf(input, answer, bodyText);
}

/** An error answer, or one that did not decode: `error` is what the decoder threw. */
function failureOf(status: number, bodyText: string, error: unknown): WireOutcome {
  const code = error instanceof V2Error ? error.errorCode : undefined;
  if (status >= 500) return { kind: 'unknown', reason: code === undefined ? `HTTP ${status}` : `HTTP ${status} error ${code}` };
  if (status >= 400 && code !== undefined && DEFINITE_ERROR_CODES.includes(code)) {
    return { kind: 'definite', output: { errorCode: code as V2ErrorCode } };
  }
  return { kind: 'unexpected', reason: `HTTP ${status} ${bodyText.trim().slice(0, QUOTED_CHARS_MAX)}` };
}

function successOf(input: V2Input, answer: V2Response, bodyText: string): WireOutcome {
  const node = answer.node;
  if (typeof node.modifiedIndex !== 'number') {
    return { kind: 'unexpected', reason: `success without a node index: ${bodyText.trim().slice(0, QUOTED_CHARS_MAX)}` };
  }
  if (input.kind === 'get') {
    if (typeof node.value !== 'string') return { kind: 'unexpected', reason: 'get answered without a value' };
    return { kind: 'definite', output: { errorCode: 0, value: node.value, modifiedIndex: node.modifiedIndex } };
  }
  const previous = answer.prevNode?.value ?? null;
  return { kind: 'definite', output: { errorCode: 0, modifiedIndex: node.modifiedIndex, previous } };
}
