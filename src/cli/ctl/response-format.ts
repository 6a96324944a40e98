// Prints a key response in etcdctl's three output formats (command/format.go): `simple` (the
// value, or the previous value of a delete), `extended` (an RFC 2822 style header block) and
// `json` (Go's encoding of the response).

import type { V2Response } from '../../client/index.js';
import { println, type CtlIo } from './ctl-io.js';
import { goResponseJson } from './go-json.js';

export type OutputFormat = 'simple' | 'extended' | 'json' | string;

export function printResponseKey(io: CtlIo, response: V2Response, format: OutputFormat): void {
  switch (format) {
    case 'simple':
      if (response.action !== 'delete') println(io, response.node.value ?? '');
      else println(io, `PrevNode.Value: ${response.prevNode?.value ?? ''}`);
      return;
    case 'extended':
      printExtended(io, response);
      return;
    case 'json':
      println(io, goResponseJson(response));
      return;
    default:
      io.stderr.write(`Unsupported output format: ${format}\n`);
  }
}

function printExtended(io: CtlIo, response: V2Response): void {
  const node = response.node;
  println(io, `Key: ${node.key ?? ''}`);
  println(io, `Created-Index: ${node.createdIndex ?? 0}`);
  println(io, `Modified-Index: ${node.modifiedIndex ?? 0}`);
  if (response.prevNode) println(io, `PrevNode.Value: ${response.prevNode.value ?? ''}`);
  println(io, `TTL: ${node.ttl ?? 0}`);
  println(io, `Index: ${response.etcdIndex}`);
  if (response.action !== 'delete') {
    println(io, '');
    println(io, node.value ?? '');
  }
}
