// The two kinds of system the differential suite talks to: a real etcd 3.4 cluster (three
// members on loopback; its absence fails the suite with a clear message) and raftyard's API
// over the one-member fake backend. The lead points the same suite at a real raftyard cluster
// by passing another TargetFactory.

import { startApiServer } from '../../src/api/index.js';
import { ETCD_BINARY, realEtcdAvailable, startRealEtcd } from '../support/real-etcd.js';
import type { DiffTarget } from './differential-harness.js';
import { FakeBackend } from './fake-backend.js';

export async function startRealEtcdTarget(): Promise<DiffTarget> {
  if (!realEtcdAvailable()) {
    throw new Error(`the differential suite needs etcd 3.4 at ${ETCD_BINARY} (apt-get install etcd-server, or set RAFTYARD_ETCD_BINARY)`);
  }
  const cluster = await startRealEtcd();
  return { name: 'etcd', endpoint: cluster.endpoints[0] as string, stop: () => cluster.stop() };
}

export async function startFakeRaftyardTarget(): Promise<DiffTarget> {
  const backend = new FakeBackend();
  const server = await startApiServer(backend, { host: '127.0.0.1', port: 0 });
  backend.setClientUrl(server.url);
  return {
    name: 'raftyard (fake backend)',
    endpoint: server.url,
    stop: async () => {
      backend.stop();
      await server.close();
    },
  };
}
