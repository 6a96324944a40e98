// One benchmark client's connection: a keep-alive HTTP agent limited to a single socket, so each
// client holds exactly one TCP connection, and a request call that never throws but answers
// with the status or the kind of failure, within a deadline that covers the whole exchange.

import { Agent, request, type IncomingMessage } from 'node:http';
import { answerErrorKind, socketErrorKind, TIMEOUT_ERROR_KIND } from './error-kind.js';

export type V2Answer = { ok: true; status: number; body: string } | { ok: false; errorKind: string; status?: number; body?: string };

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** Bodies are kept only when asked for or on errors; larger ones are a broken server. */
const BODY_CHARS_MAX = 8 * 1024 * 1024;
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

export class V2Connection {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1, scheduling: 'fifo' });
  private readonly hostname: string;
  private readonly port: number;

  constructor(
    readonly endpoint: string,
    private readonly timeoutMs: number,
  ) {
    const url = new URL(endpoint);
    this.hostname = url.hostname;
    this.port = Number(url.port || 80);
    if (!(timeoutMs > 0)) throw new Error(`request timeout must be positive, got ${timeoutMs}`);
  }

  /** Sends one request; `form` becomes an urlencoded body. Successful bodies are read only if `keepBody`. */
  send(method: HttpMethod, path: string, form?: string, keepBody = false): Promise<V2Answer> {
    return new Promise((resolve) => {
      const headers = form === undefined ? undefined : { ...FORM_HEADERS, 'content-length': Buffer.byteLength(form) };
      const req = request({ agent: this.agent, hostname: this.hostname, port: this.port, method, path, headers });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy();
      }, this.timeoutMs);
      const settle = (answer: V2Answer): void => {
        clearTimeout(timer);
        resolve(answer);
      };
      // A timeout destroys the socket, which surfaces as a socket error on the request or the answer.
      const fail = (error: unknown): void => settle({ ok: false, errorKind: timedOut ? TIMEOUT_ERROR_KIND : socketErrorKind(error) });
      req.on('response', (res) => readAnswer(res, keepBody, settle, fail));
      req.on('error', fail);
      req.end(form);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function readAnswer(res: IncomingMessage, keepBody: boolean, settle: (answer: V2Answer) => void, fail: (error: unknown) => void): void {
  const status = res.statusCode ?? 0;
  const failed = status < 200 || status >= 300;
  // Resolving twice is harmless, and a socket closed mid-answer must not leave the caller waiting.
  res.on('close', () => (res.complete ? undefined : fail(Object.assign(new Error('answer cut short'), { code: 'ECONNRESET' }))));
  if (!failed && !keepBody) {
    res.on('end', () => settle({ ok: true, status, body: '' }));
    res.on('error', fail);
    res.resume();
    return;
  }
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    body += chunk;
    if (body.length > BODY_CHARS_MAX) res.destroy(new Error(`answer body exceeds ${BODY_CHARS_MAX} characters`));
  });
  res.on('end', () => settle(failed ? { ok: false, errorKind: answerErrorKind(status, body), status, body } : { ok: true, status, body }));
  res.on('error', fail);
}
