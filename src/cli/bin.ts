#!/usr/bin/env node
// The `raftyard` executable: runs the command line and sets the exit code.

import { main } from './main.js';
import type { CliIo } from './cli-io.js';

const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    io.stderr.write(`raftyard: ${error.message}\n`);
    process.exitCode = 1;
  },
);
