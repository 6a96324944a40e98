// Real etcd 3.4 as a benchmark target (`--target etcd[:delayMs=40,members=3]`): started by the
// bench on loopback, its peer links optionally behind delay proxies, stopped after the run. Its
// floor is the same as raftyard's (quorum round trip + one fsync of this disk), so the two can
// be set against the same bound.

import { registerTarget, registeredTargetNames, type BenchTarget, type CommitFloor, type TargetOptions } from './bench-target.js';
import { endpointsTarget } from './endpoints-target.js';
import { startEtcdCluster } from './etcd-cluster.js';
import { measureFsyncMs } from './fsync-floor.js';

export const ETCD_TARGET = 'etcd';
const SETTING_KEYS = ['delayMs', 'members'] as const;
const MEMBERS_DEFAULT = 3;
const DELAY_MS_MAX = 2_000;

export interface EtcdTargetSettings {
  members: number;
  /** One-way delay of every link between members. */
  delayMs: number;
}

/** The started target, with where its data lives (the directory is gone after close). */
export interface EtcdBenchTarget extends BenchTarget {
  dataDir: string;
}

/** Reads `members` and `delayMs` from the spec (members falls back to --nodes); anything else is refused. */
export function etcdTargetSettings(options: TargetOptions): EtcdTargetSettings {
  const unknown = Object.keys(options.extra).filter((key) => !(SETTING_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new Error(`etcd target: unknown setting ${unknown.join(', ')} (known: ${SETTING_KEYS.join(', ')})`);
  // The geo settings shape raftyard's own links; etcd would run without them and the comparison would mislead.
  if (options.geo !== undefined || options.clientRegion !== undefined || options.leaderRegion !== undefined) {
    throw new Error('etcd target: geo settings do not apply to etcd; give its links a delay with etcd:delayMs=N');
  }
  const members = options.extra.members === undefined ? (options.nodes ?? MEMBERS_DEFAULT) : Number(options.extra.members);
  const delayMs = options.extra.delayMs === undefined ? 0 : Number(options.extra.delayMs);
  if (!(delayMs >= 0 && delayMs <= DELAY_MS_MAX)) throw new RangeError(`etcd target: delayMs must be in [0, ${DELAY_MS_MAX}], got ${options.extra.delayMs}`);
  return { members, delayMs };
}

export async function startEtcdTarget(options: TargetOptions): Promise<EtcdBenchTarget> {
  const settings = etcdTargetSettings(options);
  const cluster = await startEtcdCluster({ members: settings.members, peerDelayMs: settings.delayMs });
  const links = settings.delayMs > 0 ? `, links +${settings.delayMs} ms` : '';
  let floor: CommitFloor | undefined;
  return {
    ...endpointsTarget(cluster.endpoints, `etcd ${settings.members} members${links}`),
    dataDir: cluster.dataDir,
    floorMs: async () => {
      // Measured once, on the disk etcd writes to, the way a WAL syncs.
      floor ??= commitFloor(2 * settings.delayMs, measureFsyncMs(cluster.dataDir));
      return floor;
    },
    close: () => cluster.stop(),
  };
}

function commitFloor(quorumRttMs: number, fsyncMs: number): CommitFloor {
  return { floorMs: quorumRttMs + fsyncMs, parts: { quorumRttMs, fsyncMs } };
}

/** Registers the etcd target once (the CLI calls this before running a benchmark). */
export function registerEtcdTarget(): void {
  if (!registeredTargetNames().includes(ETCD_TARGET)) registerTarget(ETCD_TARGET, startEtcdTarget);
}
