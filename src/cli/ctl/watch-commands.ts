// watch and exec-watch: wait for changes of a key (or a tree) and print each event, or run a
// program with the event in ETCD_WATCH_* variables. Like etcdctl they run until interrupted
// (watch stops after one event without --forever) and skip directory events.

import { spawn } from 'node:child_process';
import type { KeyWatcher, V2Client, V2Response } from '../../client/index.js';
import { AFTER_INDEX_FLAG, type CtlCommand } from './ctl-command.js';
import { CtlExit, EXIT_BAD_ARGS, EXIT_SERVER_ERROR, EXIT_SUCCESS, failWith, interrupted, type CtlIo } from './ctl-io.js';
import type { CtlSession } from './ctl-session.js';
import type { ParsedFlags } from './go-flags.js';
import { printResponseKey } from './response-format.js';

/** Waits for the next non-directory event; an interrupt ends the run with exit code 0. */
async function nextFileEvent(
  session: CtlSession,
  watcher: KeyWatcher,
  stop: Promise<'interrupted'>,
  onDir: (event: V2Response) => void,
): Promise<V2Response> {
  for (;;) {
    let event: V2Response | 'interrupted';
    try {
      event = await Promise.race([watcher.next(), stop]);
    } catch (error) {
      failWith(session.io, EXIT_SERVER_ERROR, error);
    }
    if (event === 'interrupted') {
      watcher.close();
      throw new CtlExit(EXIT_SUCCESS);
    }
    if (!event.node.dir) return event;
    onDir(event);
  }
}

function openWatcher(client: V2Client, key: string, flags: ParsedFlags): KeyWatcher {
  const afterIndex = Math.max(0, flags.int('after-index'));
  return client.watch(key, { afterIndex, recursive: flags.bool('recursive') });
}

export const watchCommand: CtlCommand = {
  name: 'watch',
  usage: 'watch a key for changes',
  argsUsage: '<key>',
  flags: [
    { names: 'forever, f', kind: 'bool', usage: 'forever watch a key until CTRL+C' },
    AFTER_INDEX_FLAG,
    { names: 'recursive, r', kind: 'bool', usage: 'returns all values for key and child keys' },
  ],
  async run(session, flags) {
    const client = await session.syncedClient();
    if (flags.args.length === 0) failWith(session.io, EXIT_BAD_ARGS, new Error('key required'));
    const watcher = openWatcher(client, flags.args[0], flags);
    const stop = interrupted(session.io);
    do {
      const event = await nextFileEvent(session, watcher, stop, () => {});
      if (flags.bool('recursive')) session.io.stdout.write(`[${event.action}] ${event.node.key ?? ''}\n`);
      printResponseKey(session.io, event, session.output);
    } while (flags.bool('forever'));
    watcher.close();
  },
};

export const execWatchCommand: CtlCommand = {
  name: 'exec-watch',
  usage: 'watch a key for changes and exec an executable',
  argsUsage: '<key> <command> [args...]',
  flags: [AFTER_INDEX_FLAG, { names: 'recursive, r', kind: 'bool', usage: 'watch all values for key and child keys' }],
  async run(session, flags) {
    const client = await session.syncedClient();
    const args = flags.args;
    if (args.length < 2) failWith(session.io, EXIT_BAD_ARGS, new Error('key and command to exec required'));
    // With a "--" left in the arguments the key comes first, else it is the last argument.
    // urfave/cli consumes a "--" unless a flag came before the key, so `exec-watch <key> --
    // <cmd>` watches the command's last word, exactly as etcdctl does.
    const separated = args.indexOf('--', 1) > 0;
    const key = separated ? args[0] : args[args.length - 1];
    const command = separated ? args.slice(2) : args.slice(0, -1);
    const watcher = openWatcher(client, key, flags);
    const stop = interrupted(session.io);
    for (;;) {
      const event = await nextFileEvent(session, watcher, stop, (dir) => session.io.stderr.write(`Ignored dir ${dir.node.key ?? ''} change\n`));
      await startProgram(session.io, command, event);
    }
  },
};

/** Starts the program with the event in its environment and forwards its output; does not wait. */
function startProgram(io: CtlIo, command: string[], event: V2Response): Promise<void> {
  if (command.length === 0) failWith(io, EXIT_BAD_ARGS, new Error('key and command to exec required'));
  const env = {
    ...io.env,
    ETCD_WATCH_ACTION: event.action,
    ETCD_WATCH_MODIFIED_INDEX: String(event.node.modifiedIndex ?? 0),
    ETCD_WATCH_KEY: event.node.key ?? '',
    ETCD_WATCH_VALUE: event.node.value ?? '',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => io.stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk));
    child.once('spawn', () => resolve());
    child.once('error', (error: NodeJS.ErrnoException) => {
      io.stderr.write(startFailureText(command[0], error));
      reject(new CtlExit(EXIT_BAD_ARGS));
    });
  });
}

/** Go's exec error wording (printed without a newline, as etcdctl does). */
function startFailureText(program: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT' && !program.includes('/')) return `exec: "${program}": executable file not found in $PATH`;
  if (error.code === 'ENOENT') return `fork/exec ${program}: no such file or directory`;
  if (error.code === 'EACCES') return `fork/exec ${program}: permission denied`;
  return error.message;
}
