// Moves leadership into a chosen set of members before a run (--leader-region: the members of
// one region): unless one of them leads already, ask the leader to hand over to the first, then
// wait until it leads and the cluster takes writes. A transfer can be
// refused (one already under way) or lost to an election, so it is asked for again now and
// then until a deadline; missing the deadline is an error, never a silent run elsewhere.

import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeId } from '../raft/types.js';

/** The part of a Cluster that placing the leader needs. */
export interface LeaderControl {
  leader(timeoutMs?: number): Promise<NodeId>;
  transferLeadership(to: NodeId): Promise<void>;
  waitWritable(timeoutMs?: number): Promise<void>;
}

const POLL_MS = 20;

export interface PlacementTiming {
  timeoutMs: number;
  /** How long one transfer may take before it is asked for again: about an election timeout. */
  retryMs: number;
}

/** Resolves with the member that leads, one of `candidates`. */
export async function placeLeader(cluster: LeaderControl, candidates: readonly NodeId[], timing: PlacementTiming): Promise<NodeId> {
  if (!(timing.timeoutMs > 0 && timing.retryMs > 0)) throw new RangeError(`placement timing must be positive: ${JSON.stringify(timing)}`);
  if (candidates.length === 0) throw new Error('no member to move leadership to');
  const to = candidates[0];
  const deadlineMs = Date.now() + timing.timeoutMs;
  const leftMs = (): number => Math.max(1, deadlineMs - Date.now());
  let askAgainAtMs = 0;
  let leader = '';
  let refusal = '';
  while (Date.now() < deadlineMs) {
    leader = await cluster.leader(leftMs());
    if (candidates.includes(leader)) {
      await cluster.waitWritable(leftMs());
      return leader;
    }
    if (Date.now() >= askAgainAtMs) {
      askAgainAtMs = Date.now() + timing.retryMs;
      refusal = await cluster.transferLeadership(to).then(
        () => '',
        (error: Error) => error.message,
      );
    }
    await sleep(POLL_MS);
  }
  throw new Error(`could not move leadership to ${to} within ${timing.timeoutMs} ms (leader: ${leader || 'none'}${refusal ? `; last refusal: ${refusal}` : ''})`);
}
