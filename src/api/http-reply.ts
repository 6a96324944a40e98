// Writing answers the way etcd's Go handlers write them: http.Error's plain-text errors (with
// X-Content-Type-Options), 405 with `Allow`, the `{"message"}` errors of the non-key endpoints,
// v2 store errors with X-Etcd-Index, and complete bodies with their Content-Length.

import type { ServerResponse } from 'node:http';
import { errorHttpStatus, renderErrorBody, type V2Error } from '../store/index.js';
import { goQuote } from '../store/go-json.js';

export type Headers = Record<string, string>;

export const JSON_TYPE = 'application/json';
/** What Go's content sniffing (or http.Error) says for a body of plain text or JSON without a type. */
export const TEXT_TYPE = 'text/plain; charset=utf-8';

/** Sends a whole answer; a HEAD answer carries the same headers and no body. */
export function sendBody(res: ServerResponse, status: number, headers: Headers, body: string): void {
  if (res.headersSent) throw new Error(`answer already started; cannot send status ${status}`);
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) });
  res.end(bytes);
}

/** Go's http.Error: plain text, nosniff, the message and a newline. */
export function sendGoHttpError(res: ServerResponse, status: number, message: string, headers: Headers = {}): void {
  const errorHeaders = { ...headers, 'Content-Type': TEXT_TYPE, 'X-Content-Type-Options': 'nosniff' };
  sendBody(res, status, errorHeaders, message + '\n');
}

export function sendNotFound(res: ServerResponse): void {
  sendGoHttpError(res, 404, '404 page not found');
}

/** etcd's allowMethod: 405 with the allowed methods joined by commas. */
export function sendMethodNotAllowed(res: ServerResponse, allowed: readonly string[], headers: Headers = {}): void {
  sendGoHttpError(res, 405, 'Method Not Allowed', { ...headers, Allow: allowed.join(',') });
}

/** etcd's httptypes.HTTPError: `{"message":"..."}` without a trailing newline. */
export function sendMessageError(res: ServerResponse, status: number, message: string, headers: Headers = {}): void {
  sendBody(res, status, { ...headers, 'Content-Type': JSON_TYPE }, `{"message":${goQuote(message)}}`);
}

/** etcd's v2error.Error.WriteTo: X-Etcd-Index, JSON, the status of the code. */
export function sendV2Error(res: ServerResponse, error: V2Error, headers: Headers = {}): void {
  const errorHeaders = { ...headers, 'X-Etcd-Index': String(error.index), 'Content-Type': JSON_TYPE };
  sendBody(res, errorHttpStatus(error), errorHeaders, renderErrorBody(error));
}

/** A JSON body as Go's json.Encoder writes it (with a newline) or json.Marshal (without). */
export function sendJson(res: ServerResponse, status: number, json: string, headers: Headers = {}): void {
  sendBody(res, status, { ...headers, 'Content-Type': JSON_TYPE }, json);
}
