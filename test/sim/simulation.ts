// One randomized run, start to finish: a fault phase of `steps` events with clients and faults,
// then a liveness phase (faults stopped, everything healed) that must reach, within a bounded
// simulated time, one leader every node knows, every acknowledged write applied everywhere, and
// a fresh write committed. Safety is checked after every step throughout.

import { Prng } from '../../src/util/prng.js';
import { roleNames } from '../../src/raft/types.js';
import { ClientWorkload, defaultWorkloadMix } from './client-workload.js';
import { SimCluster, SimulationFailure, type ClusterStats } from './cluster.js';
import { FaultInjector } from './fault-injector.js';
import { InvariantViolation } from './invariants.js';
import type { NetworkStats } from './network.js';
import { clusterOptionsFor, faultProfiles, profileForSeed, type FaultKind, type ProfileName } from './profiles.js';

export interface SimulationOptions {
  seed: number;
  nodeCount: number;
  /** Events in the fault phase. */
  steps: number;
  /** Defaults to the profile the seed picks. */
  profile?: ProfileName;
  trace?: ((line: string) => void) | null;
}

export interface SimulationSummary {
  seed: number;
  nodeCount: number;
  profile: ProfileName;
  stepsTotal: number;
  simulatedMs: number;
  /** Simulated time from the end of the faults until the cluster was whole again. */
  recoveryMs: number;
  leadersElected: number;
  highestCommitted: number;
  faults: Record<FaultKind, number>;
  cluster: ClusterStats;
  network: NetworkStats;
}

/** Events in the fault phase of a run unless told otherwise (tests and replay share it). */
export const DEFAULT_SIM_STEPS = 20_000;
/** Simulated time the cluster gets, once healed, to converge and commit a fresh write. */
export const LIVENESS_BOUND_MS = 10_000;
/** How often the liveness phase retries its fresh write while none has been acknowledged. */
const PROBE_RETRY_MS = 100;

export function runSimulation(options: SimulationOptions): SimulationSummary {
  if (!(options.steps >= 0)) throw new Error(`steps must be >= 0, got ${options.steps}`);
  const profile = faultProfiles[options.profile ?? profileForSeed(options.seed)];
  const cluster = new SimCluster({ ...clusterOptionsFor(options.seed, options.nodeCount, profile), trace: options.trace ?? null });
  const streams = new Prng(options.seed ^ 0x51a7e);
  const workload = new ClientWorkload(cluster, new Prng(streams.nextUint32()), defaultWorkloadMix);
  const faults = new FaultInjector(cluster, profile, new Prng(streams.nextUint32()));
  workload.start();
  faults.start();
  for (let i = 0; i < options.steps; i++) cluster.step();
  workload.stop();
  faults.stopAndHeal();
  const healedAtMs = cluster.nowMs;
  awaitLiveness(cluster);
  return {
    seed: options.seed,
    nodeCount: options.nodeCount,
    profile: profile.name,
    stepsTotal: cluster.stepCount,
    simulatedMs: cluster.nowMs,
    recoveryMs: cluster.nowMs - healedAtMs,
    leadersElected: cluster.checker.leadersElected,
    highestCommitted: cluster.checker.highestCommitted,
    faults: { ...faults.counts },
    cluster: { ...cluster.stats },
    network: { ...cluster.network.stats },
  };
}

/** Throws a SimulationFailure unless the healed cluster converges and commits within the bound. */
function awaitLiveness(cluster: SimCluster): void {
  const deadlineMs = cluster.nowMs + LIVENESS_BOUND_MS;
  const remainingMs = (): number => Math.max(0, deadlineMs - cluster.nowMs);
  const ackedBefore = cluster.stats.writesAcknowledged;
  const probeAcknowledged = (): boolean => cluster.stats.writesAcknowledged > ackedBefore;
  while (!probeAcknowledged()) {
    if (remainingMs() === 0) throw livenessFailure(cluster, 'no fresh write was acknowledged');
    cluster.after(0, 'liveness probe write', () => {
      const leader = cluster.agreedLeader();
      if (leader !== null) cluster.clientWrite(leader);
    });
    cluster.runUntil(probeAcknowledged, Math.min(PROBE_RETRY_MS, remainingMs()));
  }
  const converged = (): boolean => {
    const leader = cluster.agreedLeader();
    return leader !== null && cluster.ids.every((id) => cluster.node(id).appliedIndex >= cluster.checker.highestAcknowledged);
  };
  if (!cluster.runUntil(converged, remainingMs())) {
    throw livenessFailure(cluster, 'the cluster did not agree on one leader and apply every acknowledged write');
  }
}

function livenessFailure(cluster: SimCluster, what: string): SimulationFailure {
  const nodes = cluster.ids.map((id) => {
    const node = cluster.node(id);
    if (!node.alive) return `${id}: down`;
    const core = node.core;
    return `${id}: ${roleNames[core.role]} term=${core.term} leader=${core.leader || '-'} commit=${core.commitIndex} applied=${node.appliedIndex} last=${core.lastIndex}`;
  });
  const details = `${what} within ${LIVENESS_BOUND_MS}ms of healing (acknowledged up to ${cluster.checker.highestAcknowledged}); ${nodes.join('; ')}`;
  return new SimulationFailure(cluster.options.seed, cluster.stepCount, cluster.nowMs, new InvariantViolation('liveness', details));
}
