// POST, PUT and DELETE on /v2/members. raftyard's membership is fixed when the cluster starts,
// so a change that etcd would accept is refused the way etcd refuses a reconfiguration it
// cannot make (for example with too few started members): 500 `{"message":"Internal Server
// Error"}`. Everything before that answers as etcd does: 415 for a body that is not JSON,
// 400 for bad JSON or URLs, 404 for an unknown member, 409 for a peer URL already in use.

import type { ApiContext, Exchange } from './api-context.js';
import { sendGoHttpError, sendMessageError, type Headers } from './http-reply.js';
import { goMemberId, parseMemberId, sortMembers } from './member-id.js';

const REFUSED = 'Internal Server Error';
const PEER_URL_EXISTS = 'membership: peerURL exists';

/** `idText` is what follows /v2/members/ in the path. */
export function serveMemberChange(ctx: ApiContext, exchange: Exchange, idText: string, headers: Headers): void {
  const { req, res } = exchange;
  if (req.method === 'POST') {
    const urls = peerUrlsOf(exchange, headers);
    if (urls === null) return;
    const taken = sortMembers(ctx.backend.members()).some((member) => member.peerURLs.some((url) => urls.includes(url)));
    return sendMessageError(res, taken ? 409 : 500, taken ? PEER_URL_EXISTS : REFUSED, headers);
  }
  if (idText === '') return sendGoHttpError(res, 405, 'Method Not Allowed', headers);
  const id = parseMemberId(idText);
  if (id === null) return sendMessageError(res, 404, `No such member: ${idText}`, headers);
  const idString = id.toString(16);
  const member = sortMembers(ctx.backend.members()).find((candidate) => goMemberId(candidate.id) === idString);
  if (req.method === 'DELETE') {
    return sendMessageError(res, member === undefined ? 404 : 500, member === undefined ? `No such member: ${idString}` : REFUSED, headers);
  }
  const urls = peerUrlsOf(exchange, headers);
  if (urls === null) return;
  if (member === undefined) return sendMessageError(res, 404, `No such member: ${idString}`, headers);
  const others = sortMembers(ctx.backend.members()).filter((candidate) => candidate !== member);
  const taken = others.some((other) => other.peerURLs.some((url) => urls.includes(url)));
  sendMessageError(res, taken ? 409 : 500, taken ? PEER_URL_EXISTS : REFUSED, headers);
}

/** etcd's unmarshalRequest of `{"peerURLs":[...]}`; answers the error itself and returns null. */
function peerUrlsOf(exchange: Exchange, headers: Headers): string[] | null {
  const { req, res, body } = exchange;
  let contentType = req.headers['content-type'] ?? '';
  const semicolonAt = contentType.indexOf(';');
  if (semicolonAt !== -1) contentType = contentType.slice(0, semicolonAt).trim().toLowerCase();
  if (contentType !== 'application/json') {
    sendMessageError(res, 415, `Bad Content-Type ${contentType}, accept application/json`, headers);
    return null;
  }
  const urls = decodePeerUrls(body);
  if (typeof urls === 'string') {
    sendMessageError(res, 400, urls, headers);
    return null;
  }
  return urls;
}

/** The peer URLs, checked like etcd's types.NewURLs, or the error text. */
function decodePeerUrls(body: string): string[] | string {
  if (body.trim() === '') return 'unexpected end of JSON input';
  let decoded: unknown;
  try {
    decoded = JSON.parse(body);
  } catch (error) {
    return (error as Error).message;
  }
  const list = (decoded as { peerURLs?: unknown } | null)?.peerURLs ?? [];
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    return 'json: cannot unmarshal into Go struct field .peerURLs of type []string';
  }
  const urls: string[] = [];
  for (const text of list as string[]) {
    const checked = checkPeerUrl(text.trim());
    if (checked !== text.trim()) return checked;
    urls.push(checked);
  }
  return urls.sort();
}

const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/;

/** types.NewURLs for one URL: the URL itself, or etcd's error text. */
function checkPeerUrl(text: string): string {
  const parts = URL_PARTS.exec(text);
  const scheme = parts?.[1]?.toLowerCase() ?? '';
  if (!['http', 'https', 'unix', 'unixs'].includes(scheme)) return `URL scheme must be http, https, unix, or unixs: ${text}`;
  const hostPort = (parts?.[2] ?? '').replace(/^.*@/, '');
  if (!/^\[[^\]]*\]:[^:]*$/.test(hostPort) && !/^[^:[\]]*:[^:]*$/.test(hostPort)) {
    return `URL address does not have the form "host:port": ${text}`;
  }
  if ((parts?.[3] ?? '') !== '') return `URL must not contain a path: ${text}`;
  return text;
}
