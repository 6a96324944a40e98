// What every handler of the API is given: the member behind it (the backend), the server's
// limits, and one request with its decoded target and (for PUT and POST) its body.

import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiBackend } from './api-backend.js';
import type { RequestTarget } from './go-url.js';
import type { WatchLimits } from './watch-limits.js';

export interface ApiContext {
  readonly backend: ApiBackend;
  /** The backend's clock as a function, made once: renderers read it only when they need it. */
  readonly nowMs: () => number;
  /** X-Etcd-Cluster-Id in etcd's spelling, worked out once (the cluster id never changes). */
  readonly clusterIdHeader: string;
  /** How long a proposal or a quorum read may take before it fails with error 300. */
  readonly requestTimeoutMs: number;
  readonly watchLimits: WatchLimits;
}

/** What handlers read of a request: node's IncomingMessage, or the fast lane's parse. */
export interface ApiRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly socket: Socket;
}

/**
 * What handlers do with an answer: node's ServerResponse, or the fast lane's, which writes
 * head and body in one write at `end`. Only node's can stream (watches).
 */
export interface ApiResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  writeHead(statusCode: number, headers: Record<string, string>): unknown;
  end(body: string, encoding: 'utf8'): unknown;
  destroy(): unknown;
}

export interface Exchange {
  readonly req: ApiRequest;
  readonly res: ApiResponse;
  readonly target: RequestTarget;
  /** The request body as text; empty for methods whose body etcd never reads. */
  readonly body: string;
}
