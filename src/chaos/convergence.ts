// The end of a chaos run: heal every fault (links, pauses, dead members), wait until the cluster
// is writable, then wait until every member holds the same store. Two members at the same store
// index with different contents have diverged; that is decided at once, not waited out.

import type { Cluster, NodeSummary } from '../cluster/cluster.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface MemberStore {
  readonly id: string;
  readonly state: string;
  readonly storeIndex: number | null;
  readonly storeHash: string | null;
}

export type ConvergenceResult =
  | { readonly verdict: 'identical'; readonly storeIndex: number; readonly storeHash: string; readonly waitedMs: number }
  | { readonly verdict: 'diverged' | 'not-converged'; readonly detail: string; readonly members: readonly MemberStore[] };

const POLL_MS = 100;

/** Undoes every fault still in place and restarts members that are down. */
export async function healEverything(cluster: Cluster, writableTimeoutMs: number): Promise<void> {
  await cluster.clearLinks();
  for (const node of await cluster.nodes()) {
    if (node.state === 'paused') cluster.resume(node.id);
    else if (node.state !== 'running') await cluster.restart(node.id);
  }
  await cluster.waitWritable(writableTimeoutMs);
}

/** Polls the members until they all report the same store, or the timeout passes. */
export async function awaitIdenticalStores(cluster: Cluster, timeoutMs: number): Promise<ConvergenceResult> {
  const startedMs = Date.now();
  for (;;) {
    const members = (await cluster.nodes()).map(memberStoreOf);
    const diverged = divergedPair(members);
    if (diverged !== null) return { verdict: 'diverged', detail: diverged, members };
    const first = members[0]!;
    if (first.storeIndex !== null && first.storeHash !== null && members.every((m) => sameStore(m, first))) {
      return { verdict: 'identical', storeIndex: first.storeIndex, storeHash: first.storeHash, waitedMs: Date.now() - startedMs };
    }
    if (Date.now() - startedMs > timeoutMs) {
      const detail = members.map((m) => `${m.id} ${m.state} index ${m.storeIndex ?? '-'}`).join(', ');
      return { verdict: 'not-converged', detail: `members still differ after ${timeoutMs} ms: ${detail}`, members };
    }
    await sleep(POLL_MS);
  }
}

function memberStoreOf(node: NodeSummary): MemberStore {
  return { id: node.id, state: node.state, storeIndex: node.storeIndex, storeHash: node.storeHash };
}

function sameStore(a: MemberStore, b: MemberStore): boolean {
  return a.storeIndex === b.storeIndex && a.storeHash === b.storeHash;
}

/** A description of two members that applied as many writes but hold different stores, or null. */
export function divergedPair(members: readonly MemberStore[]): string | null {
  const byIndex = new Map<number, MemberStore>();
  for (const member of members) {
    if (member.storeIndex === null || member.storeHash === null) continue;
    const other = byIndex.get(member.storeIndex);
    if (other !== undefined && other.storeHash !== member.storeHash) {
      const hashes = `${other.storeHash!.slice(0, 12)} vs ${member.storeHash.slice(0, 12)}`;
      return `${other.id} and ${member.id} both at store index ${member.storeIndex} hold different stores (${hashes})`;
    }
    byIndex.set(member.storeIndex, member);
  }
  return null;
}
