// The public face of the benchmark harness: run it from code or from the command line, and
// plug in targets.

export { benchMain } from './cli.js';
export { runBench, type BenchResult, type BenchHooks, type BenchProgress } from './run-bench.js';
export { parseBenchArgs, parseTargetSpec, benchUsage, BenchUsageError } from './parse-args.js';
export { defaultBenchOptions, validateBenchOptions, type BenchOptions, type TargetSpec, type WorkloadOptions, type LoadOptions } from './bench-options.js';
export { registerTarget, registeredTargetNames, type BenchTarget, type TargetFactory, type TargetOptions, type CommitFloor, type ServedPath } from './bench-target.js';
export { endpointsTarget } from './endpoints-target.js';
export { LogLinearHistogram, type SerializedHistogram } from '../util/log-linear-histogram.js';
export { formatTable } from './report-table.js';
export { renderHtmlReport } from './report-html.js';
export { writeReportFiles } from './report-files.js';
