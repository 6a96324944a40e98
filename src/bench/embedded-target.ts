// The embedded raftyard cluster as a benchmark target (`--target embedded[:k=v]`): started in
// this process with the options the command line gives (nodes, transport, geo, seed, and the
// spec-local `heartbeatMs`, `electionMs`, `syncMode`), stopped after the run.

import { Cluster } from '../cluster/cluster.js';
import type { TransportKind } from '../transport/peer-transport.js';
import { registerTarget, registeredTargetNames, type BenchTarget, type TargetOptions } from './bench-target.js';

export const EMBEDDED_TARGET = 'embedded';

export async function startEmbeddedTarget(options: TargetOptions): Promise<BenchTarget> {
  const extra = options.extra;
  const syncMode = extra.syncMode;
  if (syncMode !== undefined && syncMode !== 'sync' && syncMode !== 'async') throw new RangeError('syncMode must be sync or async');
  const cluster = await Cluster.start({
    nodes: options.nodes,
    transport: options.transport as TransportKind | undefined,
    geo: options.geo,
    seed: options.seed,
    heartbeatMs: extra.heartbeatMs === undefined ? undefined : Number(extra.heartbeatMs),
    electionMs: extra.electionMs === undefined ? undefined : Number(extra.electionMs),
    syncMode,
  });
  return {
    name: `raftyard ${cluster.ids.length} nodes (${cluster.options.transport})`,
    endpoints: cluster.endpoints,
    leaderEndpoint: async () => cluster.endpoint(await cluster.leader()),
    close: () => cluster.stop(),
  };
}

/** Registers the embedded target once (the CLI calls this before running a benchmark). */
export function registerEmbeddedTarget(): void {
  if (!registeredTargetNames().includes(EMBEDDED_TARGET)) registerTarget(EMBEDDED_TARGET, startEmbeddedTarget);
}
