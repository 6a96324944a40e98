// A whole chaos run: start an embedded cluster, run clients against every member while the
// seeded fault schedule plays, heal everything, wait for the members to converge, read the
// final state with quorum on the leader, stop the cluster, and judge what was recorded.

import { performance } from 'node:perf_hooks';
import { Cluster } from '../cluster/cluster.js';
import { memberIds } from '../util/member-ids.js';
import { HttpTransport } from '../client/http-transport.js';
import { runChaosClient, performOperation } from './chaos-client.js';
import { resolveChaosOptions, type ChaosOptions } from './chaos-options.js';
import { awaitIdenticalStores, healEverything, type ConvergenceResult } from './convergence.js';
import { describeStep, planFaults, type FaultStep } from './fault-plan.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { playTimeline, type RunClock, type TimelineResult } from './fault-timeline.js';
import { OperationLog, type OperationCounts } from './operation-log.js';
import { answersWithoutQuorum, convergenceViolations, judgeHistory, type Violation } from './verdict.js';
import { ClientWorkload, chaosKeys } from './workload.js';

export interface ChaosResult {
  readonly options: Omit<ChaosOptions, 'plan'>;
  /** The schedule, one line per step (the same for the same seed and cluster size). */
  readonly schedule: string[];
  readonly operations: OperationCounts;
  readonly historyOperations: number;
  readonly faults: Pick<TimelineResult, 'injected' | 'skipped'> & { quorumLossWindows: number };
  /** Null when healing failed, so convergence could not be awaited. */
  readonly convergence: ConvergenceResult | null;
  readonly checker: { ms: number; steps: number };
  readonly violations: Violation[];
  readonly elapsedMs: number;
}

export interface ChaosHooks {
  /** Progress lines (faults as they are injected, phases). */
  log?: (line: string) => void;
}

/** What the cluster phases (load with faults, heal, converge, final reads) leave behind. */
interface PhaseOutcome {
  timeline: TimelineResult;
  convergence: ConvergenceResult | null;
  /** Members that would not come back, and final reads that got no answer. */
  failures: Violation[];
}

/** A history never grows beyond this many operations (the recorder refuses more). */
const OPERATIONS_MAX = 500_000;
/** Clients wait this much longer than the members' own request timeout before giving up. */
const CLIENT_SLACK_MS = 1000;
/** A quorum loss is taken to hold this long after it was injected (messages in flight land). */
const QUORUM_LOSS_MARGIN_MS = 250;
const HEAL_TIMEOUT_MS = 20_000;
const CONVERGENCE_TIMEOUT_MS = 20_000;

export async function runChaos(given: Partial<ChaosOptions> = {}, hooks: ChaosHooks = {}): Promise<ChaosResult> {
  const options = resolveChaosOptions(given);
  const log = hooks.log ?? (() => {});
  const plan = options.plan ?? planFaults(options.seed, options.durationMs, memberIds(options.nodes));
  const startedMs = performance.now();
  const cluster = await Cluster.start({
    nodes: options.nodes,
    transport: options.transport,
    heartbeatMs: options.heartbeatMs,
    electionMs: options.electionMs,
    requestTimeoutMs: options.requestTimeoutMs,
    seed: options.seed,
    logLevel: 'silent',
  });
  const crashes: Violation[] = [];
  cluster.on('nodeFailed', (id, message) => crashes.push({ kind: 'member-failed', detail: `${id} failed: ${message}` }));
  // One clock for faults and operations, starting with the fault phase: plan offsets count from it.
  const phaseStartMs = performance.now();
  const clock: RunClock = () => performance.now() - phaseStartMs;
  const operations = new OperationLog(clock, OPERATIONS_MAX);
  let phases: PhaseOutcome;
  try {
    phases = await runPhases(cluster, options, plan, operations, clock, log);
  } finally {
    await cluster.stop();
  }
  log('checking the history');
  const history = operations.history();
  const judged = judgeHistory(history, options.clients);
  const violations: Violation[] = [
    ...judged.violations,
    ...answersWithoutQuorum(operations.definiteOperations(), phases.timeline.quorumLossWindows, QUORUM_LOSS_MARGIN_MS),
    ...(phases.convergence === null ? [] : convergenceViolations(phases.convergence)),
    ...crashes,
    ...phases.timeline.recoveryFailures.map((detail): Violation => ({ kind: 'member-failed', detail })),
    ...phases.failures,
    ...operations.unexpectedAnswers.map((detail): Violation => ({ kind: 'unexpected-answer', detail })),
  ];
  const { plan: _scripted, ...shownOptions } = options;
  return {
    options: shownOptions,
    schedule: plan.map(describeStep),
    operations: { ...operations.counts },
    historyOperations: history.length,
    faults: {
      injected: phases.timeline.injected,
      skipped: phases.timeline.skipped,
      quorumLossWindows: phases.timeline.quorumLossWindows.length,
    },
    convergence: phases.convergence,
    checker: { ms: Math.round(judged.checkerMs), steps: judged.stepsUsed },
    violations,
    elapsedMs: Math.round(performance.now() - startedMs),
  };
}

async function runPhases(
  cluster: Cluster,
  options: ChaosOptions,
  plan: readonly FaultStep[],
  operations: OperationLog,
  clock: RunClock,
  log: (line: string) => void,
): Promise<PhaseOutcome> {
  let stopping = false;
  const timeoutMs = options.requestTimeoutMs + CLIENT_SLACK_MS;
  const clients = Array.from({ length: options.clients }, (_, clientId) =>
    runChaosClient(
      { endpoint: cluster.endpoints[clientId % cluster.endpoints.length]!, timeoutMs, quorumReads: options.quorumReads },
      new ClientWorkload(clientId, options.seed, chaosKeys(options.keys)),
      operations,
      () => stopping,
    ),
  );
  const timeline = await playTimeline(cluster, plan, clock, log);
  await sleep(Math.max(0, options.durationMs - clock()));
  stopping = true;
  await Promise.all(clients);
  log('healing every fault');
  try {
    await healEverything(cluster, HEAL_TIMEOUT_MS);
  } catch (error) {
    return { timeline, convergence: null, failures: [{ kind: 'member-failed', detail: `healing failed: ${(error as Error).message}` }] };
  }
  log('waiting for the members to converge');
  const convergence = await awaitIdenticalStores(cluster, CONVERGENCE_TIMEOUT_MS);
  const failures = await readFinalState(cluster, options, operations);
  return { timeline, convergence, failures };
}

/**
 * Reads every key with quorum on the leader, recorded as clients numbered after the run's own,
 * so the checker must explain the final state by the history.
 */
async function readFinalState(cluster: Cluster, options: ChaosOptions, operations: OperationLog): Promise<Violation[]> {
  const endpoint = cluster.endpoint(await cluster.leader(HEAL_TIMEOUT_MS));
  const transport = new HttpTransport(1);
  const client = { endpoint, timeoutMs: options.requestTimeoutMs + CLIENT_SLACK_MS, quorumReads: true };
  const failures: Violation[] = [];
  try {
    for (const [index, key] of chaosKeys(options.keys).entries()) {
      const input = { kind: 'get', key } as const;
      const op = operations.begin(options.clients + index, input);
      const outcome = await performOperation(transport, client, input);
      operations.finish(op, outcome);
      if (outcome.kind !== 'definite') failures.push({ kind: 'final-read-failed', detail: `final read of ${key}: ${outcome.kind}` });
    }
  } finally {
    transport.close();
  }
  return failures;
}
