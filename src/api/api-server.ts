// The HTTP server of one raftyard member: node:http with keep-alive, timeouts against slow
// clients, a bound on request bodies and on watches, and a router that behaves like etcd's
// (Go ServeMux path cleaning with redirects, CORS headers on every answer, OPTIONS answered
// at once, 404 for unknown paths). Connections start in the fast lane, which serves plain
// requests itself and hands anything else to node:http. No request can crash it: every
// failure is answered.

import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ApiBackend } from './api-backend.js';
import type { ApiContext, ApiRequest, ApiResponse, Exchange } from './api-context.js';
import { LoopbackWarmer } from './loopback-warmer.js';
import { FastLane } from './http1-fast-lane.js';
import { serveHealth, serveMachines, serveMembers, serveStats, serveVersion, MEMBERS_PREFIX } from './cluster-handlers.js';
import { parseRequestTarget } from './go-url.js';
import { muxCleanPath } from '../util/clean-path.js';
import { escapeGoPath } from '../util/escape-path.js';
import { sendBadRequestTarget, sendBody, sendMessageError, sendNotFound, JSON_TYPE } from './http-reply.js';
import { KEYS_PREFIX, serveKeys } from './keys-handler.js';
import { readBody, type BodyOutcome } from './request-body.js';
import { ErrorCode, newV2Error, renderErrorBody } from '../store/index.js';
import { WatchLimits } from './watch-limits.js';
import { goMemberId } from './member-id.js';

/** etcd's default --max-request-bytes. */
export const REQUEST_BYTES_MAX_DEFAULT = 1.5 * 1024 * 1024;
/** etcd's v2 request timeout with default Raft timing: 5 s + 2 × the 1 s election timeout. */
export const REQUEST_TIMEOUT_MS_DEFAULT = 7000;
/** Go's http.DefaultMaxHeaderBytes, so long query strings that etcd takes are taken here too. */
const HEADER_BYTES_MAX = 1024 * 1024;
const CAUSE_TOO_LARGE = 'etcdserver: request is too large';
/** Bounds on how often slow connections are checked against their header and request timeouts. */
const TIMEOUT_CHECK_INTERVAL_MS_MIN = 10;
const TIMEOUT_CHECK_INTERVAL_MS_MAX = 1000;

export interface ApiServerOptions {
  /** Address to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Port to bind; 0 (the default) lets the OS pick. */
  readonly port?: number;
  readonly requestTimeoutMs?: number;
  readonly maxRequestBytes?: number;
  /** A client must send its headers within this time. */
  readonly headersTimeoutMs?: number;
  /** A client must send its whole request (headers and body) within this time. */
  readonly bodyTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this time. */
  readonly keepAliveTimeoutMs?: number;
  readonly connectionsMax?: number;
  readonly watchesPerConnectionMax?: number;
  readonly watchesMax?: number;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes every connection, open watches included. */
  close(): Promise<void>;
  /**
   * Brings the kernel's TCP send path into the caches for an answer this thread is about to
   * write after a rest (see loopback-warmer.ts); the first call only opens the loopback
   * connection it writes on. Does nothing once the server is closed.
   */
  warmAnswerPath(): void;
}

export async function startApiServer(backend: ApiBackend, options: ApiServerOptions = {}): Promise<ApiServer> {
  const ctx: ApiContext = {
    backend,
    nowMs: () => backend.nowMs(),
    clusterIdHeader: goMemberId(backend.clusterId),
    requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT,
    watchLimits: new WatchLimits(options.watchesPerConnectionMax, options.watchesMax),
  };
  const bodyBytesMax = options.maxRequestBytes ?? REQUEST_BYTES_MAX_DEFAULT;
  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
  // Node enforces the header and request timeouts only when it checks its connections (every
  // 30 s by default): without a shorter interval a slow client outlives its deadline by up to 30 s.
  const connectionsCheckingInterval = Math.max(TIMEOUT_CHECK_INTERVAL_MS_MIN, Math.min(TIMEOUT_CHECK_INTERVAL_MS_MAX, Math.floor(headersTimeoutMs / 4)));
  const server = createServer({ maxHeaderSize: HEADER_BYTES_MAX, keepAlive: true, connectionsCheckingInterval }, (req, res) => {
    answeringFailures(res, () => handleRequest(ctx, req, res, () => readBody(req, bodyBytesMax)));
  });
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = options.bodyTimeoutMs ?? 30_000;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 30_000;
  server.maxConnections = options.connectionsMax ?? 10_000;
  const nodeConnectionListener = takeConnectionListener(server);
  const fastLane = new FastLane({
    bodyBytesMax,
    keepAliveTimeoutMs: server.keepAliveTimeout,
    firstRequestTimeoutMs: server.headersTimeout,
    serve: (req, res, body) => handleRequest(ctx, req, res, body),
    fail: answerFailure,
    handOver: (socket) => nodeConnectionListener.call(server, socket),
  });
  server.on('connection', (socket: Socket) => fastLane.accept(socket));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let warmer: LoopbackWarmer | null = null;
  let closed = false;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      closed = true;
      warmer?.close();
      server.close(() => resolve());
      server.closeAllConnections();
      fastLane.close();
    });
  const warmAnswerPath = (): void => {
    if (closed) return;
    if (warmer === null) warmer = new LoopbackWarmer();
    else warmer.warm();
  };
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close, warmAnswerPath };
}

