// An incremental parser for one HTTP/1.1 answer at a time, fed the socket's chunks as they come:
// status line, the few headers a client must obey (Content-Length, chunked Transfer-Encoding,
// Connection), and a body that may arrive split anywhere. Pure: it never touches a socket. It
// keeps no reference to a chunk once push returns (what it holds on to is copied), so a caller
// may read every chunk into the same buffer.

import { HEAD_END, parseDecimalLength } from '../util/http1-syntax.js';

/**
 * Limits that keep a broken server from growing the client's memory. The head limit is node's
 * default too; it also bounds the copying when a head arrives in many small pieces.
 */
export const HEAD_BYTES_MAX = 16 * 1024;
export const BODY_BYTES_MAX = 8 * 1024 * 1024;
const CHUNK_LINE_BYTES_MAX = 4096;

const CR = 0x0d;
const LF = 0x0a;
/** OR-ing an ASCII letter with this lower-cases it (and leaves a lower-case letter as it is). */
const ASCII_LOWER_BIT = 0x20;
const LOWER_C = 0x63;
const LOWER_T = 0x74;

export interface Http1Answer {
  status: number;
  /** The body as UTF-8 text, or '' when the parser was told not to keep it. */
  body: string;
  /** False when the server will close the connection after this answer. */
  keepAlive: boolean;
}

/** A reason the answer cannot be read; `code` becomes the error kind, like a socket error's. */
export class Http1ParseError extends Error {
  constructor(
    message: string,
    readonly code: 'EPROTO' | 'EMSGSIZE',
  ) {
    super(message);
  }
}

type BodyState = 'head' | 'length' | 'chunkSize' | 'chunkData' | 'chunkEnd' | 'trailer' | 'untilClose' | 'done';

export class Http1AnswerParser {
  private state: BodyState = 'done';
  private keepSuccessBody = false;
  private keepBody = false;
  private headPending: Buffer | undefined;
  private linePending = '';
  private bytesLeft = 0;
  private readonly bodyParts: Buffer[] = [];
  private bodyBytes = 0;
  private status = 0;
  private keepAlive = true;
  // The framing headers of the current head, fields rather than an object so an answer allocates none.
  private contentLength: number | undefined;
  private chunked = false;
  private connectionClose = false;

  /** Prepares for the next answer; a 2xx body is kept only if `keepSuccessBody`, others always. */
  start(keepSuccessBody: boolean): void {
    this.state = 'head';
    this.keepSuccessBody = keepSuccessBody;
    this.headPending = undefined;
    this.linePending = '';
    // Emptied in place: answer() copied the last body out, and a new array per request is garbage.
    this.bodyParts.length = 0;
    this.bodyBytes = 0;
  }

  get complete(): boolean {
    return this.state === 'done';
  }

  /**
   * Consumes one chunk and says whether the answer is now complete. Bytes beyond the end of the
   * answer are a protocol error: one request is in flight per connection, so nothing may follow.
   */
  push(chunk: Buffer): boolean {
    if (this.state === 'done') throw new Http1ParseError('the server sent bytes while no request was in flight', 'EPROTO');
    let offset = 0;
    while (offset < chunk.length && !this.complete) offset = this.step(chunk, offset);
    if (offset < chunk.length) throw new Http1ParseError(`the server sent ${chunk.length - offset} bytes after the answer`, 'EPROTO');
    return this.complete;
  }

  /** The connection ended: completes a body that runs until close, else the answer was cut short. */
  endOfStream(): boolean {
    if (this.state === 'untilClose') this.state = 'done';
    return this.state === 'done';
  }

