// Parsing one HTTP/1.1 request of the plain shape from the bytes a connection has read: the
// request line, headers without folding or duplicates, and a Content-Length body that is all
// there. Anything else (chunked bodies, Expect, Upgrade, HTTP/1.0, an odd Connection header, a
// body over the limit, bytes that are not all there yet, malformed text) is not parsed here:
// the caller hands the connection to node:http, which answers every such case.

import type { IncomingHttpHeaders } from 'node:http';

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
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const METHODS: ReadonlySet<string> = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS']);
/** RFC 9110 token characters, which a header name consists of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A request target of visible ASCII only (no spaces, no controls, no bytes above 0x7e). */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
/** A header value may hold tabs and visible characters, not other controls. */
const VALUE_FORBIDDEN = /[\x00-\x08\x0a-\x1f\x7f]/;
const DECIMAL = /^\d{1,15}$/;
/** Headers whose presence means a request that only node:http handles. */
const HANDED_OVER_HEADERS: ReadonlySet<string> = new Set(['transfer-encoding', 'expect', 'upgrade']);

/**
 * Parses the request that starts at `start` of `bytes`; null when it is not of the plain
 * shape or not all there, in which case nothing has been consumed.
 */
export function parsePlainRequest(bytes: Buffer, start: number, bodyBytesMax: number): PlainRequest | null {
  const headEnd = bytes.indexOf(HEAD_END, start);
  if (headEnd === -1 || headEnd - start > PLAIN_HEAD_BYTES_MAX) return null;
  const lines = bytes.toString('latin1', start, headEnd).split('\r\n');
  const requestLine = lines[0]!.split(' ');
  if (requestLine.length !== 3 || requestLine[2] !== 'HTTP/1.1') return null;
  const [method, url] = requestLine as [string, string, string];
  if (!METHODS.has(method) || !VISIBLE_ASCII.test(url)) return null;
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colonAt = line.indexOf(':');
    if (colonAt <= 0) return null;
    const name = line.slice(0, colonAt);
    if (!TOKEN.test(name)) return null;
    const value = line.slice(colonAt + 1).trim();
    if (VALUE_FORBIDDEN.test(value)) return null;
    const key = name.toLowerCase();
    if (headers[key] !== undefined || HANDED_OVER_HEADERS.has(key)) return null;
    headers[key] = value;
  }
  if (headers.host === undefined) return null;
  const connection = headers.connection?.toLowerCase();
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') return null;
  const lengthText = headers['content-length'];
  if (lengthText !== undefined && !DECIMAL.test(lengthText)) return null;
  const bodyBytes = lengthText === undefined ? 0 : Number(lengthText);
  const bodyStart = headEnd + HEAD_END.length;
  const endOffset = bodyStart + bodyBytes;
  if (bodyBytes > bodyBytesMax || endOffset > bytes.length) return null;
  const body = bodyBytes === 0 ? '' : bytes.toString('utf8', bodyStart, endOffset);
  return { method, url, headers, body, closeAfter: connection === 'close', endOffset };
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
