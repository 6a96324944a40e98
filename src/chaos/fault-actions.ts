// Injecting one planned fault into a running embedded cluster, and undoing it. Faults aimed
// at "the leader" find it when they are injected; everything else comes from the plan.

import type { Cluster } from '../cluster/cluster.js';
import type { NodeId } from '../raft/types.js';
import type { LinkConfig } from '../transport/link-config.js';
import type { Fault } from './fault-plan.js';

/** A fault in place: the members it hit and the way back. */
export interface AppliedFault {
  readonly targets: readonly NodeId[];
  recover(): Promise<void>;
}

/** A leader-aimed fault waits this long for a leader, then is skipped (thrown). */
const LEADER_WAIT_MS = 2000;

export async function injectFault(cluster: Cluster, fault: Fault): Promise<AppliedFault> {
  switch (fault.kind) {
    case 'kill':
      for (const id of fault.nodes) await cluster.kill(id, { loseUnsynced: fault.loseUnsynced });
      return { targets: fault.nodes, recover: () => restartAll(cluster, fault.nodes) };
    case 'pause':
      for (const id of fault.nodes) cluster.pause(id);
      return { targets: fault.nodes, recover: async () => fault.nodes.forEach((id) => cluster.resume(id)) };
    case 'partition':
      await cluster.partition(fault.groups.map((group) => [...group]));
      return { targets: fault.groups.length === 2 ? fault.groups[0]! : cluster.ids, recover: () => cluster.heal() };
    case 'isolate-leader': {
      const leader = await cluster.leader(LEADER_WAIT_MS);
      await cluster.partition([[leader], cluster.ids.filter((id) => id !== leader)]);
      return { targets: [leader], recover: () => cluster.heal() };
    }
    case 'one-way': {
      const leader = await cluster.leader(LEADER_WAIT_MS);
      const others = cluster.ids.filter((id) => id !== leader);
      const links = others.map((id): [NodeId, NodeId] => (fault.direction === 'from-leader' ? [leader, id] : [id, leader]));
      await cluster.cut(links);
      return { targets: [leader], recover: () => cluster.heal() };
    }
    case 'link-delay':
      return shapeEveryLink(cluster, { delayMs: fault.delayMs, jitterMs: fault.jitterMs });
    case 'link-loss':
      return shapeEveryLink(cluster, { loss: fault.loss });
    case 'transfer-leader': {
      const leader = await cluster.leader(LEADER_WAIT_MS);
      const candidates = cluster.ids.filter((id) => id !== leader);
      const to = candidates[fault.candidateRank % candidates.length]!;
      await cluster.transferLeadership(to);
      return { targets: [to], recover: async () => {} };
    }
  }
}

async function restartAll(cluster: Cluster, ids: readonly NodeId[]): Promise<void> {
  for (const id of ids) await cluster.restart(id);
}

async function shapeEveryLink(cluster: Cluster, config: Partial<LinkConfig>): Promise<AppliedFault> {
  await cluster.setEveryLink(config);
  return { targets: cluster.ids, recover: () => cluster.clearLinks() };
}
