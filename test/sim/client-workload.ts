// The clients of a randomized run: at random moments they write through a random live node, read
// through one (ReadIndex), ask the leader to hand over leadership, or poke a node to campaign.
// Each node bounds what it keeps waiting (see NodeLimits.clientRequestsMax).

import type { Prng } from '../../src/util/prng.js';
import type { SimCluster } from './cluster.js';

export interface WorkloadMix {
  /** Simulated time between two client requests. */
  gapMsMin: number;
  gapMsMax: number;
  /** Shares of each request kind (the rest of 1 after writes and reads is split between the others). */
  writeShare: number;
  readShare: number;
  transferShare: number;
}

export const defaultWorkloadMix: WorkloadMix = { gapMsMin: 2, gapMsMax: 30, writeShare: 0.65, readShare: 0.27, transferShare: 0.05 };

export class ClientWorkload {
  private active = false;

  constructor(
    private readonly cluster: SimCluster,
    private readonly prng: Prng,
    private readonly mix: WorkloadMix,
  ) {
    if (mix.writeShare + mix.readShare + mix.transferShare > 1) throw new Error('workload shares add up to more than 1');
  }

  start(): void {
    if (this.active) throw new Error('workload already started');
    this.active = true;
    this.scheduleNext();
  }

  stop(): void {
    this.active = false;
  }

  private scheduleNext(): void {
    const gapMs = this.prng.int(this.mix.gapMsMin, this.mix.gapMsMax + 1);
    this.cluster.after(gapMs, 'client', () => {
      if (!this.active) return;
      this.issue();
      this.scheduleNext();
    });
  }

  private issue(): void {
    const { cluster, mix } = this;
    const live = cluster.liveIds();
    if (live.length === 0) return;
    const via = this.prng.pick(live);
    const dice = this.prng.next();
    if (dice < mix.writeShare) cluster.clientWrite(via);
    else if (dice < mix.writeShare + mix.readShare) cluster.clientRead(via);
    else if (dice < mix.writeShare + mix.readShare + mix.transferShare) this.transfer();
    else cluster.campaign(via);
  }

  /** Asks a current leader to hand over to another node (any node when several think they lead). */
  private transfer(): void {
    const leaders = this.cluster.leaders();
    if (leaders.length === 0) return;
    const from = this.prng.pick(leaders);
    this.cluster.transferLeadership(from, this.prng.pick(this.cluster.ids.filter((id) => id !== from)));
  }
}
