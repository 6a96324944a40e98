// Real etcd 3.4 as a benchmark target (`--target etcd[:delayMs=40,members=3]`): started by the
// bench on loopback, its peer links behind delay proxies when a delay is given (spec-local
// `delayMs`, else the global --delay), stopped after the run. Its members sit where raftyard's
// would (n1..nN, 2 x delayMs apart), so --client-region and the commit floor (quorum round trip,
// forward from a follower, one fsync of this disk) mean the same for both targets.

import { memberIds } from '../util/member-ids.js';
import { refuseUnknownSettings, registerTarget, registeredTargetNames, type BenchTarget, type TargetOptions } from './bench-target.js';
import { endpointsTarget } from './endpoints-target.js';
import { startEtcdCluster, type EtcdCluster } from './etcd-cluster.js';
import { probeFsyncSamples } from './fsync-floor.js';
import { uniformDelaySites } from './member-sites.js';
import { planLayout } from './target-layout.js';

const ETCD_TARGET = 'etcd';
const SETTING_KEYS = ['delayMs', 'members'] as const;
const MEMBERS_DEFAULT = 3;
/** etcd refuses an election timeout over 50 s, and its members get 20 × the delay (see etcd-cluster.ts). */
const DELAY_MS_MAX = 2_000;

export interface EtcdTargetSettings {
  members: number;
  /** One-way delay of every link between members; undefined: members talk directly. */
  delayMs?: number;
}

/** The started target, with where its data lives (the directory is gone after close). */
export interface EtcdBenchTarget extends BenchTarget {
  dataDir: string;
}

/**
 * Reads `members` (else --nodes) and `delayMs` (else --delay) from the spec; refuses unknown
 * keys and the settings etcd cannot honour, since running without them would mislead.
 */
export function etcdTargetSettings(options: TargetOptions): EtcdTargetSettings {
  refuseUnknownSettings(ETCD_TARGET, options.extra, SETTING_KEYS);
  if (options.geo !== undefined) throw new Error('etcd target: a geo preset does not apply to etcd; give its links one delay with --delay or etcd:delayMs=N');
  if (options.leaderRegion !== undefined) throw new Error('etcd target: --leader-region cannot move the leadership of etcd');
  const members = options.extra.members === undefined ? (options.nodes ?? MEMBERS_DEFAULT) : Number(options.extra.members);
  const delayMs = options.extra.delayMs === undefined ? options.delayMs : Number(options.extra.delayMs);
  if (delayMs !== undefined && !(delayMs >= 0 && delayMs <= DELAY_MS_MAX)) {
    throw new RangeError(`etcd target: delayMs must be in [0, ${DELAY_MS_MAX}], got ${options.extra.delayMs ?? delayMs}`);
  }
  return delayMs === undefined ? { members } : { members, delayMs };
}

export async function startEtcdTarget(options: TargetOptions): Promise<EtcdBenchTarget> {
  const settings = etcdTargetSettings(options);
  // The layout names the members as raftyard does (n1..nN), whatever etcd calls them.
  const ids = memberIds(settings.members);
  const sites = settings.delayMs === undefined ? null : uniformDelaySites(ids, settings.delayMs);
  const buildLayout = planLayout(ids, sites, options.clientRegion);
  const cluster = await startEtcdCluster({ members: settings.members, peerDelayMs: settings.delayMs ?? 0 });
  try {
    const direct = endpointsTarget(cluster.endpoints, `etcd ${settings.members} members${settings.delayMs ? `, ${settings.delayMs} ms one way on every link` : ''}`);
    const leaderEndpoint = direct.leaderEndpoint!;
    return {
      ...direct,
      dataDir: cluster.dataDir,
      // The fsync is measured on the disk etcd writes to, the way a WAL syncs.
      ...buildLayout(cluster.endpoints, (restMs, budgetMs) => probeFsyncSamples(cluster.dataDir, restMs, budgetMs), leaderEndpoint),
      ...(settings.delayMs ? { unshaped: (work) => withPeersUndelayed(cluster, work) } : {}),
      close: () => cluster.stop(),
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** The proxies pass bytes on at once while `work` runs, then delay them as before. */
async function withPeersUndelayed<T>(cluster: EtcdCluster, work: () => Promise<T>): Promise<T> {
  const delayMs = cluster.peerDelayMs;
  cluster.setPeerDelayMs(0);
  try {
    return await work();
  } finally {
    cluster.setPeerDelayMs(delayMs);
  }
}

/** Registers the etcd target once (the CLI calls this before running a benchmark). */
export function registerEtcdTarget(): void {
  if (!registeredTargetNames().includes(ETCD_TARGET)) registerTarget(ETCD_TARGET, startEtcdTarget);
}
