// The real etcd 3.4 cluster the differential tests and benchmarks compare against: a thin
// test-side face over src/bench/etcd-cluster.ts, which owns starting and stopping it.

import { existsSync } from 'node:fs';
import { etcdBinaryPath, startEtcdCluster, type EtcdCluster } from '../../src/bench/etcd-cluster.js';

export type RealEtcdCluster = EtcdCluster;

export const ETCD_BINARY = etcdBinaryPath();

export function realEtcdAvailable(): boolean {
  return existsSync(ETCD_BINARY);
}

export function startRealEtcd(members = 3, readyTimeoutMs?: number): Promise<RealEtcdCluster> {
  return startEtcdCluster({ members, readyTimeoutMs, clusterToken: 'raftyard-differential' });
}
