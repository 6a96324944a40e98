// What a ctl run talks to (output streams, environment, stdin, an interrupt signal) and how
// it ends: CtlExit carries an exit code out of any depth, like os.Exit in etcdctl, and
// failWith prints an error the way etcdctl's handleError does.

import { ClusterError } from '../../client/index.js';

export interface CtlWritable {
  write(chunk: string | Uint8Array): unknown;
}

export interface CtlIo {
  stdout: CtlWritable;
  stderr: CtlWritable;
  env: Record<string, string | undefined>;
  /** Read when `set`, `mk` or `update` get no value argument; absent reads as empty. */
  stdin?: string | AsyncIterable<string | Uint8Array>;
  /** Plays the role of Ctrl+C for watch, exec-watch and cluster-health --forever. */
  signal?: AbortSignal;
}

/** etcdctl's exit codes (command/error.go). */
export const EXIT_SUCCESS = 0;
export const EXIT_BAD_ARGS = 1;
export const EXIT_BAD_CONNECTION = 2;
export const EXIT_SERVER_ERROR = 4;
export const EXIT_CLUSTER_NOT_HEALTHY = 5;
/** urfave/cli's code for an unknown help topic. */
export const EXIT_NO_HELP_TOPIC = 3;

/** Thrown to end the run with `code` after its output was written. */
export class CtlExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'CtlExit';
  }
}

/** Prints "Error:  <err>" (and a cluster error's detail lines) to stderr and exits with `code`. */
export function failWith(io: CtlIo, code: number, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`Error:  ${message}\n`);
  if (error instanceof ClusterError) io.stderr.write(`${error.detail()}\n`);
  throw new CtlExit(code);
}

/** Writes a line to stdout. */
export function println(io: CtlIo, line: string): void {
  io.stdout.write(`${line}\n`);
}

/** A value read from stdin is bounded like any request body. */
export const STDIN_BYTES_MAX = 16 * 1024 * 1024;

/** The value argument or, failing that, all of stdin; undefined when both are empty. */
export async function argOrStdin(io: CtlIo, args: string[], position: number): Promise<string | undefined> {
  if (position < args.length) return args[position];
  if (io.stdin === undefined) return undefined;
  if (typeof io.stdin === 'string') return io.stdin === '' ? undefined : io.stdin;
  const chunks: Buffer[] = [];
  let sizeBytes = 0;
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    sizeBytes += bytes.length;
    if (sizeBytes > STDIN_BYTES_MAX) throw new Error(`stdin exceeds ${STDIN_BYTES_MAX} bytes`);
    chunks.push(bytes);
  }
  return sizeBytes === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** Resolves when the interrupt signal fires; never, when there is none. */
export function interrupted(io: CtlIo): Promise<'interrupted'> {
  return new Promise((resolve) => {
    if (!io.signal) return;
    if (io.signal.aborted) resolve('interrupted');
    else io.signal.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });
}
