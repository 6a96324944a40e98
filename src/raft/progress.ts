// What a leader knows about one member's log: how far it matches, what to send next, and
// which of three replication states it is in (probing, streaming, or awaiting a snapshot).

import { Inflights } from './inflights.js';

export const enum ReplicationState {
  /** One append per heartbeat until the match point is found. */
  Probe = 0,
  /** Optimistic streaming: appends are pipelined up to the inflight limits. */
  Replicate = 1,
  /** A snapshot was sent; appends wait until it is acknowledged. */
  Snapshot = 2,
}

export class Progress {
  /** Highest index known to match the leader's log. Invariant: 0 <= match < next. */
  match = 0;
  /** Index of the next entry to send. */
  next: number;
  state = ReplicationState.Probe;
  /** In Probe: an append is out, wait for its answer (or a heartbeat answer) before the next. */
  probeSent = false;
  /** In Snapshot: the index of the snapshot sent. */
  pendingSnapshot = 0;
  /** Ticks since the snapshot was sent, to resend one that was lost. */
  snapshotTicks = 0;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(next: number, inflightCountMax: number, inflightBytesMax: number) {
    this.next = next;
    this.inflights = new Inflights(inflightCountMax, inflightBytesMax);
  }

  becomeProbe(): void {
    // After a snapshot the follower holds at least the snapshot's index.
    const next = this.state === ReplicationState.Snapshot
      ? Math.max(this.match + 1, this.pendingSnapshot + 1)
      : this.match + 1;
    this.resetState(ReplicationState.Probe);
    this.next = next;
  }

  becomeReplicate(): void {
    this.resetState(ReplicationState.Replicate);
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState(ReplicationState.Snapshot);
    this.pendingSnapshot = snapshotIndex;
  }

  private resetState(state: ReplicationState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotTicks = 0;
    this.inflights.reset();
  }

  /** Records an acknowledgement up to `index`; true when it moved the match point. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * A rejected append of index `rejected`; `hint` is where the logs may match. Returns false for
   * a stale rejection (one about an append this state no longer waits for).
   */
  maybeDecrease(rejected: number, hint: number): boolean {
    if (this.state === ReplicationState.Replicate) {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, hint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** Whether the leader must hold back appends to this member for now. */
  isPaused(): boolean {
    switch (this.state) {
      case ReplicationState.Probe:
        return this.probeSent;
      case ReplicationState.Replicate:
        return this.inflights.full();
      case ReplicationState.Snapshot:
        return true;
    }
  }
}
