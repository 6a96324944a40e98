// Replays one seed of the randomized simulation and prints its summary (and, with --verbose, a
// trace of every message, Ready, fault and client request):
//   npm run sim -- --seed 1234 [--nodes 5] [--steps N] [--profile chaos] [--verbose]
//   npx tsx test/sim/replay.ts --seed 1234

import { parseArgs } from 'node:util';
import { SimulationFailure } from './cluster.js';
import { profileNames, type ProfileName } from './profiles.js';
import { DEFAULT_SIM_STEPS, runSimulation, type SimulationSummary } from './simulation.js';

function main(): void {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      nodes: { type: 'string', default: '3' },
      steps: { type: 'string', default: String(DEFAULT_SIM_STEPS) },
      profile: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const seed = integerArg('seed', values.seed);
  const nodeCount = integerArg('nodes', values.nodes);
  const steps = integerArg('steps', values.steps);
  const profile = values.profile as ProfileName | undefined;
  if (profile !== undefined && !profileNames.includes(profile)) {
    throw new Error(`--profile must be one of ${profileNames.join(', ')}`);
  }
  const trace = values.verbose ? (line: string) => console.log(line) : null;
  try {
    console.log(formatSummary(runSimulation({ seed, nodeCount, steps, profile, trace })));
  } catch (error) {
    if (!(error instanceof SimulationFailure)) throw error;
    console.error(`FAILED ${error.message}`);
    console.error(error.causeError.stack);
    process.exitCode = 1;
  }
}

function integerArg(name: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} needs a non-negative integer`);
  return value;
}

export function formatSummary(s: SimulationSummary): string {
  const faults = Object.entries(s.faults)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind}=${n}`)
    .join(' ');
  const net = s.network;
  return [
    `seed ${s.seed}: ${s.nodeCount} nodes, profile ${s.profile}, ${s.stepsTotal} steps, ${s.simulatedMs} ms simulated (recovered in ${s.recoveryMs} ms)`,
    `  leaders elected:     ${s.leadersElected}`,
    `  writes:              ${s.cluster.writesProposed} proposed, ${s.cluster.writesAccepted} accepted, ${s.cluster.writesAcknowledged} acknowledged; committed up to ${s.highestCommitted}`,
    `  reads served:        ${s.cluster.readsServed} of ${s.cluster.readsStarted} started`,
    `  snapshots:           ${s.cluster.snapshotsTaken} taken, ${s.cluster.snapshotsSent} sent`,
    `  leader transfers:    ${s.cluster.transfersRequested} requested`,
    `  faults injected:     ${faults || 'none'} (crashes ${s.cluster.crashes}, restarts ${s.cluster.restarts})`,
    `  messages:            ${net.sent} sent, ${s.cluster.messagesDelivered} delivered, lost ${net.droppedByLoss} + partitioned ${net.droppedByPartition} + overflow ${net.droppedByOverflow}, duplicated ${net.duplicated}`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) main();