  answer(): Http1Answer {
    if (this.state !== 'done') throw new Error(`the answer is not complete (parser state ${this.state})`);
    const parts = this.bodyParts;
    const body = parts.length === 0 ? '' : parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts).toString('utf8');
    return { status: this.status, body, keepAlive: this.keepAlive };
  }

  /** Consumes what the current state can from `chunk` at `offset`; returns the new offset. */
  private step(chunk: Buffer, offset: number): number {
    switch (this.state) {
      case 'head':
        return this.readHead(chunk, offset);
      case 'length':
      case 'chunkData':
      case 'untilClose':
        return this.readBodyBytes(chunk, offset);
      case 'chunkSize':
      case 'chunkEnd':
      case 'trailer':
        return this.readChunkLine(chunk, offset);
      case 'done':
        throw new Error('the parser stepped past the end of the answer');
    }
  }

  private readHead(chunk: Buffer, offset: number): number {
    // The head nearly always comes whole in one chunk; joining is for the rare split head, and
    // a pending part only exists between pushes, so the chunk joined to it is read from its start.
    const pending = this.headPending;
    if (pending !== undefined && offset !== 0) throw new Error(`a split head continues at offset ${offset}, not at the start of a chunk`);
    const bytes = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    const start = pending === undefined ? offset : 0;
    const searchFrom = pending === undefined ? offset : Math.max(0, pending.length - (HEAD_END.length - 1));
    const headEnd = bytes.indexOf(HEAD_END, searchFrom);
    const headBytes = (headEnd < 0 ? bytes.length : headEnd) - start;
    if (headBytes > HEAD_BYTES_MAX) throw new Http1ParseError(`the answer head exceeds ${HEAD_BYTES_MAX} bytes`, 'EPROTO');
    if (headEnd < 0) {
      this.headPending = bytes === chunk ? Buffer.from(chunk.subarray(start)) : bytes.subarray(start);
      return chunk.length;
    }
    this.headPending = undefined;
    this.applyHead(bytes.toString('latin1', start, headEnd));
    const headStop = headEnd + HEAD_END.length;
    return pending === undefined ? headStop : headStop - pending.length;
  }

  private applyHead(head: string): void {
    const lineEnd = head.indexOf('\r\n');
    const statusLine = lineEnd < 0 ? head : head.slice(0, lineEnd);
    this.status = parseStatus(statusLine);
    this.readFramingHeaders(head, lineEnd);
    // HTTP/1.0 closes after every answer unless asked otherwise, and this client never asks.
    this.keepAlive = statusLine.charCodeAt(7) === 0x31 && !this.connectionClose;
    this.keepBody = this.keepSuccessBody || this.status < 200 || this.status >= 300;
    this.chooseBodyState(this.status);
  }

  /**
   * Reads only the headers that frame the answer into the parser's fields. A name is sliced only
   * when its length and first letter fit one of them, so X-Etcd-Cluster-Id and Keep-Alive (the
   * lengths of Transfer-Encoding and Connection) are skipped as cheaply as the rest.
   */
  private readFramingHeaders(head: string, firstLineEnd: number): void {
    this.contentLength = undefined;
    this.chunked = false;
    this.connectionClose = false;
    let lineStart = firstLineEnd < 0 ? head.length : firstLineEnd + 2;
    while (lineStart < head.length) {
      const found = head.indexOf('\r\n', lineStart);
      const lineEnd = found < 0 ? head.length : found;
      const colon = head.indexOf(':', lineStart);
      if (colon < 0 || colon > lineEnd) throw new Http1ParseError(`a header line without a colon: ${JSON.stringify(head.slice(lineStart, lineEnd))}`, 'EPROTO');
      const nameLength = colon - lineStart;
      const first = head.charCodeAt(lineStart) | ASCII_LOWER_BIT;
      if ((first === LOWER_C && (nameLength === 14 || nameLength === 10)) || (first === LOWER_T && nameLength === 17)) {
        const name = head.slice(lineStart, colon).toLowerCase();
        const value = head.slice(colon + 1, lineEnd).trim().toLowerCase();
        if (name === 'content-length') this.contentLength = parseContentLength(value, this.contentLength);
        else if (name === 'transfer-encoding') this.chunked = value.endsWith('chunked');
        else if (name === 'connection') this.connectionClose = value.includes('close') && value.split(',').some((token) => token.trim() === 'close');
      }
      lineStart = lineEnd + 2;
    }
  }

  private chooseBodyState(status: number): void {
    // An interim answer (100 Continue) has no body; the real answer follows it.
    if (status < 200) this.state = 'head';
    else if (status === 204 || status === 304) this.state = 'done';
    else if (this.chunked) this.state = 'chunkSize';
    else if (this.contentLength !== undefined) {
      this.bytesLeft = this.contentLength;
      this.state = this.contentLength === 0 ? 'done' : 'length';
    } else {
      // Without a length the body runs until the server closes the connection.
      this.keepAlive = false;
      this.state = 'untilClose';
    }
  }

  private readBodyBytes(chunk: Buffer, offset: number): number {
    const available = chunk.length - offset;
    const taken = this.state === 'untilClose' ? available : Math.min(available, this.bytesLeft);
    this.keepBytes(chunk, offset, taken);
    if (this.state === 'untilClose') return chunk.length;
    this.bytesLeft -= taken;
    if (this.bytesLeft === 0) this.state = this.state === 'length' ? 'done' : 'chunkEnd';
    return offset + taken;
  }

  private keepBytes(chunk: Buffer, offset: number, count: number): void {
    if (!this.keepBody || count === 0) return;
    this.bodyBytes += count;
    if (this.bodyBytes > BODY_BYTES_MAX) throw new Http1ParseError(`the answer body exceeds ${BODY_BYTES_MAX} bytes`, 'EMSGSIZE');
    this.bodyParts.push(Buffer.from(chunk.subarray(offset, offset + count)));
  }

  /** Collects one CRLF-terminated line of the chunked framing, which may arrive a byte at a time. */
  private readChunkLine(chunk: Buffer, offset: number): number {
    const lineFeed = chunk.indexOf(LF, offset);
    const lineStop = lineFeed < 0 ? chunk.length : lineFeed;
    if (this.linePending.length + lineStop - offset > CHUNK_LINE_BYTES_MAX) throw new Http1ParseError('a chunked-encoding line is too long', 'EPROTO');
    this.linePending += chunk.toString('latin1', offset, lineStop);
    if (lineFeed < 0) return chunk.length;
    const line = this.linePending.charCodeAt(this.linePending.length - 1) === CR ? this.linePending.slice(0, -1) : this.linePending;
    this.linePending = '';
    this.applyChunkLine(line);
    return lineFeed + 1;
  }

  private applyChunkLine(line: string): void {
    if (this.state === 'chunkEnd') {
      if (line !== '') throw new Http1ParseError('chunk data is longer than its declared size', 'EPROTO');
      this.state = 'chunkSize';
    } else if (this.state === 'trailer') {
      // Trailers are ignored; the empty line after them ends the answer.
      if (line === '') this.state = 'done';
    } else {
      const size = parseChunkSize(line);
      this.bytesLeft = size;
      this.state = size === 0 ? 'trailer' : 'chunkData';
    }
  }
}

/** `HTTP/1.1 200 OK` or `HTTP/1.1 200` gives 200. */
function parseStatus(statusLine: string): number {
  const wellFormed = /^HTTP\/1\.[01] [1-9]\d\d(?: |$)/.test(statusLine);
  if (!wellFormed) throw new Http1ParseError(`not an HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 40))}`, 'EPROTO');
  return Number(statusLine.slice(9, 12));
}

function parseContentLength(value: string, earlier: number | undefined): number {
  const length = parseDecimalLength(value);
  if (length === null) throw new Http1ParseError(`bad Content-Length ${JSON.stringify(value)}`, 'EPROTO');
  if (earlier !== undefined && earlier !== length) throw new Http1ParseError('two different Content-Length headers', 'EPROTO');
  return length;
}

function parseChunkSize(line: string): number {
  const extension = line.indexOf(';');
  const digits = (extension < 0 ? line : line.slice(0, extension)).trim();
  if (!/^[0-9a-fA-F]{1,8}$/.test(digits)) throw new Http1ParseError(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`, 'EPROTO');
  return parseInt(digits, 16);
}
