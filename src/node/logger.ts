// Structured logs of a node: one pino logger per thread writing to stderr through sonic-boom
// (no extra transport thread per node), with the node id bound on every line. pino is loaded
// only when something will be logged, so a silent node (the test default) starts faster.

/** The part of pino's logger a node uses. */
export interface NodeLogger {
  info(fields: object | string, message?: string): void;
  debug(fields: object | string, message?: string): void;
  warn(fields: object | string, message?: string): void;
  error(fields: object | string, message?: string): void;
  flush?(): void;
}

const noop = (): void => {};
const SILENT: NodeLogger = { info: noop, debug: noop, warn: noop, error: noop };

export function createNodeLogger(nodeId: string, level: string): Promise<NodeLogger> {
  if (level === 'silent') return Promise.resolve(SILENT);
  return import('pino').then(({ pino }) => pino({ level, base: { node: nodeId } }, pino.destination({ dest: 2, sync: false })));
}
