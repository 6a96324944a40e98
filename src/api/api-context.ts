// What every handler of the API is given: the member behind it (the backend), the server's
// limits, and one request with its decoded target and (for PUT and POST) its body.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiBackend } from './api-backend.js';
import type { RequestTarget } from './go-url.js';
import type { WatchLimits } from './watch-limits.js';

export interface ApiContext {
  readonly backend: ApiBackend;
  /** X-Etcd-Cluster-Id in etcd's spelling, worked out once (the cluster id never changes). */
  readonly clusterIdHeader: string;
  /** How long a proposal or a quorum read may take before it fails with error 300. */
  readonly requestTimeoutMs: number;
  readonly watchLimits: WatchLimits;
}

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly target: RequestTarget;
  /** The request body as text; empty for methods whose body etcd never reads. */
  readonly body: string;
}
