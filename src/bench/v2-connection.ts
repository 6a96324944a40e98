// One benchmark client's connection: a single keep-alive TCP socket speaking just enough HTTP/1.1
// for the etcd v2 API, with one request in flight at a time, and a request call that never
// throws but answers with the status or the kind of failure, within a deadline that covers the
// whole exchange. It replaces node:http, whose per-request cost distorted the load generator.

import { connect, type Socket } from 'node:net';
import { answerError, socketErrorKind, TIMEOUT_ERROR_KIND, type AnswerError } from './error-kind.js';
import { Http1AnswerParser, Http1ParseError } from './http1-answer-parser.js';

export type V2Answer = { ok: true; status: number; body: string } | ({ ok: false; status?: number; body?: string } & AnswerError);

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** Longer paths and forms are a caller's bug: the benchmark's requests are small. */
const REQUEST_TARGET_CHARS_MAX = 8 * 1024;
const FORM_CHARS_MAX = 4 * 1024 * 1024;
const TCP_KEEPALIVE_DELAY_MS = 1000;
/**
 * Every connection of a thread reads into this buffer (node's `onread`), one read at a time,
 * instead of node allocating 64 KiB and a Buffer per read; the parser copies what it keeps.
 */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/** What a socket that failed or closed mid-exchange reports, as node:http did ("socket hang up"). */
const CUT_SHORT = Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' });

export class V2Connection {
  private readonly host: string;
  private readonly port: number;
  private readonly headEnd: string;
  private readonly formHeadEnd: string;
  private readonly parser = new Http1AnswerParser();
  private socket: Socket | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private settle: ((answer: V2Answer) => void) | undefined;

  constructor(
    readonly endpoint: string,
    private readonly timeoutMs: number,
  ) {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:') throw new Error(`only http:// endpoints are supported, got ${endpoint}`);
    if (!(timeoutMs > 0)) throw new Error(`request timeout must be positive, got ${timeoutMs}`);
    this.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(url.port || 80);
    // The head's constant parts are built once; a request adds only its method, path and form.
    this.headEnd = ` HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`;
    this.formHeadEnd = ` HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: `;
  }

  /** Sends one request; `form` becomes an urlencoded body. Successful bodies are read only if `keepBody`. */
  send(method: HttpMethod, path: string, form?: string, keepBody = false): Promise<V2Answer> {
    if (this.settle !== undefined) throw new Error(`${this.endpoint}: a request is already in flight on this connection`);
    if (path.length > REQUEST_TARGET_CHARS_MAX || !path.startsWith('/')) throw new Error(`bad request path (${path.length} chars): ${path.slice(0, 80)}`);
    if (form !== undefined && form.length > FORM_CHARS_MAX) throw new Error(`form of ${form.length} chars exceeds ${FORM_CHARS_MAX}`);
    const request =
      form === undefined ? method + ' ' + path + this.headEnd : method + ' ' + path + this.formHeadEnd + Buffer.byteLength(form) + '\r\n\r\n' + form;
    return new Promise((resolve) => {
      this.settle = resolve;
      this.parser.start(keepBody);
      this.armDeadline();
      (this.socket ?? this.open()).write(request);
    });
  }

  close(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
    this.fail(CUT_SHORT);
  }

  private open(): Socket {
    const socket = connect({
      host: this.host,
      port: this.port,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: TCP_KEEPALIVE_DELAY_MS,
      onread: { buffer: readBuffer, callback: (bytesRead: number): boolean => this.onRead(bytesRead) },
    });
    socket.on('end', () => this.onEnd(socket));
    socket.on('error', (error) => this.onClosed(socket, error));
    socket.on('close', () => this.onClosed(socket, CUT_SHORT));
    this.socket = socket;
    return socket;
  }

  /**
   * One timer per connection, re-armed per request: refreshing it is cheaper than a new timer, and
   * a firing while idle (the previous request ended early) finds nothing in flight and does nothing.
   */
  private armDeadline(): void {
    if (this.deadline === undefined) this.deadline = setTimeout(() => this.onDeadline(), this.timeoutMs).unref();
    else this.deadline.refresh();
  }

  private onDeadline(): void {
    if (this.settle === undefined) return;
    this.finish({ ok: false, errorKind: TIMEOUT_ERROR_KIND });
    this.dropSocket();
  }

  /** Takes one read; always goes on reading (true), as a socket in 'data' mode would. */
  private onRead(bytesRead: number): boolean {
    try {
      if (this.parser.push(readBuffer.subarray(0, bytesRead))) this.answered();
    } catch (error) {
      // A broken answer, or bytes nobody asked for: the connection cannot be trusted any more.
      if (!(error instanceof Http1ParseError)) throw error;
      this.fail(error);
    }
    return true;
  }

  private onEnd(socket: Socket): void {
    if (socket !== this.socket) return;
    if (this.settle !== undefined && this.parser.endOfStream()) this.answered();
    else this.fail(CUT_SHORT);
  }

  private onClosed(socket: Socket, error: unknown): void {
    if (socket === this.socket) this.fail(error);
  }

  private answered(): void {
    const { status, body, keepAlive } = this.parser.answer();
    if (!keepAlive) this.dropSocket();
    const failed = status < 200 || status >= 300;
    if (failed) this.finish({ ok: false, ...answerError(status, body), status, body });
    else this.finish({ ok: true, status, body });
  }

  /** Ends the exchange in flight, if any, with a socket failure, and drops the socket. */
  private fail(error: unknown): void {
    this.dropSocket();
    if (this.settle !== undefined) this.finish({ ok: false, errorKind: socketErrorKind(error) });
  }

  private finish(answer: V2Answer): void {
    const settle = this.settle;
    if (settle === undefined) throw new Error(`${this.endpoint}: an answer arrived with no request in flight`);
    this.settle = undefined;
    settle(answer);
  }

  /** Forgets the socket first, so its own late events are recognised as stale; the next send reconnects. */
  private dropSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }
}
