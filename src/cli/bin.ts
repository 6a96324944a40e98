#!/usr/bin/env node
// The `raftyard` executable: runs the command line and sets the exit code. A measuring command
// runs in a process started with the V8 flags it needs (see measuring-process.ts).

import { main } from './main.js';
import type { CliIo } from './cli-io.js';
import { relaunchArguments, runRelaunched } from './measuring-process.js';

const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };
const args = process.argv.slice(2);
const relaunch = relaunchArguments(args, process.execArgv, process.argv[1]!);
(relaunch === null ? main(args, io) : runRelaunched(relaunch)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    io.stderr.write(`raftyard: ${error.message}\n`);
    process.exitCode = 1;
  },
);
