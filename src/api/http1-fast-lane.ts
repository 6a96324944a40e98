// The fast lane in front of node:http. A connection's requests of the plain shape (see
// http1-request-head.ts) are parsed here, served by the same handlers, and answered in one
// socket write: no parser callbacks, streams or header validation per request, which are a
// quarter of the leader's CPU under load. At the first request of any other shape, or a watch,
// the connection is handed to node:http for good, the bytes not yet parsed first, so every
// unusual case keeps node's handling. Requests on one connection are answered in order.

import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiRequest, ApiResponse } from './api-context.js';
import type { Headers } from './http-reply.js';
import { mayBeWatch, parsePlainRequest, type PlainRequest } from './http1-request-head.js';
import { readIntoBuffer, type BufferedReads } from './socket-read-buffer.js';

export interface FastLaneOptions {
  readonly bodyBytesMax: number;
  /** An idle connection (no request pending or in flight) is closed after this time. */
  readonly keepAliveTimeoutMs: number;
  /** A new connection that sends no request within this time is closed (node's headers timeout). */
  readonly firstRequestTimeoutMs: number;
  /**
   * Serves one request: returns once it is answered, or a promise that settles when it is.
   * Throws or rejects only on a bug, which `fail` answers.
   */
  readonly serve: (req: ApiRequest, res: ApiResponse, body: string) => void | Promise<void>;
  readonly fail: (res: ApiResponse, error: unknown) => void;
  /** Gives a connection to node:http, which reads everything from it from then on. */
  readonly handOver: (socket: Socket) => void;
}

/** How often idle connections are looked for, at most and at least. */
const SWEEP_INTERVAL_MS_MIN = 10;
const SWEEP_INTERVAL_MS_MAX = 1000;
/** Bytes one read can bring: libuv's own read size. */
const READ_BUFFER_BYTES = 64 * 1024;

export class FastLane {
  private readonly connections = new Set<FastConnection>();
  private readonly sweepTimer: NodeJS.Timeout;
  /**
   * Every connection's reads land here, one at a time on this thread; what a read leaves
   * unparsed is copied out before the next read can overwrite it.
   */
  readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

  constructor(readonly options: FastLaneOptions) {
    if (!(options.keepAliveTimeoutMs > 0)) throw new Error(`bad keep-alive timeout ${options.keepAliveTimeoutMs}`);
    if (!(options.firstRequestTimeoutMs > 0)) throw new Error(`bad first-request timeout ${options.firstRequestTimeoutMs}`);
    const shortestMs = Math.min(options.keepAliveTimeoutMs, options.firstRequestTimeoutMs);
    const intervalMs = Math.max(SWEEP_INTERVAL_MS_MIN, Math.min(SWEEP_INTERVAL_MS_MAX, shortestMs / 4));
    this.sweepTimer = setInterval(() => this.closeIdle(), intervalMs).unref();
  }

  /** Takes a new connection; its first request decides whether it stays here. */
  accept(socket: Socket): void {
    this.connections.add(new FastConnection(socket, this));
  }

  forget(connection: FastConnection): void {
    this.connections.delete(connection);
  }

  /** Closes every connection the lane still holds and stops its timer. */
  close(): void {
    clearInterval(this.sweepTimer);
    for (const connection of this.connections) connection.socket.destroy();
    this.connections.clear();
  }

  private closeIdle(): void {
    const nowMs = performance.now();
    const { keepAliveTimeoutMs, firstRequestTimeoutMs } = this.options;
    for (const connection of this.connections) {
      if (connection.isIdleSince(nowMs - (connection.hasServed ? keepAliveTimeoutMs : firstRequestTimeoutMs))) connection.socket.destroy();
    }
  }
}

class FastConnection {
  /** Bytes read and not yet parsed. */
  private unparsed: Buffer | null = null;
  private inFlight = false;
  private pumping = false;
  private awaitingDrain = false;
  private clientEnded = false;
  private lastActiveMs = performance.now();
  /** Some request of this connection's has been answered. */
  hasServed = false;
  /** Reads into the lane's buffer, or null when they come as 'data' events. */
  private readonly bufferedReads: BufferedReads | null;
  private reading = true;
  /** The answer to the request being served, and that request, until its handler settles. */
  private serving: FastAnswer | null = null;
  private servingWhat: PlainRequest | null = null;
  /** Whether the answer written to the request in flight closes the connection. */
  private closeAfterAnswer = false;

