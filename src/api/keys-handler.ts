// /v2/keys: etcd's keysHandler. Parses the request, then serves it the way etcd's v2 server
// does: PUT, POST and DELETE go through Raft, a GET with quorum=true is linearizable (a
// ReadIndex round, even with wait=true, where etcd would answer a QGET likewise), a GET with
// wait=true becomes a watch, and a plain GET or HEAD reads this member's store directly (it
// may be stale). Answers carry etcd's headers.

import { ServerResponse } from 'node:http';
import { ErrorCode, isV2Error, newV2Error, renderEventBody, eventHttpStatus, type ApplyResult, type V2Error, type V2Event } from '../store/index.js';
import type { ApiContext, Exchange } from './api-context.js';
import { failureCause } from './backend-call.js';
import { FORM_TYPE, mergeForms, parseMediaType, parseQuery, type ParsedForm } from './go-form.js';
import { JSON_TYPE, sendBody, sendMethodNotAllowed, sendV2Error, type Headers } from './http-reply.js';
import { keyRequestToV2 } from './key-proposal.js';
import { parseKeyRequest, safeIndexOf, type KeyMethod, type KeyRequest } from './key-request.js';
import { serveWatch } from './key-watch.js';

export const KEYS_PREFIX = '/v2/keys';
const KEY_METHODS: readonly KeyMethod[] = ['HEAD', 'GET', 'PUT', 'POST', 'DELETE'];
/** A write's apply gave no event (a SYNC's answer): a bug, answered as error 300. */
const ANSWERED_AS_SYNC = 'the member answered a key request as if it were a SYNC';

/**
 * Serves one /v2/keys request. A write or quorum read resolves when it has been answered; no
 * async frames wait for it meanwhile (a request spends a round trip in flight, and what waits
 * for it survives the young generation's collections, which copy every byte of it).
 */
export function serveKeys(ctx: ApiContext, exchange: Exchange): void | Promise<void> {
  const { req, res, target } = exchange;
  const method = req.method as KeyMethod;
  if (!KEY_METHODS.includes(method)) return sendMethodNotAllowed(res, KEY_METHODS);
  const headers: Headers = { 'X-Etcd-Cluster-Id': ctx.clusterIdHeader };
  const form = keyForm(method, target.rawQuery, req.headers['content-type'], exchange.body);
  const parsed = parseKeyRequest(method, target.path.slice(KEYS_PREFIX.length), form.values, form.error);
  if (isV2Error(parsed)) return sendV2Error(res, parsed, headers);
  const { backend } = ctx;
  if (parsed.method === 'GET' && parsed.wait && !parsed.quorum) return startWatch(ctx, exchange, parsed, headers);
  if ((parsed.method === 'GET' && !parsed.quorum) || parsed.method === 'HEAD') {
    return answerKeyRequest(ctx, res, parsed, headers, backend.store.get(parsed.key, parsed.recursive, parsed.sorted));
  }
  const answered = (result: ApplyResult): void => {
    if (!res.destroyed) answerKeyRequest(ctx, res, parsed, headers, result ?? newV2Error(ErrorCode.RaftInternal, ANSWERED_AS_SYNC, 0));
  };
  if (parsed.method === 'GET') return quorumGet(ctx, parsed).then(answered, (error: unknown) => answered(raftFailure(error)));
  return proposeAndAnswer(ctx, parsed, answered);
}

/** Error 300 for a write or quorum read that could not be committed (or read) in time. */
function raftFailure(error: unknown): V2Error {
  return newV2Error(ErrorCode.RaftInternal, failureCause(error), 0);
}

function answerKeyRequest(ctx: ApiContext, res: Exchange['res'], parsed: KeyRequest, headers: Headers, result: V2Event | V2Error): void {
  if (isV2Error(result)) return sendV2Error(res, result, headers);
  // `headers` is this request's own object: the answer's headers are added to it, not copied.
  addRaftHeaders(ctx, headers);
  headers['X-Etcd-Index'] = String(result.etcdIndex);
  headers['Content-Type'] = JSON_TYPE;
  const body = renderEventBody(result, ctx.nowMs, { noValueOnSuccess: parsed.noValueOnSuccess });
  sendBody(res, eventHttpStatus(result), headers, body);
}

