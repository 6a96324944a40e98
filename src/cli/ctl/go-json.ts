// Encodes key responses exactly as etcdctl's `-o json` does with Go's encoding/json and the
// Go client's structs: fixed field order, `"nodes":null` and `"prevNode":null` when absent,
// an always present `value`, and Go's escaping of <, >, &, U+2028 and U+2029.

import type { V2Node, V2Response } from '../../client/index.js';
import { goQuote } from '../../store/go-json.js';

/** json.Marshal of client.Response {action, node, prevNode}. */
export function goResponseJson(response: V2Response): string {
  const prev = response.prevNode ? goNodeJson(response.prevNode) : 'null';
  return `{"action":${goString(response.action)},"node":${goNodeJson(response.node)},"prevNode":${prev}}`;
}

/** json.Marshal of client.Node: key, dir (omitempty), value, nodes, indexes, expiration, ttl. */
function goNodeJson(node: V2Node): string {
  const parts = [`"key":${goString(node.key ?? '')}`];
  if (node.dir) parts.push('"dir":true');
  parts.push(`"value":${goString(node.value ?? '')}`);
  parts.push(`"nodes":${node.nodes ? `[${node.nodes.map(goNodeJson).join(',')}]` : 'null'}`);
  parts.push(`"createdIndex":${node.createdIndex ?? 0}`, `"modifiedIndex":${node.modifiedIndex ?? 0}`);
  if (node.expiration !== undefined) parts.push(`"expiration":${goString(node.expiration)}`);
  if (node.ttl) parts.push(`"ttl":${node.ttl}`);
  return `{${parts.join(',')}}`;
}

/**
 * A Go-encoded JSON string, as the store's encoder writes them (goQuote); etcdctl's value is
 * already well-formed UTF-8, so a lone surrogate here prints as the replacement character.
 */
function goString(text: string): string {
  return goQuote(text.toWellFormed());
}
