// The v2 client: one object holding the endpoint list, keep-alive connections and the typed
// APIs (keys, watches, members and cluster endpoints), plus the endpoint sync etcdctl does
// before each command (switch to the client URLs the cluster publishes in /v2/members).

import { Prng } from '../util/prng.js';
import { ClusterApi } from './cluster-api.js';
import { EndpointPool } from './endpoint-pool.js';
import { HttpTransport } from './http-transport.js';
import { KeyWatcher, type WatchOptions } from './key-watcher.js';
import { KeysApi, parseJson, type CallOptions } from './keys-api.js';
import { healthValue } from './cluster-api.js';
import { NoEndpointsError } from './v2-error.js';
import type { V2Health } from './v2-types.js';

export interface V2ClientConfig {
  /** Client URLs such as "http://127.0.0.1:2379" (a bare host:port gets http://). */
  endpoints: string[];
  /** Time allowed per request until answer headers arrive (watches excepted); 0 = none. */
  requestTimeoutMs?: number;
  maxSocketsPerEndpoint?: number;
  /** Largest answer body accepted (a recursive get of a big tree is the largest). */
  bodyBytesMax?: number;
  /** Seed of the endpoint shuffle, for reproducible runs. */
  seed?: number;
}

export const REQUEST_TIMEOUT_MS_DEFAULT = 5000;
export const BODY_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;
/** A /health answer is a few bytes; anything much larger is not a member. */
const HEALTH_BODY_BYTES_MAX = 64 * 1024;
const MAX_SOCKETS_PER_ENDPOINT_DEFAULT = 64;

export class V2Client {
  readonly keys: KeysApi;
  readonly cluster: ClusterApi;
  private readonly pool: EndpointPool;
  private readonly transport: HttpTransport;

  constructor(config: V2ClientConfig) {
    this.transport = new HttpTransport(config.maxSocketsPerEndpoint ?? MAX_SOCKETS_PER_ENDPOINT_DEFAULT);
    const prng = new Prng(config.seed ?? (Date.now() ^ process.pid));
    const timeoutMs = config.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
    this.pool = new EndpointPool(this.transport, prng, timeoutMs, config.bodyBytesMax ?? BODY_BYTES_MAX_DEFAULT, config.endpoints);
    this.keys = new KeysApi(this.pool);
    this.cluster = new ClusterApi(this.pool);
  }

  /** The current endpoint list, in the order requests try them. */
  endpoints(): string[] {
    return this.pool.list();
  }

  /** Replaces the endpoint list with the client URLs of the cluster's members. */
  async sync(options: CallOptions = {}): Promise<void> {
    const members = await this.cluster.members(options);
    const urls = members.flatMap((m) => m.clientURLs);
    if (urls.length === 0) throw new NoEndpointsError();
    if (!this.pool.sameSet(urls)) this.pool.setEndpoints(urls);
  }

  watch(key: string, options: WatchOptions = {}): KeyWatcher {
    return new KeyWatcher(this.pool, key, options);
  }

  /** Asks one given URL for /health, without failover (cluster-health checks each member). */
  async healthAt(url: string, options: CallOptions & { timeoutMs?: number } = {}): Promise<V2Health> {
    const answer = await this.transport.open(url, { method: 'GET', path: '/health' }, { headerTimeoutMs: options.timeoutMs ?? 0, signal: options.signal });
    const body = await this.transport.readBody(url, answer, HEALTH_BODY_BYTES_MAX, options.signal);
    return { healthy: healthValue(parseJson(body)), status: answer.status };
  }

  /** Closes idle connections; in-flight requests finish. */
  close(): void {
    this.transport.close();
  }
}
