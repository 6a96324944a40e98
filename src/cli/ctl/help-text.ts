// Help screens in urfave/cli v1's layout (etcdctl prints a command's help after a usage
// error, so the text is part of the compatible output): NAME, USAGE, DESCRIPTION, OPTIONS,
// with the flag column aligned as Go's tabwriter aligns it.

import type { FlagSpec } from './go-flags.js';

export interface HelpTopic {
  /** Full name as shown, e.g. "etcdctl get". */
  helpName: string;
  usage: string;
  argsUsage?: string;
  description?: string;
  flags: FlagSpec[];
}

export interface CommandSummary {
  names: string;
  usage: string;
}

/** A command's help, as `etcdctl <command> -h` prints it. */
export function commandHelp(topic: HelpTopic): string {
  const options = topic.flags.length > 0 ? ' [command options]' : '';
  const args = topic.argsUsage ? topic.argsUsage : '[arguments...]';
  let text = `NAME:\n   ${topic.helpName} - ${topic.usage}\n\nUSAGE:\n   ${topic.helpName}${options} ${args}`;
  if (topic.description) text += `\n\nDESCRIPTION:\n   ${topic.description}`;
  if (topic.flags.length > 0) text += `\n\nOPTIONS:\n${flagLines(topic.flags)}   `;
  return alignTabs(`${text}\n`);
}

/** The help of a program or of a command with subcommands. */
export function programHelp(topic: HelpTopic & { version?: string; commands: CommandSummary[]; optionsTitle: string; withGlobalOptions: boolean }): string {
  const global = topic.withGlobalOptions ? ' [global options]' : '';
  let text = `NAME:\n   ${topic.helpName} - ${topic.usage}\n\nUSAGE:\n   ${topic.helpName}${global} command [command options] [arguments...]`;
  if (topic.version) text += `\n\nVERSION:\n   ${topic.version}`;
  text += `\n\nCOMMANDS:\n${topic.commands.map((c) => `   ${c.names}\t${c.usage}\n`).join('')}`;
  text += `\n${topic.optionsTitle}:\n${flagLines(topic.flags)}`;
  return alignTabs(topic.withGlobalOptions ? text : `${text}   \n`);
}

function flagLines(flags: FlagSpec[]): string {
  return flags.map((f) => `   ${flagText(f)}\n`).join('');
}

/** One flag as urfave/cli shows it: "--ttl value\tkey time-to-live in seconds (default: 0)". */
export function flagText(spec: FlagSpec): string {
  let usage = spec.usage;
  let placeholder = '';
  const quoted = /`([^`]*)`/.exec(usage);
  if (quoted) {
    placeholder = quoted[1];
    usage = usage.slice(0, quoted.index) + placeholder + usage.slice(quoted.index + quoted[0].length);
  }
  if (placeholder === '' && spec.kind !== 'bool') placeholder = 'value';
  const names = spec.names
    .split(',')
    .map((n) => n.trim())
    .map((n) => `${n.length === 1 ? '-' : '--'}${n}${placeholder ? ` ${placeholder}` : ''}`)
    .join(', ');
  const defaultText = spec.defaultText ?? (spec.kind === 'int' ? String(spec.defaultValue ?? 0) : '');
  const withDefault = defaultText === '' ? usage : `${usage} (default: ${defaultText})`;
  return `${names}\t${withDefault.trim()}`;
}

/** Pads the first cell of each run of tabbed lines to the run's widest cell plus two. */
export function alignTabs(text: string): string {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    if (!lines[i].includes('\t')) {
      i++;
      continue;
    }
    let end = i;
    while (end < lines.length && lines[end].includes('\t')) end++;
    const width = Math.max(...lines.slice(i, end).map((l) => l.indexOf('\t'))) + 2;
    for (let k = i; k < end; k++) {
      const tab = lines[k].indexOf('\t');
      lines[k] = lines[k].slice(0, tab).padEnd(width) + lines[k].slice(tab + 1);
    }
    i = end;
  }
  return lines.join('\n');
}
