// The client's endpoint list and its failover rule, as in etcd's Go client: requests go to
// the pinned endpoint first and move on to the next one on connection errors and 5xx answers;
// the endpoint that answered becomes the pinned one. One-shot requests (creates and deletes,
// which must not be applied twice) try a single endpoint and move the pin on failure.

import { Prng } from '../util/prng.js';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpTransport, type HttpExchange, type OpenedAnswer } from './http-transport.js';
import { ClusterError, EndpointError, NoEndpointsError } from './v2-error.js';

export interface PoolRequestOptions {
  /** Try only the pinned endpoint (see the header comment). */
  oneShot?: boolean;
  /** Total deadline or cancellation of the caller. */
  signal?: AbortSignal;
  /** Watches wait for events without a header timeout. */
  waitsForEvent?: boolean;
}

export interface PooledAnswer {
  endpoint: string;
  answer: OpenedAnswer;
}

/** A whole answer, body read. */
export interface TextAnswer {
  endpoint: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An endpoint list is small; a bound keeps a bad sync from growing it without limit. */
export const ENDPOINTS_MAX = 64;

export class EndpointPool {
  private endpoints: string[] = [];
  private pinned = 0;

  constructor(
    readonly transport: HttpTransport,
    private readonly prng: Prng,
    private readonly headerTimeoutMs: number,
    private readonly bodyBytesMax: number,
    endpoints: string[],
  ) {
    if (!(headerTimeoutMs >= 0)) throw new Error(`headerTimeoutMs must be >= 0, got ${headerTimeoutMs}`);
    if (!(bodyBytesMax > 0)) throw new Error(`bodyBytesMax must be > 0, got ${bodyBytesMax}`);
    this.setEndpoints(endpoints);
  }

  list(): string[] {
    return [...this.endpoints];
  }

  /** Replaces the list in a shuffled order, so that many clients spread over the members. */
  setEndpoints(endpoints: string[]): void {
    if (endpoints.length === 0) throw new NoEndpointsError();
    if (endpoints.length > ENDPOINTS_MAX) throw new Error(`at most ${ENDPOINTS_MAX} endpoints, got ${endpoints.length}`);
    const shuffled = endpoints.map(normalizeEndpoint);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = this.prng.int(0, i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    this.endpoints = shuffled;
    this.pinned = 0;
  }

  /** True when `endpoints` holds the same set as the current list. */
  sameSet(endpoints: string[]): boolean {
    const left = [...this.endpoints].sort();
    const right = endpoints.map(normalizeEndpoint).sort();
    return left.length === right.length && left.every((e, i) => e === right[i]);
  }

  /** Opens the exchange on the first endpoint that answers with a status below 500. */
  async open(exchange: HttpExchange, options: PoolRequestOptions = {}): Promise<PooledAnswer> {
    const endpoints = this.endpoints;
    const pinned = this.pinned;
    const failures: Error[] = [];
    for (let i = pinned; i < pinned + endpoints.length; i++) {
      const k = i % endpoints.length;
      const failure = await this.tryEndpoint(endpoints[k], exchange, options);
      if (!(failure instanceof Error)) {
        this.pinned = k;
        return { endpoint: endpoints[k], answer: failure };
      }
      if (failure instanceof EndpointError && failure.failure === 'deadline') throw failure;
      failures.push(failure);
      if (options.oneShot) {
        this.pinned = (k + 1) % endpoints.length;
        throw failures[0];
      }
    }
    throw new ClusterError(failures);
  }

  /** Opens the exchange as `open` does and reads the whole body. */
  async request(exchange: HttpExchange, options: PoolRequestOptions = {}): Promise<TextAnswer> {
    const { endpoint, answer } = await this.open(exchange, options);
    const body = await this.transport.readBody(endpoint, answer, this.bodyBytesMax, options.signal);
    return { endpoint, status: answer.status, headers: answer.headers, body };
  }

  /** The opened answer, or the error that makes this endpoint count as failed. */
  private async tryEndpoint(endpoint: string, exchange: HttpExchange, options: PoolRequestOptions): Promise<OpenedAnswer | Error> {
    const headerTimeoutMs = options.waitsForEvent ? 0 : this.headerTimeoutMs;
    let answer: OpenedAnswer;
    try {
      answer = await this.transport.open(endpoint, exchange, { headerTimeoutMs, signal: options.signal });
    } catch (error) {
      if (error instanceof EndpointError) return error;
      throw error;
    }
    if (answer.status < 500) return answer;
    answer.stream.resume();
    const text =
      answer.status === 500 || answer.status === 503
        ? `client: etcd member ${endpoint} has no leader`
        : `client: etcd member ${endpoint} returns server error [${statusText(answer.status)}]`;
    return new EndpointError(endpoint, 'serverError', text);
  }
}

/** Adds the http scheme to a bare host:port, as etcdctl does, and drops a trailing slash. */
export function normalizeEndpoint(endpoint: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'http:') throw new Error(`unsupported endpoint scheme in ${endpoint} (only http)`);
  return withScheme.endsWith('/') ? withScheme.slice(0, -1) : withScheme;
}

const STATUS_TEXT: Record<number, string> = {
  501: 'Not Implemented',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

function statusText(status: number): string {
  return STATUS_TEXT[status] ?? '';
}
