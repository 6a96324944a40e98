// The README's shell blocks are what a newcomer copies: every `npm run SCRIPT` names a script of
// package.json, every `node dist/….js` a file the build makes, and every `npm run bench -- …`
// line parses as `raftyard bench` would parse it (a misspelt flag or region fails here, not in
// front of a user).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from '../../src/bench/parse-args.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

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