  constructor(
    readonly socket: Socket,
    private readonly lane: FastLane,
  ) {
    this.bufferedReads = readIntoBuffer(socket, lane.readBuffer, this.onRead);
    if (this.bufferedReads === null) socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  isIdleSince(sinceMs: number): boolean {
    return !this.inFlight && this.unparsed === null && this.lastActiveMs < sinceMs;
  }

  /** The answer to the request in flight has been written; once its handler settles, the next may be parsed. */
  answered(closeAfter: boolean): void {
    this.closeAfterAnswer = closeAfter;
  }

  private readonly onRead = (bytesRead: number, buffer: Buffer): void => {
    if (!this.reading) return;
    this.onData(buffer.subarray(0, bytesRead));
    if (this.unparsed !== null) this.unparsed = this.ownCopy(this.unparsed);
  };

  /** `bytes` themselves, or a copy when they are in the lane's read buffer. */
  private ownCopy(bytes: Buffer): Buffer {
    return bytes.buffer === this.lane.readBuffer.buffer ? Buffer.from(bytes) : bytes;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.unparsed = this.unparsed === null ? chunk : Buffer.concat([this.unparsed, chunk]);
    this.lastActiveMs = performance.now();
    // Pipelined requests wait in the kernel, not here, while one is in flight.
    if (this.inFlight || this.awaitingDrain) this.socket.pause();
    else this.pump();
  };

  /** A client that is done sending still gets the answers to what it sent, then the end. */
  private readonly onEnd = (): void => {
    this.clientEnded = true;
    if (!this.inFlight) this.pump();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.lane.forget(this);
  };

  /**
   * Serves the requests read so far, one at a time (a loop, so a pipeline cannot recurse),
   * and reads on once they are answered. A client that does not read its answers is not
   * served further until their bytes have drained.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      const { socket } = this;
      while (!this.inFlight && this.unparsed !== null && !socket.destroyed) {
        if (socket.writableNeedDrain) return this.awaitDrain();
        const request = parsePlainRequest(this.unparsed, 0, this.lane.options.bodyBytesMax);
        if (request === null || mayBeWatch(request)) return this.handOver();
        this.unparsed = request.endOffset === this.unparsed.length ? null : this.unparsed.subarray(request.endOffset);
        void this.serve(request);
      }
      if (this.inFlight || socket.destroyed) return;
      if (this.clientEnded) socket.end();
      else if (socket.isPaused()) socket.resume();
    } finally {
      this.pumping = false;
    }
  }

  private awaitDrain(): void {
    if (this.awaitingDrain) return;
    this.awaitingDrain = true;
    this.socket.pause();
    this.socket.once('drain', () => {
      this.awaitingDrain = false;
      this.pump();
    });
  }

  /**
   * Runs synchronously up to the handler's first wait, so a local read is answered at once. One
   * request is in flight at a time, from its parse until its handler settles (after answering):
   * it is kept here, and the connection's own two callbacks see it settle, so no closures or
   * async frame per request wait with it. Only then is the next request parsed.
   */
  private serve(request: PlainRequest): void {
    this.inFlight = true;
    const answer = new FastAnswer(this, request.method === 'HEAD', request.closeAfter);
    this.serving = answer;
    this.servingWhat = request;
    const req: ApiRequest = { method: request.method, url: request.url, headers: request.headers, socket: this.socket };
    let served: void | Promise<void>;
    try {
      served = this.lane.options.serve(req, answer, request.body);
    } catch (error) {
      return this.onServeFailed(error);
    }
    if (served === undefined) this.onServed();
    else served.then(this.onServed, this.onServeFailed);
  }

  private readonly onServed = (): void => {
    const answer = this.serving;
    const request = this.servingWhat;
    this.serving = null;
    this.servingWhat = null;
    if (answer === null || request === null) throw new Error('a request settled that this connection was not serving');
    // A handler that returns without answering would stall the connection: close it.
    if (!answer.headersSent) {
      if (!this.socket.destroyed) {
        process.emitWarning(`raftyard API: ${request.method} ${request.url} ended without an answer`);
        this.socket.destroy();
      }
      return;
    }
    this.inFlight = false;
    this.hasServed = true;
    this.lastActiveMs = performance.now();
    if (!this.closeAfterAnswer) return this.pump();
    this.stopReading();
    this.unparsed = null;
    this.socket.end();
  };

  private readonly onServeFailed = (error: unknown): void => {
    if (this.serving !== null) this.lane.options.fail(this.serving, error);
    this.onServed();
  };

  private handOver(): void {
    const { socket } = this;
    const unparsed = this.unparsed;
    this.unparsed = null;
    this.stopReading();
    this.bufferedReads?.release();
    socket.off('end', this.onEnd);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
    this.lane.forget(this);
    this.lane.options.handOver(socket);
    // node:http reads straight from the socket's handle from now on; the bytes already read
    // are given to it first, before the event loop can deliver any newer ones.
    if (unparsed !== null) socket.emit('data', this.ownCopy(unparsed));
    if (this.clientEnded) socket.emit('end');
    socket.resume();
  }

  private stopReading(): void {
    this.reading = false;
    this.socket.off('data', this.onData);
  }
}

/** An answer's headers before writeHead: one shared empty object, not one per answer. */
const NO_HEADERS: Readonly<Headers> = Object.freeze({});

/** The answer to one request of the fast lane: headers and body written together at the end. */
class FastAnswer implements ApiResponse {
  headersSent = false;
  private statusCode = 200;
  /** The handler's header object once writeHead has run; never written to here. */
  private headers: Readonly<Headers> = NO_HEADERS;

  constructor(
    private readonly connection: FastConnection,
    private readonly isHead: boolean,
    private readonly closeAfter: boolean,
  ) {}

  get destroyed(): boolean {
    return this.connection.socket.destroyed;
  }

  /** Takes `headers` as the answer's own, as node does. */
  writeHead(statusCode: number, headers: Headers): this {
    if (this.headersSent) throw new Error(`answer already sent; cannot send status ${statusCode}`);
    this.statusCode = statusCode;
    this.headers = headers;
    return this;
  }

  end(body: string): this {
    if (this.headersSent) throw new Error('answer already sent');
    this.headersSent = true;
    const closeAfter = this.closeAfter || this.headers.Connection === 'close';
    let head = `HTTP/1.1 ${this.statusCode} ${STATUS_CODES[this.statusCode] ?? 'unknown'}\r\n`;
    for (const name in this.headers) head += `${name}: ${this.headers[name]}\r\n`;
    head += `Date: ${httpDate()}\r\n`;
    if (closeAfter && this.headers.Connection === undefined) head += 'Connection: close\r\n';
    const { socket } = this.connection;
    if (!socket.destroyed) socket.write(this.isHead ? head + '\r\n' : head + '\r\n' + body);
    this.connection.answered(closeAfter);
    return this;
  }

  destroy(): this {
    this.connection.socket.destroy();
    return this;
  }
}

let dateSecond = -1;
let dateText = '';

/** The Date header, formatted once a second (as node and Go do). */
function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}
