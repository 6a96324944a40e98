// The membership a core counts quorums over: the voters, the leader's per-member progress,
// and the votes of an election. Every "is this a majority?" question is answered here.

import { Progress } from './progress.js';
import type { NodeId } from './types.js';

type VoteOutcome = 'won' | 'lost' | 'pending';

export class Tracker {
  readonly progress = new Map<NodeId, Progress>();
  private readonly votes = new Map<NodeId, boolean>();
  private voterList: NodeId[];
  /** committedIndex()'s work array, one slot per voter: it runs on every append answer. */
  private matchScratch: number[];

  constructor(voters: NodeId[]) {
    this.voterList = Tracker.checkedVoters(voters);
    this.matchScratch = new Array<number>(this.voterList.length).fill(0);
  }

  private static checkedVoters(voters: NodeId[]): NodeId[] {
    if (new Set(voters).size !== voters.length) throw new Error(`raft: duplicate voters ${voters.join(',')}`);
    return [...voters].sort();
  }

  get voters(): readonly NodeId[] {
    return this.voterList;
  }

  setVoters(voters: NodeId[]): void {
    this.voterList = Tracker.checkedVoters(voters);
    this.matchScratch = new Array<number>(this.voterList.length).fill(0);
  }

  isVoter(id: NodeId): boolean {
    return this.voterList.includes(id);
  }

  get quorum(): number {
    return Math.floor(this.voterList.length / 2) + 1;
  }

  resetProgress(next: number, inflightCountMax: number, inflightBytesMax: number): void {
    this.progress.clear();
    for (const id of this.voterList) this.progress.set(id, new Progress(next, inflightCountMax, inflightBytesMax));
  }

  /** The highest index a quorum of voters has durably matched. */
  committedIndex(): number {
    // An insertion sort (descending) in place: a handful of voters, and no array or comparator
    // closure per call, which Array.prototype.sort would cost.
    const matches = this.matchScratch;
    const voters = this.voterList;
    for (let i = 0; i < voters.length; i++) {
      const match = this.progress.get(voters[i]!)?.match ?? 0;
      let at = i;
      for (; at > 0 && matches[at - 1]! < match; at--) matches[at] = matches[at - 1]!;
      matches[at] = match;
    }
    return matches[this.quorum - 1]!;
  }

  /** Check-quorum: true when a quorum was heard from; clears the marks for the next round. */
  quorumActiveAndReset(self: NodeId): boolean {
    let active = 0;
    for (const id of this.voterList) {
      const pr = this.progress.get(id)!;
      if (id === self || pr.recentActive) active++;
      pr.recentActive = id === self;
    }
    return active >= this.quorum;
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): VoteOutcome {
    if (this.isVoter(id) && !this.votes.has(id)) this.votes.set(id, granted);
    let granted_ = 0;
    let rejected = 0;
    for (const vote of this.votes.values()) vote ? granted_++ : rejected++;
    if (granted_ >= this.quorum) return 'won';
    if (rejected > this.voterList.length - this.quorum) return 'lost';
    return 'pending';
  }
}
