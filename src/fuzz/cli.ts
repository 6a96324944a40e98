// Long durability and hostile-input runs, beyond what CI can afford, from the command line:
//   node dist/src/fuzz/cli.js http [--requests 100000] [--seed N] [--concurrency 16]
//   node dist/src/fuzz/cli.js crash [--rounds 100] [--seed N]       (SIGKILL of `raftyard up`)
//   node dist/src/fuzz/cli.js power-cut [--rounds 100] [--seed N]   (in-process power cuts)
//   node dist/src/fuzz/cli.js replay --seed N --request I            (prints request I of a fuzz run)
// Each prints its report as JSON and exits 1 if it found a problem.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { integerOption } from '../cli/cli-io.js';
import { Cluster } from '../cluster/cluster.js';
import { runCrashRounds, type CrashTarget } from './crash-rounds.js';
import { fuzzRequestAt, runHttpFuzz } from './http-fuzzer.js';
import { PowerCutTarget } from './power-cut-target.js';
import { ProcessTarget } from './process-target.js';

const TIMING = { heartbeatMs: 20, electionMs: 200 } as const;

async function httpRun(requests: number, seed: number, concurrency: number): Promise<boolean> {
  const cluster = await Cluster.start({ nodes: 3, ...TIMING, requestTimeoutMs: 3000 });
  try {
    const report = await runHttpFuzz({ endpoints: cluster.endpoints, requests, seed, concurrency, answerTimeoutMs: 15_000 });
    const nodes = await cluster.nodes();
    console.log(JSON.stringify({ ...report, nodes: nodes.map((n) => ({ id: n.id, state: n.state, error: n.error })) }, null, 2));
    return report.problems.length === 0 && nodes.every((n) => n.state === 'running');
  } finally {
    await cluster.stop();
  }
}

async function crashRun(kind: 'crash' | 'power-cut', rounds: number, seed: number): Promise<boolean> {
  const dataDir = await mkdtemp(join(tmpdir(), `raftyard-${kind}-`));
  try {
    const target: CrashTarget =
      kind === 'crash'
        ? new ProcessTarget({ dataDir, nodes: 3, ...TIMING, startTimeoutMs: 30_000 })
        : new PowerCutTarget({ nodes: 3, dataDir, ...TIMING, requestTimeoutMs: 1500 });
    const report = await runCrashRounds(target, {
      rounds, seed, readTimeoutMs: 10_000, clientCount: 4, keysPerClient: 12, requestTimeoutMs: 3000, largeValueChance: 0.1,
      crashDelayMsMin: 50, crashDelayMsMax: 600,
      onRound: (round, so) => process.stderr.write(`round ${round}: ${so.writesAcked} acknowledged, ${so.violations.length} violations\n`),
    });
    console.log(JSON.stringify(report, null, 2));
    return report.violations.length === 0;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { requests: { type: 'string' }, rounds: { type: 'string' }, seed: { type: 'string' }, concurrency: { type: 'string' }, request: { type: 'string' } },
  });
  // Checked before anything starts: a bad number names its flag instead of failing a started run.
  const seed = integerOption(values.seed, 'seed', 1);
  const command = positionals[0];
  if (command === 'http') return (await httpRun(integerOption(values.requests, 'requests', 100_000), seed, integerOption(values.concurrency, 'concurrency', 16))) ? 0 : 1;
  if (command === 'replay') {
    const replayed = fuzzRequestAt(seed, integerOption(values.request, 'request', 0));
    console.log(JSON.stringify({ ...replayed, body: replayed.body.toString('latin1').slice(0, 4096) }, null, 2));
    return 0;
  }
  if (command === 'crash' || command === 'power-cut') return (await crashRun(command, integerOption(values.rounds, 'rounds', 100), seed)) ? 0 : 1;
  console.error('usage: cli.js http [--requests N] [--concurrency N] | crash [--rounds N] | power-cut [--rounds N] | replay --request I  [--seed N]');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exitCode = 1;
  },
);
