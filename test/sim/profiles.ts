// The knobs of a randomized run, all derived from its seed: which fault profile it plays (network
// shape and the faults injected), and how its Raft cores are tuned (pre-vote, check-quorum, flow
// control, snapshot catch-up), so the seeds together sweep the space of configurations.

import { Prng } from '../../src/util/prng.js';
import type { ClusterOptions, RaftTuning } from './cluster.js';
import { calmLink, type LinkShape } from './network.js';

export type FaultKind = 'partition' | 'oneWay' | 'isolate' | 'crash' | 'powerLoss' | 'diskStall' | 'flakyLink';

export interface FaultProfile {
  name: ProfileName;
  /** The shape of every link while faults are on. */
  link: LinkShape;
  faults: readonly FaultKind[];
  /** Simulated time between two faults. */
  gapMsMin: number;
  gapMsMax: number;
  /** How long one fault lasts before it is undone. */
  durationMsMin: number;
  durationMsMax: number;
}

export const profileNames = ['calm', 'lossy', 'partitions', 'crashes', 'chaos'] as const;
export type ProfileName = (typeof profileNames)[number];

/** A link that loses, duplicates and reorders messages. */
export const lossyLink: LinkShape = {
  delayMsMin: 1,
  delayMsMax: 12,
  dropRate: 0.08,
  duplicateRate: 0.04,
  reorderRate: 0.05,
  reorderDelayMsMax: 40,
  fifo: false,
};

/** What a single flaky link looks like during a 'flakyLink' fault. */
export const flakyLink: LinkShape = { ...lossyLink, delayMsMax: 60, dropRate: 0.5 };

const timing = { gapMsMin: 50, gapMsMax: 400, durationMsMin: 50, durationMsMax: 800 };

export const faultProfiles: Record<ProfileName, FaultProfile> = {
  calm: { name: 'calm', link: calmLink, faults: [], ...timing },
  lossy: { name: 'lossy', link: lossyLink, faults: ['diskStall', 'flakyLink'], ...timing },
  partitions: { name: 'partitions', link: calmLink, faults: ['partition', 'oneWay', 'isolate', 'flakyLink'], ...timing },
  crashes: { name: 'crashes', link: calmLink, faults: ['crash', 'crash', 'crash', 'powerLoss', 'diskStall'], ...timing },
  chaos: {
    name: 'chaos',
    link: lossyLink,
    faults: ['partition', 'oneWay', 'isolate', 'crash', 'powerLoss', 'diskStall', 'flakyLink'],
    ...timing,
  },
};

export function profileForSeed(seed: number): ProfileName {
  return profileNames[(seed >>> 0) % profileNames.length]!;
}

/** The Raft tuning of a run: varied by seed so flow control and snapshot paths all get exercised. */
export function tuningForSeed(seed: number): { raft: RaftTuning; compactEveryEntries: number } {
  const prng = new Prng(seed ^ 0x7a11ab1e);
  const raft: RaftTuning = {
    heartbeatTicks: prng.pick([1, 2, 3]),
    electionTicks: 10,
    preVote: prng.chance(0.75),
    checkQuorum: prng.chance(0.75),
    maxInflightAppends: prng.pick([1, 4, 64]),
    maxAppendBytes: prng.pick([16, 64, 4096]),
    maxInflightBytes: prng.pick([128, 1024, 1 << 20]),
    snapshotCatchUpEntries: prng.pick([0, 4, 32]),
    maxUncommittedEntries: prng.pick([16, 256]),
  };
  return { raft, compactEveryEntries: prng.pick([8, 32, 128]) };
}

/** The cluster a randomized run starts with. */
export function clusterOptionsFor(seed: number, nodeCount: number, profile: FaultProfile): ClusterOptions {
  const tuning = tuningForSeed(seed);
  return {
    seed,
    nodeCount,
    tickIntervalMs: 10,
    tickSkew: 0.1,
    raft: tuning.raft,
    link: profile.link,
    diskLatencyMsMin: 1,
    diskLatencyMsMax: 4,
    limits: { compactEveryEntries: tuning.compactEveryEntries, pendingWritesMax: 10_000, clientRequestsMax: 2_000 },
    inFlightPerLinkMax: 5_000,
    trace: null,
  };
}
