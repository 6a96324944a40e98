// Parsing one HTTP/1.1 request of the plain shape from the bytes a connection has read: the
// request line, headers without folding or duplicates, and a Content-Length body that is all
// there. Anything else (chunked bodies, Expect, Upgrade, HTTP/1.0, an odd Connection header, a
// body over the limit, bytes that are not all there yet, malformed text) is not parsed here:
// the caller hands the connection to node:http, which answers every such case.

import type { IncomingHttpHeaders } from 'node:http';
import { HEAD_END, parseDecimalLength } from '../util/http1-syntax.js';

export interface PlainRequest {
  readonly method: string;
  /** The raw request target. */
  readonly url: string;
  /** Header names in lower case, each header once. */
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8 text ('' when there is none). */
  readonly body: string;
  /** The client asked for the connection to close after this answer. */
  readonly closeAfter: boolean;
  /** Where the next request starts in the bytes given. */
  readonly endOffset: number;
}

/** A header block longer than this goes to node:http, whose limit is far larger. */
export const PLAIN_HEAD_BYTES_MAX = 16 * 1024;
const METHODS: ReadonlySet<string> = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS']);
/** Headers whose presence means a request that only node:http handles. */
const HANDED_OVER_HEADERS: ReadonlySet<string> = new Set(['transfer-encoding', 'expect', 'upgrade']);
/** RFC 9110 token characters (header names), by character code below 128. */
const IS_TOKEN = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") IS_TOKEN[char.charCodeAt(0)] = 1;
const SPACE = 0x20;
const TAB = 0x09;
const DELETE = 0x7f;

/**
 * Parses the request that starts at `start` of `bytes`; null when it is not of the plain
 * shape or not all there, in which case nothing has been consumed. Character by character,
 * since this runs for every request the leader serves.
 */
export function parsePlainRequest(bytes: Buffer, start: number, bodyBytesMax: number): PlainRequest | null {
  const headEnd = bytes.indexOf(HEAD_END, start);
  if (headEnd === -1 || headEnd - start > PLAIN_HEAD_BYTES_MAX) return null;
  const head = bytes.toString('latin1', start, headEnd);
  let lineEnd = head.indexOf('\r\n');
  if (lineEnd === -1) lineEnd = head.length;
  const methodEnd = head.indexOf(' ');
  const urlEnd = head.indexOf(' ', methodEnd + 1);
  if (methodEnd <= 0 || urlEnd === -1 || urlEnd > lineEnd || head.slice(urlEnd + 1, lineEnd) !== 'HTTP/1.1') return null;
  const method = head.slice(0, methodEnd);
  const url = head.slice(methodEnd + 1, urlEnd);
  if (!METHODS.has(method) || !isVisibleAscii(url)) return null;
  const headers: Record<string, string> = {};
  for (let lineStart = lineEnd + 2; lineStart < head.length; lineStart = lineEnd + 2) {
    lineEnd = head.indexOf('\r\n', lineStart);
    if (lineEnd === -1) lineEnd = head.length;
    const colonAt = head.indexOf(':', lineStart);
    if (colonAt <= lineStart || colonAt > lineEnd || !isToken(head, lineStart, colonAt)) return null;
    const value = headerValue(head, colonAt + 1, lineEnd);
    if (value === null) return null;
    const key = head.slice(lineStart, colonAt).toLowerCase();
    if (headers[key] !== undefined || HANDED_OVER_HEADERS.has(key)) return null;
    headers[key] = value;
  }
  if (headers.host === undefined) return null;
  const connection = headers.connection?.toLowerCase();
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') return null;
  const lengthText = headers['content-length'];
  const bodyBytes = lengthText === undefined ? 0 : parseDecimalLength(lengthText);
  if (bodyBytes === null || bodyBytes > bodyBytesMax) return null;
  const bodyStart = headEnd + HEAD_END.length;
  const endOffset = bodyStart + bodyBytes;
  if (endOffset > bytes.length) return null;
  const body = bodyBytes === 0 ? '' : bytes.toString('utf8', bodyStart, endOffset);
  return { method, url, headers, body, closeAfter: connection === 'close', endOffset };
}

/** A request target of visible ASCII only: no spaces, no controls, nothing above 0x7e. */
function isVisibleAscii(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= SPACE || code >= DELETE) return false;
  }
  return true;
}

function isToken(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || IS_TOKEN[code] === 0) return false;
  }
  return true;
}

/** A header's value without the spaces around it; null if it holds a control other than tab. */
function headerValue(text: string, from: number, to: number): string | null {
  let first = from;
  let last = to;
  while (first < last && isBlank(text.charCodeAt(first))) first++;
  while (last > first && isBlank(text.charCodeAt(last - 1))) last--;
  for (let i = first; i < last; i++) {
    const code = text.charCodeAt(i);
    if ((code < SPACE && code !== TAB) || code === DELETE) return null;
  }
  return text.slice(first, last);
}

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

/**
 * A GET whose query may ask for a watch (`wait`, possibly percent-encoded) streams its answer,
 * which only node:http's answers can do.
 */
export function mayBeWatch(request: Pick<PlainRequest, 'method' | 'url'>): boolean {
  if (request.method !== 'GET') return false;
  const questionAt = request.url.indexOf('?');
  if (questionAt === -1) return false;
  const query = request.url.slice(questionAt + 1);
  return query.includes('wait') || query.includes('%');
}