/**
 * node:http's own handler of new connections, taken off the server so that connections go to
 * the fast lane first; the lane calls it for each connection it hands over.
 */
function takeConnectionListener(server: Server): (this: Server, socket: Socket) => void {
  const listeners = server.listeners('connection');
  const listener = listeners[0];
  if (listeners.length !== 1 || typeof listener !== 'function') throw new Error(`node:http has ${listeners.length} connection listeners, expected its own alone`);
  server.removeListener('connection', listener as (...args: unknown[]) => void);
  return listener as (this: Server, socket: Socket) => void;
}

/** The body of a PUT or POST: read from node's request, or already parsed by the fast lane. */
type BodySource = string | (() => Promise<BodyOutcome>);

/**
 * Routes one request and serves it. Resolves (or returns, if it was answered at once) when it
 * has been answered; rejects, or throws, only on a bug, which the caller answers.
 */
function handleRequest(ctx: ApiContext, req: ApiRequest, res: ApiResponse, bodySource: BodySource): void | Promise<void> {
  const target = parseRequestTarget(req.url ?? '');
  if (target === null) return sendBadRequestTarget(res);
  if (req.method === 'OPTIONS') return sendBody(res, 200, {}, '');
  const cleanPath = muxCleanPath(target.path);
  if (cleanPath !== target.path) return redirect(req, res, cleanPath, target.rawQuery);
  const handler = routeOf(cleanPath);
  if (handler === null) return sendNotFound(res);
  // A path that was not clean has been redirected: the target's path is the clean one.
  if (req.method !== 'PUT' && req.method !== 'POST') return handler(ctx, { req, res, target, body: '' });
  if (typeof bodySource === 'string') return handler(ctx, { req, res, target, body: bodySource });
  return bodySource().then((outcome) => {
    if (outcome.kind === 'aborted') return;
    if (outcome.kind === 'too-large') return refuseTooLarge(res, cleanPath);
    return handler(ctx, { req, res, target, body: outcome.text });
  });
}

/** Runs `serve` and answers a bug it throws or rejects with, at once or when it settles. */
function answeringFailures(res: ApiResponse, serve: () => void | Promise<void>): void {
  try {
    const served = serve();
    if (served !== undefined) served.catch((error: unknown) => answerFailure(res, error));
  } catch (error) {
    answerFailure(res, error);
  }
}

type Handler = (ctx: ApiContext, exchange: Exchange) => void | Promise<void>;

/** Go ServeMux matching of etcd's patterns: exact paths, and the two subtree patterns. */
function routeOf(path: string): Handler | null {
  if (path === KEYS_PREFIX || path.startsWith(KEYS_PREFIX + '/')) return serveKeys;
  if (path === MEMBERS_PREFIX || path.startsWith(MEMBERS_PREFIX + '/')) return serveMembers;
  switch (path) {
    case '/v2/machines':
      return serveMachines;
    case '/v2/stats/self':
      return (ctx, exchange) => serveStats(ctx, exchange, 'self');
    case '/v2/stats/leader':
      return (ctx, exchange) => serveStats(ctx, exchange, 'leader');
    case '/v2/stats/store':
      return (ctx, exchange) => serveStats(ctx, exchange, 'store');
    case '/version':
      return serveVersion;
    case '/health':
      return serveHealth;
    default:
      return null;
  }
}

/** Go's redirect to the clean path: 301, Location, and a small HTML body for GET. */
function redirect(req: ApiRequest, res: ApiResponse, cleanPath: string, rawQuery: string): void {
  const location = escapeGoPath(cleanPath) + (rawQuery === '' ? '' : '?' + rawQuery);
  const isRead = req.method === 'GET' || req.method === 'HEAD';
  const headers: Record<string, string> = { Location: location };
  if (isRead) headers['Content-Type'] = 'text/html; charset=utf-8';
  const body = req.method === 'GET' ? `<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n` : '';
  sendBody(res, 301, headers, body);
}

function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[char] as string);
}

/** A body over the limit: refused (413) with a clear error, and the connection is closed. */
function refuseTooLarge(res: ApiResponse, path: string): void {
  if (!path.startsWith(KEYS_PREFIX)) return sendMessageError(res, 413, CAUSE_TOO_LARGE, { Connection: 'close' });
  const body = renderErrorBody(newV2Error(ErrorCode.RaftInternal, CAUSE_TOO_LARGE, 0));
  sendBody(res, 413, { 'Content-Type': JSON_TYPE, 'X-Etcd-Index': '0', Connection: 'close' }, body);
}

/** The last resort for a bug: etcd's answer to an unexpected error, never a crash. */
function answerFailure(res: ApiResponse, error: unknown): void {
  process.emitWarning(`raftyard API: request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendMessageError(res, 500, 'Internal Server Error');
}
