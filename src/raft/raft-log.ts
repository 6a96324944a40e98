// The in-memory Raft log of one core: entries after a compaction point, and the four marks that
// move along it (handed to storage, durable, committed, applied). The host's WAL holds the
// durable copy; this class only tracks what the core knows and never does I/O. Applied entries
// are packed (packed-entries.ts); the ones not applied yet are held as they came.

import { PackedEntries } from './packed-entries.js';
import type { Entry, Snapshot } from './types.js';

export class RaftLog {
  /** Entries offsetIndex+1 … applied, packed: they only change by compaction. */
  private readonly packed = new PackedEntries();
  /** Entries after the packed ones (packed.lastIndex+1 … lastIndex), in order. */
  private entries: Entry[] = [];
  /** The index just before the first entry kept (a snapshot or compaction point). */
  offsetIndex = 0;
  /** The term of the entry at offsetIndex. */
  offsetTerm = 0;
  /** Highest index known committed. Invariant: committed <= lastIndex. */
  committed = 0;
  /** Highest index handed to the application. Invariant: applied <= committed. */
  applied = 0;
  /** Highest index of the log known durable on this node. Invariant: stable <= lastIndex. */
  stable = 0;
  /** First index not yet handed to the host for persisting. */
  unpersistedFrom = 1;
  /** A snapshot received from a leader that the host must still persist and apply. */
  pendingSnapshot: Snapshot | null = null;

  get lastIndex(): number {
    return this.packed.lastIndex + this.entries.length;
  }

  get lastTerm(): number {
    const last = this.entries.length;
    if (last > 0) return this.entries[last - 1]!.term;
    return this.packed.lastIndex > this.offsetIndex ? this.packed.termAt(this.packed.lastIndex) : this.offsetTerm;
  }

  /** The first index whose entry is still held (offsetIndex + 1). */
  get firstIndex(): number {
    return this.offsetIndex + 1;
  }

  /** The term of the entry at `index`, or undefined when it is compacted away or not yet written. */
  termAt(index: number): number | undefined {
    if (index === this.offsetIndex) return this.offsetTerm;
    if (index < this.offsetIndex || index > this.lastIndex) return undefined;
    const packedLast = this.packed.lastIndex;
    return index <= packedLast ? this.packed.termAt(index) : this.entries[index - packedLast - 1]!.term;
  }

  entryAt(index: number): Entry | undefined {
    if (index <= this.offsetIndex || index > this.lastIndex) return undefined;
    const packedLast = this.packed.lastIndex;
    return index <= packedLast ? this.packed.entryAt(index) : this.entries[index - packedLast - 1];
  }

  matchTerm(index: number, term: number): boolean {
    return this.termAt(index) === term;
  }

  /** Raft §5.4.1: is a log ending at (lastTerm, lastIndex) at least as up to date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm;
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex);
  }

  /**
   * Entries [from, to) limited to about `bytesMax` of data; at least one entry when any is
   * asked for. Undefined when `from` is compacted away.
   */
  slice(from: number, to: number, bytesMax = Infinity): Entry[] | undefined {
    if (from <= this.offsetIndex) return undefined;
    const end = Math.min(to, this.lastIndex + 1);
    if (from >= end) return [];
    const result: Entry[] = [];
    const packedLast = this.packed.lastIndex;
    let bytes = 0;
    for (let i = from; i < end; i++) {
      bytes += i <= packedLast ? this.packed.dataLengthAt(i) : this.entries[i - packedLast - 1]!.data.length;
      if (result.length > 0 && bytes > bytesMax) break;
      result.push(i <= packedLast ? this.packed.entryAt(i) : this.entries[i - packedLast - 1]!);
    }
    return result;
  }

  /** Appends entries that directly follow the last one (a leader's own proposals). */
  appendLocal(entry: Entry): void {
    if (entry.index !== this.lastIndex + 1) {
      throw new Error(`raft log: appending index ${entry.index} after ${this.lastIndex}`);
    }
    this.entries.push(entry);
  }

