// `raftyard chaos ...`: parses the arguments, runs the chaos run with progress on stderr, and
// prints the report (or one JSON object with --json). Exit codes: 0 no violation, 1 bad
// arguments, 2 violations found, 3 the run itself could not be carried out.

import { CHAOS_USAGE, ChaosUsageError, parseChaosArgs } from './chaos-options.js';
import { formatChaosReport } from './chaos-report.js';
import { runChaos } from './run-chaos.js';
import type { CliIo } from '../cli/cli-io.js';

export async function chaosMain(argv: readonly string[], io: Pick<CliIo, 'stdout' | 'stderr'>): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${CHAOS_USAGE}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseChaosArgs(argv);
  } catch (error) {
    if (!(error instanceof ChaosUsageError)) throw error;
    io.stderr.write(`raftyard chaos: ${error.message}\n\n${CHAOS_USAGE}\n`);
    return 1;
  }
  try {
    const result = await runChaos(parsed.options, { log: (line) => io.stderr.write(`${line}\n`) });
    io.stdout.write(parsed.json ? `${JSON.stringify(result)}\n` : formatChaosReport(result));
    return result.violations.length === 0 ? 0 : 2;
  } catch (error) {
    io.stderr.write(`raftyard chaos: the run failed: ${(error as Error).stack ?? String(error)}\n`);
    return 3;
  }
}
