// A crash target that is an in-process cluster whose crash is a power cut: every member is
// killed at once and loses the WAL bytes it had not yet synced, then all recover from their
// data directories.

import { Cluster } from '../cluster/cluster.js';
import type { ClusterOptions } from '../cluster/cluster-options.js';
import type { CrashTarget } from './crash-rounds.js';

export class PowerCutTarget implements CrashTarget {
  private cluster: Cluster | null = null;

  constructor(
    private readonly options: ClusterOptions,
    private readonly writableTimeoutMs = 15_000,
  ) {}

  async start(): Promise<string[]> {
    if (this.cluster === null) {
      this.cluster = await Cluster.start(this.options);
      return this.cluster.endpoints;
    }
    const cluster = this.cluster;
    // One at a time: each restart wires its links to the members already running.
    for (const id of cluster.ids) await cluster.restart(id);
    await cluster.waitWritable(this.writableTimeoutMs);
    return cluster.endpoints;
  }

  async crash(): Promise<void> {
    const cluster = this.requireCluster();
    await Promise.all(cluster.ids.map((id) => cluster.kill(id, { loseUnsynced: true })));
  }

  async stop(): Promise<void> {
    await this.cluster?.stop();
    this.cluster = null;
  }

  private requireCluster(): Cluster {
    if (this.cluster === null) throw new Error('the cluster has not been started');
    return this.cluster;
  }
}
