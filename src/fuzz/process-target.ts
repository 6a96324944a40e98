// A crash target that is a whole `raftyard up --json` process: started (or recovered) on a data
// directory with every port picked by the OS, killed with SIGKILL, stopped with SIGTERM. The
// cluster's ready line gives the client endpoints.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CrashTarget } from './crash-rounds.js';
import { stopChildProcess } from '../util/stop-child-process.js';

export interface ProcessTargetOptions {
  dataDir: string;
  nodes: number;
  heartbeatMs: number;
  electionMs: number;
  /** How long the process may take to print its ready line. */
  startTimeoutMs: number;
}

const BIN_PATH = fileURLToPath(new URL('../cli/bin.js', import.meta.url));
const STOP_TIMEOUT_MS = 10_000;
/** A ready line is short; anything longer before the newline is not one. */
const READY_LINE_BYTES_MAX = 64 * 1024;
const STDERR_KEPT_BYTES = 4096;

export class ProcessTarget implements CrashTarget {
  private child: ChildProcess | null = null;
  private stderrTail = '';

  constructor(private readonly options: ProcessTargetOptions) {}

  /** The OS process id of the running cluster (for tests that signal it themselves). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<string[]> {
    if (this.child !== null) throw new Error('the raftyard process is already running');
    const o = this.options;
    const args = [BIN_PATH, 'up', '--json', '--data-dir', o.dataDir, '--nodes', String(o.nodes), '--port', '0', '--admin-port', '0',
      '--heartbeat-ms', String(o.heartbeatMs), '--election-ms', String(o.electionMs), '--log-level', 'warn'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.stderrTail = '';
    child.stderr!.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_KEPT_BYTES)));
    try {
      const ready = await this.readyLine(child);
      if (ready.ready !== true || !Array.isArray(ready.endpoints)) throw new Error(`unexpected ready line ${JSON.stringify(ready)}`);
      return ready.endpoints as string[];
    } catch (error) {
      await this.crash();
      throw error;
    }
  }

  private readyLine(child: ChildProcess): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => fail(`no ready line within ${this.options.startTimeoutMs} ms`), this.options.startTimeoutMs);
      const fail = (why: string): void => {
        clearTimeout(timer);
        reject(new Error(`raftyard up: ${why}; stderr: ${this.stderrTail}`));
      };
      child.once('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal}) before it was ready`));
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const newline = stdout.indexOf('\n');
        if (newline < 0 && stdout.length > READY_LINE_BYTES_MAX) fail('ready line too long');
        if (newline < 0) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        try {
          resolve(JSON.parse(stdout.slice(0, newline)) as Record<string, unknown>);
        } catch {
          reject(new Error(`raftyard up printed a line that is not JSON: ${stdout.slice(0, newline)}`));
        }
      });
    });
  }

  async crash(): Promise<void> {
    await this.endWith('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.endWith('SIGTERM');
  }

  private async endWith(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child !== null) await stopChildProcess(child, STOP_TIMEOUT_MS, signal);
  }
}
