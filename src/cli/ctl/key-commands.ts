// The key commands of etcdctl v2: set, mk, update, mkdir, setdir, updatedir, get, rm, rmdir
// and ls. Each follows its etcdctl counterpart: the client (and its sync) comes first, then
// the argument checks, one request under --total-timeout, and the same printing rules.

import type { V2Client, V2Node, V2Response } from '../../client/index.js';
import { QUORUM_FLAG, SORT_FLAG, TTL_FLAG, type CtlCommand } from './ctl-command.js';
import { argOrStdin, CtlExit, EXIT_BAD_ARGS, EXIT_SERVER_ERROR, failWith, println } from './ctl-io.js';
import type { CtlSession } from './ctl-session.js';
import type { ParsedFlags } from './go-flags.js';
import { printResponseKey } from './response-format.js';

/** Runs one request under --total-timeout; a failure prints and exits 4. */
async function request(session: CtlSession, call: (signal: AbortSignal) => Promise<V2Response>): Promise<V2Response> {
  try {
    return await call(session.totalSignal());
  } catch (error) {
    failWith(session.io, EXIT_SERVER_ERROR, error);
  }
}

function requireKey(session: CtlSession, flags: ParsedFlags): string {
  if (flags.args.length === 0) failWith(session.io, EXIT_BAD_ARGS, new Error('key required'));
  return flags.args[0];
}

async function requireValue(session: CtlSession, flags: ParsedFlags): Promise<string> {
  const value = await argOrStdin(session.io, flags.args, 1);
  if (value === undefined) failWith(session.io, EXIT_BAD_ARGS, new Error('value required'));
  return value;
}

/** etcdctl sends a TTL only when it is positive. */
function ttlOf(flags: ParsedFlags): number | undefined {
  const ttl = flags.int('ttl');
  return ttl > 0 ? ttl : undefined;
}

/** A value-setting command: set, mk or update, differing in the PUT they send. */
function valueCommand(
  name: string,
  usage: string,
  extra: Pick<CtlCommand, 'flags' | 'description'>,
  send: (client: V2Client, key: string, value: string, flags: ParsedFlags, signal: AbortSignal) => Promise<V2Response>,
): CtlCommand {
  return {
    name,
    usage,
    argsUsage: '<key> <value>',
    ...extra,
    async run(session, flags) {
      const client = await session.syncedClient();
      const key = requireKey(session, flags);
      const value = await requireValue(session, flags);
      const response = await request(session, (signal) => send(client, key, value, flags, signal));
      printResponseKey(session.io, response, session.output);
    },
  };
}

export const setCommand = valueCommand(
  'set',
  'set the value of a key',
  {
    description:
      "Set sets the value of a key.\n\n   When <value> begins with '-', <value> is interpreted as a flag.\n   Insert '--' for workaround:\n\n   $ set -- <key> <value>",
    flags: [
      TTL_FLAG,
      { names: 'swap-with-value', kind: 'string', usage: 'previous value', defaultValue: '' },
      { names: 'swap-with-index', kind: 'int', usage: 'previous index', defaultValue: 0 },
    ],
  },
  (client, key, value, flags, signal) => {
    const prevValue = flags.string('swap-with-value');
    const prevIndex = flags.int('swap-with-index');
    return client.keys.set(key, value, { ttl: ttlOf(flags), prevValue: prevValue === '' ? undefined : prevValue, prevIndex, signal });
  },
);

export const mkCommand = valueCommand(
  'mk',
  'make a new key with a given value',
  {
    flags: [{ names: 'in-order', kind: 'bool', usage: 'create in-order key under directory <key>' }, TTL_FLAG],
  },
  (client, key, value, flags, signal) =>
    flags.bool('in-order')
      ? client.keys.createInOrder(key, value, { ttl: ttlOf(flags), signal })
      : client.keys.create(key, value, { ttl: ttlOf(flags), signal }),
);

export const updateCommand = valueCommand(
  'update',
  'update an existing key with a given value',
  { flags: [TTL_FLAG] },
  (client, key, value, flags, signal) => client.keys.update(key, value, { ttl: ttlOf(flags), signal }),
);

