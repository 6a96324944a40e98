// `raftyard chaos ...`: parses the arguments, runs the chaos run with progress on stderr, and
// prints the report (or one JSON object with --json). Exit codes: 0 no violation, 1 bad
// arguments, 2 violations found, 3 the run itself could not be carried out.

import { CHAOS_USAGE, ChaosUsageError, parseChaosArgs } from './chaos-options.js';
import { formatChaosReport } from './chaos-report.js';
import { runChaos } from './run-chaos.js';

/** Where the CLI writes; tests capture it instead of the process streams. */
export interface ChaosOutput {
  out(text: string): void;
  err(text: string): void;
}

const PROCESS_OUTPUT: ChaosOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function chaosMain(argv: readonly string[], output: ChaosOutput = PROCESS_OUTPUT): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.out(`${CHAOS_USAGE}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseChaosArgs(argv);
  } catch (error) {
    if (!(error instanceof ChaosUsageError)) throw error;
    output.err(`raftyard chaos: ${error.message}\n\n${CHAOS_USAGE}\n`);
    return 1;
  }
  try {
    const result = await runChaos(parsed.options, { log: (line) => output.err(`${line}\n`) });
    output.out(parsed.json ? `${JSON.stringify(result)}\n` : formatChaosReport(result));
    return result.violations.length === 0 ? 0 : 2;
  } catch (error) {
    output.err(`raftyard chaos: the run failed: ${(error as Error).stack ?? String(error)}\n`);
    return 3;
  }
}
