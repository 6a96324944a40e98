// `raftyard bench ...`: parses the arguments, runs the benchmark with a live progress line on a
// terminal, prints the table and writes the JSON and HTML reports. Answers an exit code:
// 0 done, 1 bad arguments, 2 the run failed.

import { BenchUsageError, benchUsage, parseBenchArgs } from './parse-args.js';
import { createProgressLine } from './progress-line.js';
import { writeReportFiles } from './report-files.js';
import { formatTable } from './report-table.js';
import { runBench } from './run-bench.js';

export async function benchMain(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${benchUsage()}\n`);
    return 0;
  }
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`raftyard bench: ${error.message}\n\n${benchUsage()}\n`);
    return 1;
  }
  const progressLine = options.progress && process.stdout.isTTY ? createProgressLine((text) => process.stdout.write(text)) : undefined;
  try {
    const result = await runBench(options, progressLine ? { onProgress: (p) => progressLine.update(p) } : {});
    progressLine?.clear();
    process.stdout.write(formatTable(result));
    const written = await writeReportFiles(result, { jsonPath: options.outJsonPath, htmlPath: options.outHtmlPath });
    for (const path of written) process.stdout.write(`wrote ${path}\n`);
    return 0;
  } catch (error) {
    progressLine?.clear();
    process.stderr.write(`raftyard bench: ${(error as Error).message}\n`);
    return 2;
  }
}
