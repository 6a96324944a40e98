// Runs one ctl command line two ways for the differential test: through the real etcdctl
// binary (ETCDCTL_API=2, a child process) and through runCtl in-process. Both take the same
// environment and stdin and can be interrupted (SIGINT / an abort), as Ctrl+C would.

import { spawn } from 'node:child_process';
import { runCtl } from '../../src/cli/ctl/index.js';
import { waitUntil } from '../support/wait-until.js';

export const ETCDCTL_BINARY = process.env.RAFTYARD_ETCDCTL_BINARY ?? '/usr/bin/etcdctl';

export interface CtlOutcome {
  stdout: string;
  stderr: string;
  code: number;
}

export interface CtlRunOptions {
  env: Record<string, string>;
  stdin?: string;
  /** Runs beside the command (e.g. writes the keys a watch waits for), reading its stdout. */
  drive?: (output: () => string) => Promise<void>;
  /** Interrupt the command once `drive` is done, as Ctrl+C would. */
  interruptAfterDrive?: boolean;
  timeoutMs?: number;
}

/** A command must finish within this unless told otherwise. */
const RUN_TIMEOUT_MS_DEFAULT = 15_000;

export function runEtcdctl(args: string[], options: CtlRunOptions): Promise<CtlOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(ETCDCTL_BINARY, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env, ETCDCTL_API: '2' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // etcdctl may exit (bad arguments) before it reads its input: the pipe then breaks, which says nothing about its answer.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? RUN_TIMEOUT_MS_DEFAULT);
    options.drive?.(() => stdout).then(() => {
      if (options.interruptAfterDrive) child.kill('SIGINT');
    }, reject);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') reject(new Error(`etcdctl ${args.join(' ')} timed out; stdout: ${stdout} stderr: ${stderr}`));
      else resolve({ stdout, stderr, code: code ?? -1 });
    });
  });
}

export async function runInProcess(args: string[], options: CtlRunOptions): Promise<CtlOutcome> {
  let stdout = '';
  let stderr = '';
  const interrupt = new AbortController();
  const io = {
    stdout: { write: (chunk: string | Uint8Array) => (stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')) },
    stderr: { write: (chunk: string | Uint8Array) => (stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')) },
    env: { ...options.env, ETCDCTL_API: '2' },
    stdin: options.stdin ?? '',
    signal: interrupt.signal,
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`runCtl ${args.join(' ')} timed out; stdout: ${stdout} stderr: ${stderr}`)), options.timeoutMs ?? RUN_TIMEOUT_MS_DEFAULT);
  });
  const driven = options.drive?.(() => stdout).then(() => {
    if (options.interruptAfterDrive) interrupt.abort();
  });
  try {
    const code = await Promise.race([runCtl(args, io), timeout]);
    await driven;
    return { stdout, stderr, code };
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `output()` holds at least `lines` lines, polling; rejects after `timeoutMs`. */
export function untilLines(output: () => string, lines: number, timeoutMs = 10_000): Promise<void> {
  return waitUntil(() => output().split('\n').length - 1 >= lines, () => `${lines} lines of output, got: ${JSON.stringify(output())}`, timeoutMs);
}
