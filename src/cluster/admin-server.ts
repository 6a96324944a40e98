// The supervisor's admin HTTP API (loopback by default): the embedded API's operations for the
// shell and for other languages — cluster state, node faults, link shaping, partitions, and a
// member's WAL figures (how long its flushes take).
// Every error answers JSON `{"message": …}` with a 4xx/5xx status.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Cluster } from './cluster.js';
import { PASS_THROUGH_LINK, type LinkConfig } from '../transport/link-config.js';
import type { WalReport } from '../node/control-protocol.js';
import { LogLinearHistogram } from '../util/log-linear-histogram.js';

const BODY_BYTES_MAX = 64 * 1024;
/** Every setting a link has, named once in link-config.ts. */
const LINK_FIELDS = new Set(Object.keys(PASS_THROUGH_LINK));
const NODE_ACTIONS = new Set(['kill', 'restart', 'pause', 'resume', 'stop']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

export async function startAdminServer(cluster: Cluster, host = '127.0.0.1', port = 0): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    handle(cluster, req, res).catch((error: Error) => {
      const status = error instanceof HttpError ? error.status : error instanceof RangeError ? 400 : 500;
      reply(res, status, { message: error.message });
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_BYTES_MAX) throw new HttpError(413, `body exceeds ${BODY_BYTES_MAX} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  return body as Record<string, unknown>;
}

async function handle(cluster: Cluster, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://admin').pathname.replace(/\/+$/, '');
  const parts = path.split('/').filter(Boolean);
  const method = req.method ?? 'GET';
  if (parts[0] !== 'v1') throw new HttpError(404, `no such endpoint: ${path || '/'}`);
  if (method === 'GET' && path === '/v1/cluster') return reply(res, 200, await clusterReport(cluster));
  if (method === 'GET' && parts[1] === 'nodes' && parts.length === 4 && parts[3] === 'wal') return walReport(cluster, parts[2]!, res);
  if (method === 'POST' && parts[1] === 'nodes' && parts.length === 4) return nodeAction(cluster, parts[2]!, parts[3]!, req, res);
  if (method === 'PUT' && parts[1] === 'links' && parts.length === 4) return setLink(cluster, parts[2]!, parts[3]!, req, res);
  if (method === 'DELETE' && path === '/v1/links') {
    await cluster.clearLinks();
    return reply(res, 200, { links: cluster.links() });
  }
  if (method === 'POST' && path === '/v1/partition') return partition(cluster, req, res);
  if (method === 'POST' && path === '/v1/heal') {
    await cluster.heal();
    return reply(res, 200, { healed: true });
  }
  if (method === 'POST' && path === '/v1/transfer-leader') {
    const body = await readJson(req);
    if (typeof body.to !== 'string') throw new HttpError(400, '"to" must name a node');
    await cluster.transferLeadership(body.to);
    return reply(res, 200, { to: body.to });
  }
  throw new HttpError(404, `no such endpoint: ${method} ${path}`);
}

async function clusterReport(cluster: Cluster): Promise<unknown> {
  // One status round to every worker, so the leader named and the nodes listed agree.
  const nodes = await cluster.nodes();
  return {
    clusterId: cluster.manifest.clusterId,
    transport: cluster.options.transport,
    heartbeatMs: cluster.options.heartbeatMs,
    electionMs: cluster.options.electionMs,
    leader: nodes.find((n) => n.role === 'leader')?.id ?? null,
    nodes,
    links: cluster.links(),
  };
}

async function nodeAction(cluster: Cluster, id: string, action: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!cluster.ids.includes(id)) throw new HttpError(404, `no node ${id} (nodes: ${cluster.ids.join(', ')})`);
  if (!NODE_ACTIONS.has(action)) throw new HttpError(404, `unknown action ${action}: use ${[...NODE_ACTIONS].join(', ')}`);
  const body = await readJson(req);
  try {
    if (action === 'kill') await cluster.kill(id, { loseUnsynced: body.loseUnsynced === true });
    else if (action === 'restart') await cluster.restart(id);
    else if (action === 'pause') cluster.pause(id);
    else if (action === 'resume') cluster.resume(id);
    else await cluster.stopNode(id);
  } catch (error) {
    throw new HttpError(409, (error as Error).message);
  }
  reply(res, 200, { node: id, action, state: cluster.nodeState(id) });
}

/**
 * A member's WAL since it started: its counts, its flush durations' percentiles in ms, and the
 * histogram itself (`flushDurationsUs`), which a client cuts into windows by subtracting an
 * earlier one bucket by bucket.
 */
async function walReport(cluster: Cluster, id: string, res: ServerResponse): Promise<void> {
  if (!cluster.ids.includes(id)) throw new HttpError(404, `no node ${id} (nodes: ${cluster.ids.join(', ')})`);
  let report: WalReport;
  try {
    report = await cluster.walReport(id);
  } catch (error) {
    throw new HttpError(409, (error as Error).message);
  }
  const flushes = LogLinearHistogram.fromSerialized(report.flushDurationsUs);
  const ms = (us: number): number => Math.round(us) / 1000;
  const flushDurationsMs = { count: flushes.count, p50: ms(flushes.percentile(50)), p90: ms(flushes.percentile(90)), p99: ms(flushes.percentile(99)), max: ms(flushes.max) };
  reply(res, 200, { node: id, ...report, flushDurationsMs });
}

async function setLink(cluster: Cluster, from: string, to: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const id of [from, to]) if (!cluster.ids.includes(id)) throw new HttpError(404, `no node ${id}`);
  const body = await readJson(req);
  for (const field of Object.keys(body)) {
    if (!LINK_FIELDS.has(field)) throw new HttpError(400, `unknown link setting "${field}": use ${[...LINK_FIELDS].join(', ')}`);
  }
  const link = cluster.link(from, to);
  await link.set(body as Partial<LinkConfig>);
  reply(res, 200, { from, to, config: link.config });
}

async function partition(cluster: Cluster, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
  const groups = body.groups;
  if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g) && g.every((id) => typeof id === 'string'))) {
    throw new HttpError(400, '"groups" must be an array of arrays of node ids, e.g. [["n1"],["n2","n3"]]');
  }
  for (const id of groups.flat() as string[]) if (!cluster.ids.includes(id)) throw new HttpError(404, `no node ${id}`);
  await cluster.partition(groups as string[][]);
  reply(res, 200, { groups });
}
