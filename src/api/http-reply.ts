// Writing answers the way etcd's Go handlers write them: http.Error's plain-text errors (with
// X-Content-Type-Options), 405 with `Allow`, the `{"message"}` errors of the non-key endpoints,
// v2 store errors with X-Etcd-Index, and complete bodies with their Content-Length. Every answer
// of a handler carries etcd's CORS headers; only Go's own 400 for an unparsable target has none.

import type { ApiResponse } from './api-context.js';
import { errorHttpStatus, renderErrorBody, type V2Error } from '../store/index.js';
import { goQuote } from '../store/go-json.js';

export type Headers = Record<string, string>;

export const JSON_TYPE = 'application/json';
/** What Go's content sniffing (or http.Error) says for a body of plain text or JSON without a type. */
export const TEXT_TYPE = 'text/plain; charset=utf-8';

const CORS_HEADERS: Readonly<Headers> = {
  'Access-Control-Allow-Headers': 'accept, content-type, authorization',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS, PUT, DELETE',
  'Access-Control-Allow-Origin': '*',
};

/** Adds etcd's CORS headers to `headers` (the answer's own object, not copied) and returns it. */
export function withCors(headers: Headers): Headers {
  return Object.assign(headers, CORS_HEADERS);
}

/**
 * Sends a whole answer with its CORS headers; a HEAD answer carries the same headers and no
 * body. `headers` becomes the answer's header object (it is added to, not copied), written in
 * one writeHead with the body as a string, so node sends head and body in one write.
 */
export function sendBody(res: ApiResponse, status: number, headers: Headers, body: string): void {
  sendAnswer(res, status, withCors(headers), body);
}

/** Go's own answer to a request target it cannot parse: 400, no CORS, and the connection closes. */
export function sendBadRequestTarget(res: ApiResponse): void {
  sendAnswer(res, 400, { Connection: 'close', 'Content-Type': TEXT_TYPE, 'X-Content-Type-Options': 'nosniff' }, '400 Bad Request\n');
}

function sendAnswer(res: ApiResponse, status: number, headers: Headers, body: string): void {
  if (res.headersSent) throw new Error(`answer already started; cannot send status ${status}`);
  headers['Content-Length'] = String(Buffer.byteLength(body, 'utf8'));
  res.writeHead(status, headers);
  res.end(body, 'utf8');
}

/** Go's http.Error: plain text, nosniff, the message and a newline. */
export function sendGoHttpError(res: ApiResponse, status: number, message: string, headers: Headers = {}): void {
  const errorHeaders = { ...headers, 'Content-Type': TEXT_TYPE, 'X-Content-Type-Options': 'nosniff' };
  sendBody(res, status, errorHeaders, message + '\n');
}

export function sendNotFound(res: ApiResponse): void {
  sendGoHttpError(res, 404, '404 page not found');
}

/** etcd's allowMethod: 405 with the allowed methods joined by commas. */
export function sendMethodNotAllowed(res: ApiResponse, allowed: readonly string[], headers: Headers = {}): void {
  sendGoHttpError(res, 405, 'Method Not Allowed', { ...headers, Allow: allowed.join(',') });
}

/** etcd's httptypes.HTTPError: `{"message":"..."}` without a trailing newline. */
export function sendMessageError(res: ApiResponse, status: number, message: string, headers: Headers = {}): void {
  sendBody(res, status, { ...headers, 'Content-Type': JSON_TYPE }, `{"message":${goQuote(message)}}`);
}

/** etcd's v2error.Error.WriteTo: X-Etcd-Index, JSON, the status of the code. */
export function sendV2Error(res: ApiResponse, error: V2Error, headers: Headers = {}): void {
  const errorHeaders = { ...headers, 'X-Etcd-Index': String(error.index), 'Content-Type': JSON_TYPE };
  sendBody(res, errorHttpStatus(error), errorHeaders, renderErrorBody(error));
}

/** A JSON body as Go's json.Encoder writes it (with a newline) or json.Marshal (without). */
export function sendJson(res: ApiResponse, status: number, json: string, headers: Headers = {}): void {
  sendBody(res, status, { ...headers, 'Content-Type': JSON_TYPE }, json);
}
