// The `raftyard` command's dispatcher: picks the subcommand (up, node, fault, ctl, bench).

import { upCommand, UP_USAGE } from './up-command.js';
import { nodeCommand } from './node-command.js';
import { faultCommand } from './fault-command.js';
import { runCtl } from './ctl/index.js';
import { benchMain } from '../bench/cli.js';
import { registerEmbeddedTarget } from '../bench/embedded-target.js';
import { registerEtcdTarget } from '../bench/etcd-target.js';
import { chaosMain } from '../chaos/cli.js';
import type { CliIo } from './cli-io.js';

const USAGE = `Usage: raftyard <command> [options]
  up        start a cluster of N nodes in this process (npm start)
  node      run one node as its own process (ws transport)
  fault     inject faults through a running cluster's admin API
  ctl       etcdctl (ETCDCTL_API=2) drop-in: set, get, mk, ls, watch, member list, ...
  bench     benchmark a raftyard cluster or any etcd v2 endpoints
  chaos     seeded faults under concurrent clients, then a linearizability and convergence check
Run 'raftyard <command> --help' for a command's options.

${UP_USAGE}`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return upCommand(rest, io);
    case 'node':
      return nodeCommand(rest, io);
    case 'fault':
      return faultCommand(rest, io);
    case 'ctl':
      return runCtlWithInterrupt(rest, io);
    case 'bench':
      registerEmbeddedTarget();
      registerEtcdTarget();
      return benchMain(rest);
    case 'chaos':
      return chaosMain(rest, io);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.stdout.write(USAGE + '\n');
      return command === undefined ? 1 : 0;
    default:
      io.stderr.write(`raftyard: unknown command "${command}"\n${USAGE}\n`);
      return 1;
  }
}

/** etcdctl ends watch, exec-watch and cluster-health --forever with exit 0 on Ctrl-C. */
async function runCtlWithInterrupt(argv: string[], io: CliIo): Promise<number> {
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const stdin = process.stdin.isTTY ? undefined : process.stdin;
    return await runCtl(argv, { stdout: process.stdout, stderr: process.stderr, env: io.env, stdin, signal: interrupt.signal });
  } finally {
    process.off('SIGINT', onSigint);
  }
}
