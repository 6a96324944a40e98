// The exact answers etcd writes for /v2/keys: the JSON body of an event (node fields in
// etcd's order, empty ones left out except a file's value, the root without a key, the TTL
// rounded up from the expiration and the event's time, or the time of rendering for a local
// read), the JSON body of an error, and the HTTP status of each. Bodies end with a newline,
// as Go's json.Encoder writes them.

import { isCreatedEvent, type NodeView, type V2Event } from './event.js';
import { goQuote, goTimeJson } from './go-json.js';
import { ROOT_PATH } from './key-path.js';
import type { V2Error } from './v2-error.js';

export { errorHttpStatus } from './v2-error.js';

export interface RenderOptions {
  /** etcd's noValueOnSuccess: a set, create, update or compareAndSwap answers only its action. */
  readonly noValueOnSuccess?: boolean;
}

const QUIET_ACTIONS: ReadonlySet<string> = new Set(['set', 'compareAndSwap', 'create', 'update']);

/**
 * The body etcd sends for an event. Its TTLs are those left at the event's time, or, for a
 * local read (no time), at `nowMs()`: the clock is read only for such an event.
 */
export function renderEventBody(event: V2Event, nowMs: () => number, options: RenderOptions = {}): string {
  const ttlAtMs = event.timeMs ?? nowMs();
  let body = `{"action":${goQuote(event.action)}`;
  if (!(options.noValueOnSuccess === true && QUIET_ACTIONS.has(event.action))) {
    body += `,"node":${renderNode(event.node, ttlAtMs)}`;
    if (event.prevNode !== null) body += `,"prevNode":${renderNode(event.prevNode, ttlAtMs)}`;
  }
  return body + '}\n';
}

/** 201 for a create and for a set of a new key, else 200. */
export function eventHttpStatus(event: V2Event): number {
  return isCreatedEvent(event) ? 201 : 200;
}

/** The body etcd sends for an error: `{"errorCode","message","cause","index"}`, cause left out when empty. */
export function renderErrorBody(error: V2Error): string {
  const cause = error.cause === '' ? '' : `,"cause":${goQuote(error.cause)}`;
  return `{"errorCode":${error.errorCode},"message":${goQuote(error.message)}${cause},"index":${error.index}}\n`;
}

/**
 * etcd's ttl: the seconds left until `expirationMs`, rounded up (Go's integer division
 * truncates toward zero, then one is added for a positive remainder), so an expired key not
 * yet removed shows 0 (left out) or a negative number.
 */
export function ttlSeconds(expirationMs: number, nowMs: number): number {
  const remainingMs = expirationMs - nowMs;
  const remainderMs = remainingMs % 1000;
  // Subtracting the remainder first divides exactly, and never yields -0.
  const whole = (remainingMs - remainderMs) / 1000;
  return remainderMs > 0 ? whole + 1 : whole;
}

/** One node as etcd's NodeExtern JSON. */
export function renderNode(node: NodeView, nowMs: number): string {
  const fields: string[] = [];
  if (node.key !== ROOT_PATH) fields.push(`"key":${goQuote(node.key)}`);
  if (node.value !== null) fields.push(`"value":${goQuote(node.value)}`);
  if (node.dir) fields.push('"dir":true');
  if (node.expirationMs !== null) {
    fields.push(`"expiration":${goTimeJson(node.expirationMs)}`);
    const ttl = ttlSeconds(node.expirationMs, nowMs);
    if (ttl !== 0) fields.push(`"ttl":${ttl}`);
  }
  if (node.nodes !== null && node.nodes.length > 0) {
    fields.push(`"nodes":[${node.nodes.map((child) => renderNode(child, nowMs)).join(',')}]`);
  }
  if (node.modifiedIndex !== 0) fields.push(`"modifiedIndex":${node.modifiedIndex}`);
  if (node.createdIndex !== 0) fields.push(`"createdIndex":${node.createdIndex}`);
  return `{${fields.join(',')}}`;
}
