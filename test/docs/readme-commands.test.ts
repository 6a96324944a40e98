// The README's shell blocks are what a newcomer copies: every `npm run SCRIPT` names a script of
// package.json, every `node dist/….js` a file the build makes, every `npm run bench -- …` line
// parses as `raftyard bench` would parse it (a misspelt flag or region fails here, not in front
// of a user), and every flag of a `raftyard COMMAND` synopsis is in that command's --help.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from '../../src/bench/parse-args.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
/** A line that starts a command; any other line of a block continues the one before it. */
const COMMAND_START = /^(raftyard|npm|node|curl) /;

/** The command lines of the README's ```sh blocks, comments cut off. */
function readmeShellLines(): string[] {
  const lines: string[] = [];
  let inShell = false;
  for (const line of readFileSync(`${ROOT}README.md`, 'utf8').split('\n')) {
    if (line.startsWith('```')) inShell = !inShell && line.trim() === '```sh';
    else if (inShell) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command !== '') lines.push(command);
    }
  }
  return lines;
}

const shellLines = readmeShellLines();

test('the README has shell blocks with npm scripts and bench command lines', () => {
  assert.ok(shellLines.some((line) => line.startsWith('npm install && npm test')), 'the test command');
  assert.ok(shellLines.filter((line) => line.startsWith('npm run bench -- ')).length >= 5, 'bench examples');
});

test('every `npm run SCRIPT` in the README is a script of package.json', () => {
  const scripts = Object.keys((JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts);
  const named = shellLines.flatMap((line) => [...line.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]!));
  assert.ok(named.length > 0);
  for (const script of named) assert.ok(scripts.includes(script), `npm run ${script}: no such script in package.json`);
});

test('every `node dist/….js` in the README is built from a source file', () => {
  const files = shellLines.flatMap((line) => [...line.matchAll(/node (dist\/\S+)\.js/g)].map((match) => match[1]!));
  assert.ok(files.length > 0);
  for (const file of files) assert.ok(existsSync(`${ROOT}${file.replace(/^dist\//, '')}.ts`), `${file}.js: no ${file.replace(/^dist\//, '')}.ts to build it from`);
});

test('every `npm run bench -- …` line in the README parses', () => {
  for (const line of shellLines.filter((l) => l.startsWith('npm run bench -- '))) {
    const argv = line.slice('npm run bench -- '.length).split(/\s+/);
    try {
      parseBenchArgs(argv);
    } catch (error) {
      assert.fail(`${line}\n  ${(error as Error).message}`);
    }
  }
});

test('every flag of a `raftyard COMMAND` synopsis in the README is in that command\'s --help', () => {
  // Join continuation lines to their command, then split chains such as `a && b`.
  const commands: string[] = [];
  for (const line of shellLines) {
    if (COMMAND_START.test(line) || commands.length === 0) commands.push(line);
    else commands[commands.length - 1] += ` ${line}`;
  }
  const flagsByCommand = new Map<string, Set<string>>();
  for (const part of commands.flatMap((command) => command.split('&&').map((p) => p.trim()))) {
    const match = /^raftyard (\w+)(.*)$/.exec(part);
    if (match === null) continue;
    const flags = flagsByCommand.get(match[1]!) ?? new Set<string>();
    for (const flag of match[2]!.matchAll(/--[a-z][\w-]*/g)) flags.add(flag[0]);
    flagsByCommand.set(match[1]!, flags);
  }
  assert.deepEqual([...flagsByCommand.keys()].sort(), ['bench', 'chaos', 'ctl', 'fault', 'node', 'up']);
  for (const [command, flags] of flagsByCommand) {
    const help = execFileSync(process.execPath, [BIN, command, '--help'], { encoding: 'utf8', timeout: 30_000 });
    for (const flag of flags) assert.match(help, new RegExp(`${flag}\\b`), `raftyard ${command}: ${flag} is in the README but not in --help`);
  }
});
