// Structured logs of a node: one pino logger per thread writing to stderr through sonic-boom
// (no extra transport thread per node), with the node id bound on every line.

import pino, { type Logger } from 'pino';

export function createNodeLogger(nodeId: string, level: string): Logger {
  if (level === 'silent') return pino({ level: 'silent' });
  return pino({ level, base: { node: nodeId } }, pino.destination({ dest: 2, sync: false }));
}
