// What the benchmark measures: a BenchTarget is any set of etcd v2 client URLs with a way to
// close it, and a registry of named factories (`--target embedded`) through which the
// embedded raftyard cluster, or anything else that serves the v2 API, plugs in.

import type { TargetSettings } from './bench-options.js';
import type { LogLinearHistogram, SerializedHistogram } from '../util/log-linear-histogram.js';
import type { NamedCpuProfile } from './cpu-profiles.js';

/** The lower bound on commit latency a target can promise, and what it is made of. */
export interface CommitFloor {
  floorMs: number;
  /** Named parts that sum to the floor, e.g. quorumRttMs, fsyncMs, clientRttMs. */
  parts: Record<string, number>;
  /** The leader this floor was worked out for, when the target names its members. */
  leader?: string;
  /** The member the clients sent to on that path. */
  sentTo?: string;
  /** How long the disk rested before each sync of the fsync part; absent: back to back. */
  fsyncRestMs?: number;
  /** Present when the fsync part is the median of the syncs probed after each phase of a run. */
  fsyncPooled?: { syncs: number; probes: number };
  /**
   * Present when the members' WALs timed their own flushes (write and fdatasync) in the runs'
   * measured windows: for each follower on the paths served (fastest first), how many it made
   * and their median, and the probe's figure. The fsync part is the lower of the fastest
   * follower's median and the probe (whose rest and pooling the fields above still describe).
   */
  fsyncWal?: { followers: FollowerFlushes[]; probeMs: number };
}

/** A follower's WAL flushes in a run's measured windows. */
export interface FollowerFlushes {
  member: string;
  flushes: number;
  medianMs: number;
}

export interface MemberProfiling {
  start(): Promise<void>;
  stop(): Promise<NamedCpuProfile[]>;
}

/** One way a run's writes travelled: the member that led and the member a client sent to. */
export interface ServedPath {
  leaderEndpoint: string;
  sentToEndpoint: string;
}

export interface BenchTarget {
  name: string;
  /** Client URLs, e.g. http://127.0.0.1:2379. */
  endpoints: string[];
  /** The client URL of the current leader, where writes are cheapest. */
  leaderEndpoint?(): Promise<string>;
  /**
   * Round trip from where the client sits (--client-region) to the member behind `endpoint`.
   * Only targets that place their members in regions have it.
   */
  clientRttMs?(endpoint: string): number;
  /**
   * RTT from the leader to its nearest quorum + fsync + client RTT (+ the forward to the leader
   * when a client talks to a follower), for the paths the run's writes took: the lowest of them.
   * Without paths: for the current leader, with the client talking to it. The fsync is the one
   * a disk pays after resting as long as it did in a run whose writes came every `writeGapMs`
   * on average (see TargetLayout.diskRestMs); without it, back to back. It is the median of
   * every sync probeDiskAfterPhase timed at that rest, when it timed some. Given the WAL flushes
   * each member made in the measured windows (`walFlushes`, by client URL, from walFlushes), the
   * fsync is the lower of that and the fastest follower's median on the paths served: the syncs
   * commits really waited for, at the moment they waited (see CommitFloor.fsyncWal).
   */
  floorMs?(served?: ServedPath[], writeGapMs?: number, walFlushes?: ReadonlyMap<string, LogLinearHistogram>): Promise<CommitFloor>;
  /**
   * Every running member's WAL flush durations since it started (µs), by client URL: running
   * totals that a bench cuts into a phase's window (LogLinearHistogram.since). Only targets
   * whose WALs report them (the embedded cluster); a member that does not answer is left out.
   */
  walFlushes?(): Promise<Map<string, SerializedHistogram>>;
  /**
   * Samples the JavaScript of every running member thread from start() to stop() (V8's profiler,
   * see util/cpu-profiler.ts); stop() names each profile by its member and the role it had then.
   * Only targets whose members run in this process (the embedded cluster).
   */
  cpuProfiles?: MemberProfiling;
  /**
   * Probes the disk after a phase whose writes took `served` and came every `writeGapMs` on
   * average, resting as they did; a later floor at that rest uses these syncs (see floorMs).
   * Targets with floorMs have it.
   */
  probeDiskAfterPhase?(served: ServedPath[], writeGapMs: number): Promise<void>;
  /**
   * Runs `work` with the links between members at full speed (no delay, jitter, loss or cut)
   * and shapes them as before once it has settled. Only targets with shaped links have it: the
   * bench's hot start uses it (see hot-start.ts).
   */
  unshaped?<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Everything the command line says about a target; factories take what they understand. */
export interface TargetOptions extends TargetSettings {
  /** Spec-local settings (`embedded:syncMode=sync`) that the harness does not interpret. */
  extra: Record<string, string>;
}

export type TargetFactory = (options: TargetOptions) => Promise<BenchTarget>;

/** Refuses spec-local settings a target does not know: a run that silently ignored one would mislead. */
export function refuseUnknownSettings(target: string, extra: Readonly<Record<string, string>>, known: readonly string[]): void {
  const unknown = Object.keys(extra).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`${target} target: unknown setting ${unknown.join(', ')} (known: ${known.join(', ')})`);
}

const TARGET_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const factories = new Map<string, TargetFactory>();

/** Makes `--target <name>` (and `--compare <name> ...`) start targets with `factory`. */
export function registerTarget(name: string, factory: TargetFactory): void {
  if (!TARGET_NAME_PATTERN.test(name)) throw new Error(`target name "${name}" must match ${TARGET_NAME_PATTERN}`);
  if (factories.has(name)) throw new Error(`target "${name}" is already registered`);
  factories.set(name, factory);
}

export function registeredTargetNames(): string[] {
  return [...factories.keys()].sort();
}

export function targetFactory(name: string): TargetFactory {
  const factory = factories.get(name);
  if (!factory) {
    const known = registeredTargetNames();
    throw new Error(`unknown target "${name}"; registered: ${known.length > 0 ? known.join(', ') : 'none'}`);
  }
  return factory;
}