/** mkdir, setdir and updatedir: a directory PUT that prints nothing in simple format. */
function dirCommand(name: string, usage: string, argsUsage: string, prevExist: boolean | undefined): CtlCommand {
  return {
    name,
    usage,
    argsUsage,
    flags: [TTL_FLAG],
    async run(session, flags) {
      const client = await session.syncedClient();
      const key = requireKey(session, flags);
      const response = await request(session, (signal) => client.keys.set(key, '', { dir: true, ttl: ttlOf(flags), prevExist, signal }));
      if (session.output !== 'simple') printResponseKey(session.io, response, session.output);
    },
  };
}

export const mkdirCommand = dirCommand('mkdir', 'make a new directory', '<key>', false);
export const setdirCommand = dirCommand('setdir', 'create a new directory or update an existing directory TTL', '<key>', undefined);
export const updatedirCommand = dirCommand('updatedir', 'update an existing directory', '<key> <value>', true);

export const getCommand: CtlCommand = {
  name: 'get',
  usage: 'retrieve the value of a key',
  argsUsage: '<key>',
  flags: [SORT_FLAG, QUORUM_FLAG],
  async run(session, flags) {
    const client = await session.syncedClient();
    const key = requireKey(session, flags);
    const options = { sorted: flags.bool('sort'), quorum: flags.bool('quorum') };
    const response = await request(session, (signal) => client.keys.get(key, { ...options, signal }));
    if (response.node.dir) {
      session.io.stderr.write(`${response.node.key ?? ''}: is a directory\n`);
      throw new CtlExit(EXIT_BAD_ARGS);
    }
    printResponseKey(session.io, response, session.output);
  },
};

/** rm and rmdir print nothing for a removed directory in simple format. */
function printRemoved(session: CtlSession, response: V2Response): void {
  if (!response.node.dir || session.output !== 'simple') printResponseKey(session.io, response, session.output);
}

export const rmCommand: CtlCommand = {
  name: 'rm',
  usage: 'remove a key or a directory',
  argsUsage: '<key>',
  flags: [
    { names: 'dir', kind: 'bool', usage: 'removes the key if it is an empty directory or a key-value pair' },
    { names: 'recursive, r', kind: 'bool', usage: 'removes the key and all child keys(if it is a directory)' },
    { names: 'with-value', kind: 'string', usage: 'previous value', defaultValue: '' },
    { names: 'with-index', kind: 'int', usage: 'previous index', defaultValue: 0 },
  ],
  async run(session, flags) {
    const client = await session.syncedClient();
    const key = requireKey(session, flags);
    const prevValue = flags.string('with-value');
    const options = { dir: flags.bool('dir'), recursive: flags.bool('recursive'), prevValue: prevValue === '' ? undefined : prevValue, prevIndex: flags.int('with-index') };
    printRemoved(session, await request(session, (signal) => client.keys.delete(key, { ...options, signal })));
  },
};

export const rmdirCommand: CtlCommand = {
  name: 'rmdir',
  usage: 'removes the key if it is an empty directory or a key-value pair',
  argsUsage: '<key>',
  flags: [],
  async run(session, flags) {
    const client = await session.syncedClient();
    const key = requireKey(session, flags);
    printRemoved(session, await request(session, (signal) => client.keys.delete(key, { dir: true, signal })));
  },
};

export const lsCommand: CtlCommand = {
  name: 'ls',
  usage: 'retrieve a directory',
  argsUsage: '[key]',
  flags: [
    SORT_FLAG,
    { names: 'recursive, r', kind: 'bool', usage: 'returns all key names recursively for the given path' },
    { names: 'p', kind: 'bool', usage: 'append slash (/) to directories' },
    QUORUM_FLAG,
  ],
  async run(session, flags) {
    const client = await session.syncedClient();
    const key = flags.args.length > 0 ? flags.args[0] : '/';
    const options = { sorted: flags.bool('sort'), recursive: flags.bool('recursive'), quorum: flags.bool('quorum') };
    const response = await request(session, (signal) => client.keys.get(key, { ...options, signal }));
    if (session.output !== 'simple') {
      printResponseKey(session.io, response, session.output);
      return;
    }
    if (!response.node.dir) println(session.io, response.node.key ?? '');
    for (const node of response.node.nodes ?? []) printTree(session, node, flags.bool('p'));
  },
};

/** ls's listing: every node's key, directories with a trailing slash under -p. */
function printTree(session: CtlSession, node: V2Node, slashDirs: boolean): void {
  println(session.io, node.dir && slashDirs ? `${node.key ?? ''}/` : (node.key ?? ''));
  for (const child of node.nodes ?? []) printTree(session, child, slashDirs);
}
