// One HTTP exchange with one endpoint over keep-alive connections: sends the request, waits
// for the answer headers under a per-request timeout, and reads the body under a size limit.
// Socket failures become EndpointErrors worded like Go's net errors.

import { Agent, request as httpRequest, type IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { EndpointError } from './v2-error.js';

export interface HttpExchange {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  /** Path and query, starting with '/'. */
  path: string;
  /** A form-urlencoded or JSON body. */
  body?: string;
  contentType?: string;
}

export interface OpenedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  stream: IncomingMessage;
}

export interface ExchangeLimits {
  /** Time allowed until the answer headers arrive; 0 waits forever (watches). */
  headerTimeoutMs: number;
  /** Aborts the exchange when the caller's total deadline passes or it gives up. */
  signal?: AbortSignal;
}

/** Socket error codes and the words Go's net package uses for them. */
const GO_ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'i/o timeout',
  EPIPE: 'broken pipe',
};

export class HttpTransport {
  private readonly agent: Agent;

  constructor(maxSocketsPerEndpoint: number) {
    if (!(maxSocketsPerEndpoint >= 1)) throw new Error(`maxSocketsPerEndpoint must be >= 1, got ${maxSocketsPerEndpoint}`);
    this.agent = new Agent({ keepAlive: true, maxSockets: maxSocketsPerEndpoint, maxFreeSockets: maxSocketsPerEndpoint });
  }

  /** Sends the request and resolves once the answer headers are in. */
  open(endpoint: string, exchange: HttpExchange, limits: ExchangeLimits): Promise<OpenedAnswer> {
    const target = new URL(exchange.path, endpoint);
    const headers: Record<string, string> = {};
    if (exchange.body !== undefined) {
      headers['content-type'] = exchange.contentType ?? 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(exchange.body));
    }
    return new Promise<OpenedAnswer>((resolve, reject) => {
      const req = httpRequest(target, { method: exchange.method, headers, agent: this.agent, signal: limits.signal });
      let timer: NodeJS.Timeout | undefined;
      if (limits.headerTimeoutMs > 0) {
        timer = setTimeout(() => {
          req.destroy(new EndpointError(endpoint, 'headerTimeout', `client: endpoint ${endpoint} exceeded header timeout`));
        }, limits.headerTimeoutMs);
      }
      req.once('response', (res) => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, stream: res });
      });
      req.once('error', (error) => {
        clearTimeout(timer);
        reject(toEndpointError(endpoint, error, limits.signal));
      });
      req.end(exchange.body);
    });
  }

  /** Reads a whole answer body; more than `sizeBytesMax` is an error, not a truncation. */
  async readBody(endpoint: string, answer: OpenedAnswer, sizeBytesMax: number, signal?: AbortSignal): Promise<string> {
    const chunks: Buffer[] = [];
    let sizeBytes = 0;
    try {
      for await (const chunk of answer.stream) {
        sizeBytes += (chunk as Buffer).length;
        if (sizeBytes > sizeBytesMax) {
          answer.stream.destroy();
          throw new EndpointError(endpoint, 'other', `client: response body exceeds ${sizeBytesMax} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      throw toEndpointError(endpoint, error, signal);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Closes idle keep-alive connections so the process can exit. */
  close(): void {
    this.agent.destroy();
  }
}

/** Maps a socket, abort or timeout failure to an EndpointError worded like Go's client. */
export function toEndpointError(endpoint: string, error: unknown, signal?: AbortSignal): EndpointError {
  if (error instanceof EndpointError) return error;
  if (signal?.aborted) return new EndpointError(endpoint, 'deadline', abortText(signal));
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const text = GO_ERRNO_TEXT[code];
  const host = new URL(endpoint).host;
  const syscall = (error as NodeJS.ErrnoException).syscall;
  if (syscall === 'connect' || code === 'ECONNREFUSED') {
    const address = (error as { address?: string; port?: number }).address;
    const port = (error as { port?: number }).port;
    const dialed = address !== undefined && port !== undefined ? `${address}:${port}` : host;
    return new EndpointError(endpoint, 'connect', `dial tcp ${dialed}: connect: ${text ?? code}`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new EndpointError(endpoint, 'connect', `dial tcp: lookup ${new URL(endpoint).hostname}: no such host`);
  }
  if (text !== undefined) return new EndpointError(endpoint, 'read', `read tcp ${host}: read: ${text}`);
  if (code === 'ECONNABORTED' || (error as Error).message === 'socket hang up') {
    return new EndpointError(endpoint, 'read', `read tcp ${host}: EOF`);
  }
  return new EndpointError(endpoint, 'other', (error as Error).message ?? String(error));
}

/** Go's wording for a cancelled or expired context. */
function abortText(signal: AbortSignal): string {
  const reason = signal.reason as { name?: string } | undefined;
  return reason?.name === 'TimeoutError' ? 'context deadline exceeded' : 'context canceled';
}
