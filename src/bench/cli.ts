// `raftyard bench ...`: parses the arguments, runs the benchmark with a live progress line on a
// terminal, prints the table and writes the JSON and HTML reports. Answers an exit code:
// 0 done, 1 bad arguments, 2 the run failed.

import { BenchUsageError, benchUsage, parseBenchArgs } from './parse-args.js';
import { createProgressLine } from './progress-line.js';
import { writeReportFiles } from './report-files.js';
import { formatTable } from './report-table.js';
import { runBench } from './run-bench.js';

/** Where the CLI writes; tests capture it instead of the process streams. */
export interface BenchOutput {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
}

const PROCESS_OUTPUT: BenchOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
};

export async function benchMain(argv: readonly string[], output: BenchOutput = PROCESS_OUTPUT): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.out(`${benchUsage()}\n`);
    return 0;
  }
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    output.err(`raftyard bench: ${error.message}\n\n${benchUsage()}\n`);
    return 1;
  }
  const progressLine = options.progress && output.isTTY ? createProgressLine((text) => output.out(text)) : undefined;
  try {
    const result = await runBench(options, progressLine ? { onProgress: (p) => progressLine.update(p) } : {});
    progressLine?.clear();
    output.out(formatTable(result));
    const written = await writeReportFiles(result, { jsonPath: options.outJsonPath, htmlPath: options.outHtmlPath });
    for (const path of written) output.out(`wrote ${path}\n`);
    return 0;
  } catch (error) {
    progressLine?.clear();
    output.err(`raftyard bench: ${(error as Error).message}\n`);
    return 2;
  }
}
