// One node's simulated disk: the durable image of its Raft state (hard state, snapshot, log) and
// the queue of writes still in flight. Writes become durable strictly in order; a crash loses
// every write that has not completed, which is exactly what a restart may recover from.

import type { Entry, HardState, RaftRestoreState, Snapshot } from '../../src/raft/types.js';
import { copyEntry, copySnapshot } from './wire-copy.js';

/** What one write adds to the durable image, applied in this order. */
export interface WriteContent {
  /** A snapshot (received from a leader, or the host's own compaction) that the log now starts after. */
  snapshot: Snapshot | null;
  /** The entry at index i replaces any durable entry at i and everything after it. */
  entries: Entry[];
  hardState: HardState | null;
}

interface PendingWrite<T> {
  content: WriteContent;
  completeAtMs: number;
  /** What the owner must do once the write is durable. */
  then: T;
}

export class SimDisk<T> {
  private hardState: HardState = { term: 0, vote: '', commit: 0 };
  /** The hard state before the last one written, for the lying-disk fault. */
  private previousHardState: HardState = this.hardState;
  private snapshot: Snapshot | null = null;
  private entries: Entry[] = [];
  private readonly pending: PendingWrite<T>[] = [];

  constructor(private readonly pendingWritesMax: number) {
    if (!(pendingWritesMax > 0)) throw new Error('a disk needs room for at least one pending write');
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** The last durable index (0 when nothing is durable). */
  get lastIndex(): number {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1]!.index : this.snapshotIndex;
  }

  get snapshotIndex(): number {
    return this.snapshot?.meta.index ?? 0;
  }

  /**
   * Queues a write that takes `latencyMs` but never completes before the writes queued earlier;
   * returns the simulated time at which it becomes durable. The content is copied now, as a real
   * write would copy it into the page cache.
   */
  write(content: WriteContent, then: T, nowMs: number, latencyMs: number): number {
    if (this.pending.length >= this.pendingWritesMax) {
      throw new Error(`disk has ${this.pending.length} writes in flight (limit ${this.pendingWritesMax})`);
    }
    const previousMs = this.pending.length > 0 ? this.pending[this.pending.length - 1]!.completeAtMs : nowMs;
    const completeAtMs = Math.max(nowMs + latencyMs, previousMs);
    this.pending.push({ content: copyContent(content), completeAtMs, then });
    return completeAtMs;
  }

  /** Makes the oldest pending write durable and returns what its owner must do next. */
  completeNext(nowMs: number): T {
    const write = this.pending.shift();
    if (write === undefined) throw new Error('disk completion with no pending write');
    if (write.completeAtMs > nowMs) throw new Error(`disk write due at ${write.completeAtMs}ms completed at ${nowMs}ms`);
    if (write.content.snapshot !== null) this.installSnapshot(write.content.snapshot);
    if (write.content.entries.length > 0) this.appendEntries(write.content.entries);
    if (write.content.hardState !== null) this.saveHardState(write.content.hardState);
    return write.then;
  }

  /**
   * A power loss: every write that has not completed is gone. A lying disk (one that acknowledged
   * an fsync it had not done) also loses the last hard state it reported durable; Raft cannot
   * survive that, and the simulator's checks must notice.
   */
  crash(lying = false): void {
    this.pending.length = 0;
    if (lying) this.hardState = this.previousHardState;
  }

  /** A copy of exactly what is durable, for a restarting core. */
  restoreState(): RaftRestoreState {
    return {
      hardState: { ...this.hardState },
      snapshot: this.snapshot === null ? null : copySnapshot(this.snapshot),
      entries: this.entries.map(copyEntry),
    };
  }

  /** The durable entry's term at `index`, or undefined when it is not held. */
  termAt(index: number): number | undefined {
    if (this.snapshot !== null && index === this.snapshot.meta.index) return this.snapshot.meta.term;
    const offset = index - this.snapshotIndex - 1;
    return offset >= 0 && offset < this.entries.length ? this.entries[offset]!.term : undefined;
  }

  private installSnapshot(snapshot: Snapshot): void {
    const { index, term } = snapshot.meta;
    if (index < this.snapshotIndex) {
      throw new Error(`snapshot at ${index} would replace a newer durable snapshot at ${this.snapshotIndex}`);
    }
    // A log that agrees with the snapshot at its index agrees on everything before it (log matching),
    // so the entries after it stay; a log that disagrees is replaced wholesale.
    const keepSuffix = this.termAt(index) === term;
    this.entries = keepSuffix ? this.entries.filter((e) => e.index > index) : [];
    this.snapshot = snapshot;
  }

  private appendEntries(entries: Entry[]): void {
    const first = entries[0]!.index;
    if (first <= this.snapshotIndex || first > this.lastIndex + 1) {
      throw new Error(
        `write of entries from ${first} does not fit the durable log (snapshot ${this.snapshotIndex}, last ${this.lastIndex})`,
      );
    }
    entries.forEach((e, k) => {
      if (e.index !== first + k) throw new Error(`entries to write are not contiguous at ${e.index}`);
    });
    this.entries.length = first - this.snapshotIndex - 1;
    for (const entry of entries) this.entries.push(entry);
  }

  private saveHardState(next: HardState): void {
    const prev = this.hardState;
    if (next.term < prev.term) throw new Error(`durable term would go back from ${prev.term} to ${next.term}`);
    if (next.term === prev.term && prev.vote !== '' && next.vote !== prev.vote) {
      throw new Error(`durable vote in term ${next.term} would change from ${prev.vote} to '${next.vote}'`);
    }
    this.previousHardState = prev;
    this.hardState = next;
  }
}

function copyContent(content: WriteContent): WriteContent {
  return {
    snapshot: content.snapshot === null ? null : copySnapshot(content.snapshot),
    entries: content.entries.map(copyEntry),
    hardState: content.hardState === null ? null : { ...content.hardState },
  };
}
