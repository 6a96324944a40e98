// The public API of the raftyard package: the embedded cluster for integration suites, its
// admin server, the v2 client, and the pure Raft core for those who build on it.

export { Cluster, type ClusterEvents, type NodeSummary, type LinkHandle } from './cluster/cluster.js';
export type { ClusterOptions } from './cluster/cluster-options.js';
export { startAdminServer, type AdminServer } from './cluster/admin-server.js';
export type { WalReport } from './node/control-protocol.js';
export { LogLinearHistogram, type SerializedHistogram } from './util/log-linear-histogram.js';
export type { LinkConfig, JitterDistribution } from './transport/link-config.js';
export type { TransportKind } from './transport/peer-transport.js';
export { RaftCore, type ProposeError, type RaftStatus } from './raft/core.js';
export * from './raft/types.js';
export * from './client/index.js';