  /**
   * A follower's append after (prevIndex, prevTerm) matched: entries already present with the
   * same term are kept, the first conflicting one and everything after it are replaced.
   * Returns the index of the last new entry.
   */
  appendFromLeader(prevIndex: number, entries: Entry[]): number {
    const lastNew = prevIndex + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict === 0) return lastNew;
    if (conflict <= this.committed) {
      throw new Error(`raft log: entry ${conflict} conflicts with committed ${this.committed}`);
    }
    this.truncateFrom(conflict);
    for (let i = conflict - prevIndex - 1; i < entries.length; i++) this.entries.push(entries[i]!);
    return lastNew;
  }

  /** The index of the first entry whose term differs from ours (or is new), 0 if none. */
  private findConflict(entries: Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0;
  }

  private truncateFrom(index: number): void {
    if (index <= this.packed.lastIndex) throw new Error(`raft log: truncating applied index ${index}`);
    this.entries.length = Math.min(this.entries.length, index - this.packed.lastIndex - 1);
    this.unpersistedFrom = Math.min(this.unpersistedFrom, index);
    this.stable = Math.min(this.stable, index - 1);
  }

  /**
   * Fast log back-off: the largest index <= `index` whose term is <= `term`, so one round trip
   * skips a whole term of mismatching entries. Unknown terms (compacted) stop the search.
   */
  findConflictByTerm(index: number, term: number): number {
    for (let i = Math.min(index, this.lastIndex); i > this.offsetIndex; i--) {
      if (this.termAt(i)! <= term) return i;
    }
    return Math.min(index, this.offsetIndex);
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex) {
      throw new Error(`raft log: commit ${index} beyond last index ${this.lastIndex}`);
    }
    this.committed = index;
  }

  /** Entries to hand to the host for persisting; marks them handed out. */
  takeUnpersisted(): Entry[] {
    const from = this.unpersistedFrom;
    if (from > this.lastIndex) return [];
    if (from <= this.packed.lastIndex) throw new Error(`raft log: index ${from} applied before it was persisted`);
    this.unpersistedFrom = this.lastIndex + 1;
    return this.entries.slice(from - this.packed.lastIndex - 1);
  }

  /** The host reports its writes durable up to (index, term); stale reports are ignored. */
  markStable(index: number, term: number): boolean {
    if (index <= this.stable || index >= this.unpersistedFrom) return false;
    if (this.termAt(index) !== term) return false;
    this.stable = index;
    return true;
  }

  /**
   * Committed entries that are durable here and not yet applied, at most `countMax`; they are
   * packed as they are handed out.
   */
  takeApplicable(countMax: number): Entry[] {
    const upTo = Math.min(this.committed, this.stable, this.applied + countMax);
    if (upTo <= this.applied) return [];
    if (this.applied !== this.packed.lastIndex) throw new Error(`raft log: applied ${this.applied}, packed through ${this.packed.lastIndex}`);
    const count = upTo - this.applied;
    const result = this.entries.splice(0, count);
    for (const entry of result) this.packed.push(entry);
    this.applied = upTo;
    return result;
  }

  hasApplicable(): boolean {
    return Math.min(this.committed, this.stable) > this.applied;
  }

  /** Drops entries up to `index` (which must be applied), keeping the compaction point's term. */
  compactTo(index: number): void {
    if (index <= this.offsetIndex) return;
    if (index > this.packed.lastIndex) throw new Error(`raft log: compacting ${index} beyond applied ${this.packed.lastIndex}`);
    const term = this.termAt(index)!;
    this.packed.dropThrough(index);
    this.offsetIndex = index;
    this.offsetTerm = term;
  }

  /** Replaces the whole log with a snapshot received from the leader. */
  restoreSnapshot(snapshot: Snapshot): void {
    const { index, term } = snapshot.meta;
    this.entries = [];
    this.packed.reset(index);
    this.offsetIndex = index;
    this.offsetTerm = term;
    this.committed = index;
    this.stable = Math.min(this.stable, index - 1);
    this.unpersistedFrom = index + 1;
    this.pendingSnapshot = snapshot;
  }

  /** Loads the state recovered from durable storage at start-up. */
  restoreDurable(snapshot: Snapshot | null, entries: Entry[], commit: number): void {
    this.offsetIndex = snapshot ? snapshot.meta.index : 0;
    this.offsetTerm = snapshot ? snapshot.meta.term : 0;
    this.entries = [];
    this.packed.reset(this.offsetIndex);
    // Storage may still hold entries the snapshot covers; the log starts after it.
    for (const entry of entries) if (entry.index > this.offsetIndex) this.appendLocal(entry);
    if (commit > this.lastIndex) {
      throw new Error(`raft log: restored commit ${commit} beyond last index ${this.lastIndex}`);
    }
    this.committed = Math.max(commit, this.offsetIndex);
    this.applied = this.offsetIndex;
    this.stable = this.lastIndex;
    this.unpersistedFrom = this.lastIndex + 1;
  }
}
