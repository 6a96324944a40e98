// Stopping a child process: a signal (SIGTERM by default), then SIGKILL if it has not exited
// after a grace period. Used for the real etcd members a benchmark starts, the `raftyard up`
// process the crash fuzzer kills, and tests that spawn processes.

import type { ChildProcess } from 'node:child_process';

const STOP_GRACE_MS_DEFAULT = 5_000;

/** Resolves once the process has exited (at once if it already has). */
export function stopChildProcess(child: ChildProcess, graceMs = STOP_GRACE_MS_DEFAULT, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
