// The endpoints besides /v2/keys: /v2/members (list and leader; changes are in
// member-change.ts), /v2/machines, /v2/stats/{self,leader,store}, /version and /health, each
// with etcd's methods, headers and bodies. Their errors are `{"message":"..."}` bodies.

import type { MemberView } from './api-backend.js';
import type { ApiContext, Exchange } from './api-context.js';
import { goJsonValue } from './go-json-value.js';
import { sendBody, sendGoHttpError, sendJson, sendMessageError, sendMethodNotAllowed, TEXT_TYPE } from './http-reply.js';
import { goMemberId, sortMembers } from './member-id.js';
import { serveMemberChange } from './member-change.js';

export const MEMBERS_PREFIX = '/v2/members';
/** etcd's health check gives its quorum read one second. */
const HEALTH_READ_TIMEOUT_MS = 1000;

function memberJson(member: MemberView): string {
  return goJsonValue({ id: goMemberId(member.id), name: member.name, peerURLs: member.peerURLs, clientURLs: member.clientURLs });
}


export async function serveMembers(ctx: ApiContext, exchange: Exchange): Promise<void> {
  const { req, res, target } = exchange;
  const allowed = ['GET', 'POST', 'DELETE', 'PUT'];
  if (!allowed.includes(req.method as string)) return sendMethodNotAllowed(res, allowed);
  const headers = { 'X-Etcd-Cluster-Id': ctx.clusterIdHeader };
  const rest = target.path.slice(MEMBERS_PREFIX.length).replace(/^\//, '');
  if (req.method !== 'GET') return serveMemberChange(ctx, exchange, rest, headers);
  if (rest === '') {
    const list = sortMembers(ctx.backend.members()).map(memberJson).join(',');
    return sendJson(res, 200, `{"members":[${list}]}\n`, headers);
  }
  if (rest !== 'leader') return sendMessageError(res, 404, 'Not found', headers);
  const leader = ctx.backend.leader();
  if (leader === null) return sendMessageError(res, 503, 'During election', headers);
  sendJson(res, 200, memberJson(leader) + '\n', headers);
}

export function serveMachines(ctx: ApiContext, exchange: Exchange): void {
  const { req, res } = exchange;
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendMethodNotAllowed(res, ['GET', 'HEAD']);
  const urls = ctx.backend.members().flatMap((member) => member.clientURLs);
  urls.sort();
  sendBody(res, 200, { 'Content-Type': TEXT_TYPE }, urls.join(', '));
}

export function serveStats(ctx: ApiContext, exchange: Exchange, which: 'self' | 'leader' | 'store'): void {
  const { req, res } = exchange;
  if (req.method !== 'GET') return sendMethodNotAllowed(res, ['GET']);
  if (which === 'store') return sendJson(res, 200, ctx.backend.store.statsJson());
  if (which === 'self') return sendJson(res, 200, goJsonValue(ctx.backend.selfStats()));
  const leaderStats = ctx.backend.leaderStats();
  if (leaderStats === null) return sendMessageError(res, 403, 'not current leader');
  sendJson(res, 200, goJsonValue(leaderStats));
}

export function serveVersion(ctx: ApiContext, exchange: Exchange): void {
  const { req, res } = exchange;
  if (req.method !== 'GET') return sendMethodNotAllowed(res, ['GET']);
  const { etcdserver, etcdcluster } = ctx.backend.version;
  sendJson(res, 200, goJsonValue({ etcdserver, etcdcluster }));
}

/** Healthy when there is a leader and a quorum read (a ReadIndex round) succeeds in 1 s. */
export async function serveHealth(ctx: ApiContext, exchange: Exchange): Promise<void> {
  const { req, res } = exchange;
  if (req.method !== 'GET') return sendMethodNotAllowed(res, ['GET']);
  const healthy = ctx.backend.leader() !== null && (await quorumReadSucceeds(ctx));
  if (res.destroyed) return;
  // etcd writes the healthy body without a Content-Type (Go sniffs text/plain) and the
  // unhealthy one through http.Error.
  if (!healthy) return sendGoHttpError(res, 503, '{"health":"false"}');
  sendBody(res, 200, { 'Content-Type': TEXT_TYPE }, '{"health":"true"}');
}

async function quorumReadSucceeds(ctx: ApiContext): Promise<boolean> {
  try {
    await ctx.backend.linearizableRead(HEALTH_READ_TIMEOUT_MS);
    return true;
  } catch {
    return false;
  }
}