/** Go's ParseForm: the urlencoded body of a PUT or POST first, then the query string. */
function keyForm(method: string, rawQuery: string, contentType: string | undefined, body: string): ParsedForm {
  let values: Map<string, string[]> | null = null;
  let error: string | null = null;
  if (method === 'PUT' || method === 'POST') {
    const media = parseMediaType(contentType ?? 'application/octet-stream');
    error = media.error;
    if (media.mediaType === FORM_TYPE) {
      // The body's form is fresh: the query's values are appended to it, after the body's.
      const bodyForm = parseQuery(body);
      values = bodyForm.values;
      error ??= bodyForm.error;
    }
  }
  values ??= new Map<string, string[]>();
  if (rawQuery === '') return { values, error };
  const queryForm = parseQuery(rawQuery);
  mergeForms(values, queryForm.values);
  return { values, error: error ?? queryForm.error };
}

/**
 * Proposes a write and answers it from the apply itself (ApiBackend.proposeThen), or with error
 * 300 if it cannot be committed and applied. Resolves once answered; rejects with what answering
 * threw (a bug, which the caller answers).
 */
function proposeAndAnswer(ctx: ApiContext, request: KeyRequest, answered: (result: ApplyResult) => void): Promise<void> {
  return new Promise<void>((done, broke) => {
    const onApplied = (result: ApplyResult): void => {
      try {
        answered(result);
        done();
      } catch (error) {
        broke(error);
      }
    };
    const onFailed = (error: unknown): void => onApplied(raftFailure(error));
    const { backend } = ctx;
    try {
      backend.proposeThen(keyRequestToV2(request, backend.nowMs()), ctx.requestTimeoutMs, onApplied, onFailed);
    } catch (error) {
      onFailed(error);
    }
  });
}

/**
 * A linearizable GET: a ReadIndex round proves this member has applied everything committed
 * before the request, then the local store answers (no log entry, unlike etcd's QGET, with
 * the same answer).
 */
function quorumGet(ctx: ApiContext, request: KeyRequest): Promise<V2Event | V2Error> {
  try {
    return ctx.backend.linearizableRead(ctx.requestTimeoutMs).then(() => ctx.backend.store.get(request.key, request.recursive, request.sorted));
  } catch (error) {
    return Promise.reject(error);
  }
}

function startWatch(ctx: ApiContext, exchange: Exchange, request: KeyRequest, headers: Headers): void {
  const { backend, watchLimits } = ctx;
  // The fast lane hands every GET that may be a watch to node:http, whose answers can stream.
  if (!(exchange.res instanceof ServerResponse)) throw new Error('a watch reached an answer that cannot stream');
  const socket = exchange.req.socket;
  const refusal = watchLimits.acquire(socket);
  if (refusal !== null) return sendV2Error(exchange.res, newV2Error(ErrorCode.RaftInternal, refusal, 0), headers);
  const watcher = backend.store.watch(request.key, request.recursive, request.stream, safeIndexOf(request.waitIndex));
  if (isV2Error(watcher)) {
    watchLimits.release(socket);
    return sendV2Error(exchange.res, watcher, headers);
  }
  serveWatch(exchange.res, {
    watcher,
    stream: request.stream,
    headers: addRaftHeaders(ctx, headers),
    nowMs: ctx.nowMs,
    onDone: () => watchLimits.release(socket),
  });
}

function addRaftHeaders(ctx: ApiContext, headers: Headers): Headers {
  headers['X-Raft-Index'] = String(ctx.backend.raftIndex());
  headers['X-Raft-Term'] = String(ctx.backend.raftTerm());
  return headers;
}

