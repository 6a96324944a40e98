// What the benchmark measures: a BenchTarget is any set of etcd v2 client URLs with a way to
// close it, and a registry of named factories (`--target embedded`) through which the
// embedded raftyard cluster, or anything else that serves the v2 API, plugs in.

import type { TargetSettings } from './bench-options.js';

/** The lower bound on commit latency a target can promise, and what it is made of. */
export interface CommitFloor {
  floorMs: number;
  /** Named parts that sum to the floor, e.g. quorumRttMs, fsyncMs, clientRttMs. */
  parts: Record<string, number>;
}

export interface BenchTarget {
  name: string;
  /** Client URLs, e.g. http://127.0.0.1:2379. */
  endpoints: string[];
  /** The client URL of the current leader, where writes are cheapest. */
  leaderEndpoint?(): Promise<string>;
  /** RTT from the leader to its nearest quorum + fsync + client RTT, when the target knows it. */
  floorMs?(): Promise<CommitFloor>;
  close(): Promise<void>;
}

/** Everything the command line says about a target; factories take what they understand. */
export interface TargetOptions extends TargetSettings {
  /** Spec-local settings (`embedded:wal=off`) that the harness does not interpret. */
  extra: Record<string, string>;
}

export type TargetFactory = (options: TargetOptions) => Promise<BenchTarget>;

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
