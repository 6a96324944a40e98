// `raftyard ctl`, a drop-in for `ETCDCTL_API=2 etcdctl`: parses the global flags, picks the
// command (or member's subcommand), parses its flags urfave/cli-style and runs it, turning
// usage errors, help requests and exits into etcdctl's output and exit codes.

import { clusterHealthCommand, memberSubcommands } from './cluster-commands.js';
import type { CtlCommand } from './ctl-command.js';
import { CtlExit, EXIT_BAD_ARGS, EXIT_NO_HELP_TOPIC, EXIT_SUCCESS, type CtlIo } from './ctl-io.js';
import { CtlSession, GLOBAL_FLAGS } from './ctl-session.js';
import { FlagError, parseGoFlags, reorderCommandArgs, type FlagSpec, type ParsedFlags } from './go-flags.js';
import { commandHelp, programHelp } from './help-text.js';
import {
  getCommand,
  lsCommand,
  mkCommand,
  mkdirCommand,
  rmCommand,
  rmdirCommand,
  setCommand,
  setdirCommand,
  updateCommand,
  updatedirCommand,
} from './key-commands.js';
import { execWatchCommand, watchCommand } from './watch-commands.js';

export type { CtlIo, CtlWritable } from './ctl-io.js';

/** The etcd release whose etcdctl v2 this command reproduces. */
export const ETCDCTL_COMPATIBLE_VERSION = '3.4.23';

const PROGRAM = 'etcdctl';
const HELP_FLAG: FlagSpec = { names: 'help, h', kind: 'bool', usage: 'show help' };

/** A command with subcommands (only `member`). */
interface CommandGroup {
  name: string;
  usage: string;
  subcommands: CtlCommand[];
}

const COMMANDS: Array<CtlCommand | CommandGroup> = [
  clusterHealthCommand,
  mkCommand,
  mkdirCommand,
  rmCommand,
  rmdirCommand,
  getCommand,
  lsCommand,
  setCommand,
  setdirCommand,
  updateCommand,
  updatedirCommand,
  watchCommand,
  execWatchCommand,
  { name: 'member', usage: 'member add, remove and list subcommands', subcommands: memberSubcommands },
];

/** Runs one ctl invocation in-process and resolves with its exit code. */
export async function runCtl(argv: string[], io: CtlIo): Promise<number> {
  let global: ParsedFlags;
  try {
    global = parseGoFlags(GLOBAL_FLAGS, argv);
  } catch (error) {
    return usageError(io, `Incorrect Usage. ${(error as Error).message}`, appHelp(), error);
  }
  if (global.bool('help')) return printed(io, appHelp());
  if (global.bool('version')) return printed(io, `${PROGRAM} version: ${ETCDCTL_COMPATIBLE_VERSION}\nAPI version: 2\n`);
  const [name, ...rest] = global.args;
  if (name === undefined) return printed(io, appHelp());
  if (name === 'help' || name === 'h') return helpTopic(io, rest[0]);
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return noHelpTopic(io, name);
  if ('subcommands' in command) return runGroup(io, global, command, rest);
  return runCommand(io, global, command, `${PROGRAM} ${command.name}`, rest);
}

async function runCommand(io: CtlIo, global: ParsedFlags, command: CtlCommand, helpName: string, args: string[]): Promise<number> {
  const help = commandHelp({ ...command, helpName });
  const specs = [...command.flags, HELP_FLAG];
  let flags: ParsedFlags;
  try {
    flags = parseGoFlags(specs, reorderCommandArgs(specs, args));
  } catch (error) {
    return usageError(io, `Incorrect Usage: ${(error as Error).message}`, help, error);
  }
  if (flags.bool('help')) return printed(io, help);
  const session = new CtlSession(io, global);
  try {
    session.checkSupported();
    await command.run(session, flags);
    return EXIT_SUCCESS;
  } catch (error) {
    if (error instanceof CtlExit) return error.code;
    throw error;
  } finally {
    session.close();
  }
}

async function runGroup(io: CtlIo, global: ParsedFlags, group: CommandGroup, args: string[]): Promise<number> {
  const help = groupHelp(group);
  let flags: ParsedFlags;
  try {
    flags = parseGoFlags([HELP_FLAG], args);
  } catch (error) {
    return usageError(io, `Incorrect Usage. ${(error as Error).message}`, help, error);
  }
  const [name, ...rest] = flags.args;
  if (flags.bool('help') || name === undefined) return printed(io, help);
  const command = group.subcommands.find((c) => c.name === name);
  if (!command) return noHelpTopic(io, name);
  return runCommand(io, global, command, `${PROGRAM} ${group.name} ${command.name}`, rest);
}

function helpTopic(io: CtlIo, name: string | undefined): number {
  if (name === undefined) return printed(io, appHelp());
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return noHelpTopic(io, name);
  if ('subcommands' in command) return printed(io, groupHelp(command));
  return printed(io, commandHelp({ ...command, helpName: `${PROGRAM} ${command.name}` }));
}

function groupHelp(group: CommandGroup): string {
  return programHelp({
    helpName: `${PROGRAM} ${group.name}`,
    usage: group.usage,
    flags: [HELP_FLAG],
    commands: group.subcommands.map((c) => ({ names: c.name, usage: c.usage })),
    optionsTitle: 'OPTIONS',
    withGlobalOptions: false,
  });
}

function appHelp(): string {
  const commands = COMMANDS.map((c) => ({ names: c.name, usage: c.usage }));
  commands.push({ names: 'help, h', usage: 'Shows a list of commands or help for one command' });
  return programHelp({
    helpName: PROGRAM,
    usage: 'A simple command line client for etcd.',
    version: ETCDCTL_COMPATIBLE_VERSION,
    flags: GLOBAL_FLAGS,
    commands,
    optionsTitle: 'GLOBAL OPTIONS',
    withGlobalOptions: true,
  });
}

function printed(io: CtlIo, text: string): number {
  io.stdout.write(text);
  return EXIT_SUCCESS;
}

function noHelpTopic(io: CtlIo, name: string): number {
  io.stderr.write(`No help topic for '${name}'\n`);
  return EXIT_NO_HELP_TOPIC;
}

/** urfave/cli prints the error and the help on stdout; etcdctl then repeats the error on stderr. */
function usageError(io: CtlIo, headline: string, help: string, error: unknown): number {
  if (!(error instanceof FlagError)) throw error;
  io.stdout.write(`${headline}\n\n${help}`);
  io.stderr.write(`${error.message}\n`);
  return EXIT_BAD_ARGS;
}
