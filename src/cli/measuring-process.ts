// The Node process a measuring command runs in. V8's memory reducer (made for idle browser tabs)
// runs mark-compact collections on a heap whose allocation rate has dropped, about 8 s after its
// last one: for `raftyard bench` that is the supervisor's main thread, idle once the load runs in
// worker threads, and its two reducing collections (11 and 5.5 ms, `--trace-gc`, with V8's
// parallel markers on both cores) fell inside the first measured phase, where they held the
// members and the load generator off the cores for that long. Members and load generators are
// created without the reducer (cluster/member-heap-flags.ts), but V8 reads the flag when it creates
// a heap, so the main thread's can only lose it on the command line: a measuring command started
// without the flag starts itself again with it, and passes its exit code on.

import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export const NO_MEMORY_REDUCER_FLAG = '--no-memory-reducer';

/** Commands whose figures an idle main thread's collections would disturb. */
const MEASURING_COMMANDS: ReadonlySet<string> = new Set(['bench']);

/**
 * The arguments to start this process again with for `args` (its command line after the script),
 * or null when it runs as it should already: not a measuring command, or the flag is given.
 */
export function relaunchArguments(args: readonly string[], execArgv: readonly string[], script: string): string[] | null {
  if (!MEASURING_COMMANDS.has(args[0] ?? '') || execArgv.includes(NO_MEMORY_REDUCER_FLAG)) return null;
  return [NO_MEMORY_REDUCER_FLAG, ...execArgv, script, ...args];
}

/**
 * Runs `node <nodeArgs>` with this process's stdio and environment; resolves with its exit code
 * (128 + the signal's number when a signal ended it, as a shell reports it). A SIGINT or SIGTERM
 * sent to this process alone is passed on (Ctrl-C reaches both anyway: one process group), and
 * this process ends when the child has.
 */
export function runRelaunched(nodeArgs: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInterrupt = forward('SIGINT');
    const onTerminate = forward('SIGTERM');
    process.on('SIGINT', onInterrupt);
    process.on('SIGTERM', onTerminate);
    const stopForwarding = () => {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
    };
    child.on('error', (error) => {
      stopForwarding();
      reject(error);
    });
    child.on('exit', (code, signal) => {
      stopForwarding();
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}
