// The real etcd 3.4 cluster the differential tests and benchmarks compare against: a thin
// test-side face over src/bench/etcd-cluster.ts, which owns starting and stopping it.

import { existsSync } from 'node:fs';
import { freePort } from '../../src/cluster/free-port.js';
import { etcdBinaryPath, startEtcdCluster } from '../../src/bench/etcd-cluster.js';
import { stopChildProcess } from '../../src/util/stop-child-process.js';

export { freePort };
export { stopChildProcess as stopChild };

export interface RealEtcdCluster {
  /** Client URLs, one per member. */
  endpoints: string[];
  stop(): Promise<void>;
}

export const ETCD_BINARY = etcdBinaryPath();

export function realEtcdAvailable(): boolean {
  return existsSync(ETCD_BINARY);
}

export async function startRealEtcd(members = 3, readyTimeoutMs?: number): Promise<RealEtcdCluster> {
  const cluster = await startEtcdCluster({ members, readyTimeoutMs, binaryPath: ETCD_BINARY, clusterToken: 'raftyard-differential' });
  return { endpoints: cluster.endpoints, stop: cluster.stop };
}
