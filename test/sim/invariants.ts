// The safety properties of Raft, checked incrementally as the simulation runs: election safety,
// log matching, leader completeness, state-machine safety, writes landing in their proposer's term,
// and ReadIndex reads never missing a write acknowledged before they began. Each check costs only
// what the step changed; a broken property throws an InvariantViolation naming it.

import type { Entry, NodeId } from '../../src/raft/types.js';

/** The read-only view of one node's log that the checks need (a RaftCore provides it). */
export interface LogView {
  readonly firstIndex: number;
  readonly lastIndex: number;
  termAt(index: number): number | undefined;
  entryAt(index: number): Entry | undefined;
}

export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    details: string,
  ) {
    super(`${invariant}: ${details}`);
    this.name = 'InvariantViolation';
  }
}

interface EntryRecord {
  /** Who wrote it first, for the report. */
  node: NodeId;
  content: string;
  /** The term of the entry before it in the first writer's log, or undefined if compacted there. */
  prevTerm: number | undefined;
}

interface CommitRecord {
  term: number;
  /** The observer's term when the index was first seen committed (at least the term it committed in). */
  commitTerm: number;
}

export class InvariantChecker {
  private readonly leaderByTerm = new Map<number, NodeId>();
  private readonly entryByIndexTerm = new Map<string, EntryRecord>();
  private readonly committed: CommitRecord[] = [];
  private readonly appliedContent: string[] = [];
  private readonly chainAfter: number[] = [];
  private readonly readBound = new Map<string, number>();
  /** Each client write's payload and the term its proposer was in when it proposed it. */
  private readonly proposedInTerm = new Map<string, number>();
  private committedMax = 0;
  private ackedIndexMax = 0;

  get highestCommitted(): number {
    return this.committedMax;
  }

  get highestAcknowledged(): number {
    return this.ackedIndexMax;
  }

  get leadersElected(): number {
    return this.leaderByTerm.size;
  }

  /**
   * Election safety; and the first time a leader of `term` is seen, log matching over its whole
   * log and leader completeness.
   */
  observeLeader(node: NodeId, term: number, log: LogView): void {
    const known = this.leaderByTerm.get(term);
    if (known === node) return;
    if (known !== undefined) fail('election safety', `${known} and ${node} are both leaders of term ${term}`);
    this.leaderByTerm.set(term, node);
    for (let index = log.firstIndex; index <= log.lastIndex; index++) {
      const entry = log.entryAt(index);
      if (entry === undefined) throw new Error(`${node}'s log has no entry at ${index} inside [${log.firstIndex}, ${log.lastIndex}]`);
      const record = this.entryByIndexTerm.get(`${entry.index}:${entry.term}`);
      if (record === undefined) fail('log matching', `leader ${node} holds entry ${index}/${entry.term} that no Ready handed out`);
      this.matchEntry(node, entry, log, record);
    }
    this.checkCompleteness(node, term, log);
  }

  private checkCompleteness(node: NodeId, term: number, log: LogView): void {
    for (let index = Math.max(1, log.firstIndex); index <= this.committedMax; index++) {
      const record = this.committed[index];
      if (record === undefined || record.commitTerm >= term) continue;
      const held = log.termAt(index);
      if (held !== record.term) {
        fail(
          'leader completeness',
          `new leader ${node} of term ${term} holds term ${held} at ${index}, committed with term ${record.term}`,
        );
      }
    }
  }

  /** Log matching for entries a node just wrote: same (index, term) means same entry and same predecessor. */
  observeEntriesWritten(node: NodeId, entries: readonly Entry[], log: LogView): void {
    for (const entry of entries) {
      const key = `${entry.index}:${entry.term}`;
      const record = this.entryByIndexTerm.get(key);
      if (record === undefined) {
        this.entryByIndexTerm.set(key, { node, content: entryContent(entry), prevTerm: termBefore(entry, log) });
      } else {
        this.matchEntry(node, entry, log, record);
      }
    }
  }

  /** Same (index, term) as a known entry: same content, and the same term just before it. */
  private matchEntry(node: NodeId, entry: Entry, log: LogView, record: EntryRecord): void {
    if (record.content !== entryContent(entry)) {
      fail('log matching', `${node} and ${record.node} hold different entries at index ${entry.index} term ${entry.term}`);
    }
    const prevTerm = termBefore(entry, log);
    if (record.prevTerm === undefined) record.prevTerm = prevTerm;
    else if (prevTerm !== undefined && prevTerm !== record.prevTerm) {
      fail('log matching', `entry ${entry.index}/${entry.term} follows term ${prevTerm} on ${node} but term ${record.prevTerm} on ${record.node}`);
    }
  }

  /** A node's commit index moved from `fromIndex` to `toIndex`: those entries are now committed for good. */
  observeCommit(node: NodeId, nodeTerm: number, fromIndex: number, toIndex: number, log: LogView): void {
    if (toIndex > log.lastIndex) fail('commit bound', `${node} commits ${toIndex} beyond its last index ${log.lastIndex}`);
    for (let index = Math.max(fromIndex + 1, log.firstIndex); index <= toIndex; index++) {
      const term = log.termAt(index);
      if (term === undefined) continue;
      const record = this.committed[index];
      if (record === undefined) this.committed[index] = { term, commitTerm: nodeTerm };
      else if (record.term !== term) {
        fail('committed entries never change', `${node} commits term ${term} at ${index}, committed earlier with term ${record.term}`);
      }
    }
    this.committedMax = Math.max(this.committedMax, toIndex);
  }

  /** A client write with a payload unique in the run was proposed on a node in `term`. */
  writeProposed(payload: string, term: number): void {
    if (this.proposedInTerm.has(payload)) throw new Error(`payload ${payload} proposed twice`);
    this.proposedInTerm.set(payload, term);
  }

  /**
   * State-machine safety: no two nodes apply different entries at one index. Also, a write lands
   * in its proposer's term or not at all: the failover logic re-proposes a write once a later
   * term's first entry applies without it, which is only safe if the old one can never commit.
   */
  observeApplied(node: NodeId, entry: Entry, chainHash: number): void {
    const content = `${entry.term}|${entryContent(entry)}`;
    const known = this.appliedContent[entry.index];
    if (known === undefined) {
      this.appliedContent[entry.index] = content;
      this.chainAfter[entry.index] = chainHash;
      const proposedTerm = this.proposedInTerm.get(payloadOf(entry));
      if (proposedTerm !== undefined && proposedTerm !== entry.term) {
        fail('proposal term', `write ${payloadOf(entry)} proposed in term ${proposedTerm} was committed at ${entry.index} in term ${entry.term}`);
      }
      return;
    }
    if (known !== content) fail('state machine safety', `${node} applies '${content}' at ${entry.index}, another node applied '${known}'`);
    if (this.chainAfter[entry.index] !== chainHash) {
      fail('state machine safety', `${node} reaches a different state than its peers after applying ${entry.index}`);
    }
  }

  /** A snapshot must carry the same state the replicas reached by applying entries up to its index. */
  observeSnapshotApplied(node: NodeId, index: number, chainHash: number): void {
    const known = this.chainAfter[index];
    if (known === undefined) this.chainAfter[index] = chainHash;
    else if (known !== chainHash) fail('state machine safety', `${node} installs a snapshot at ${index} whose state differs from its peers'`);
  }

  /** A client's write was acknowledged at `index`: every read that starts later must see it. */
  observeAcknowledged(index: number): void {
    this.ackedIndexMax = Math.max(this.ackedIndexMax, index);
  }

  readStarted(context: string): void {
    if (this.readBound.has(context)) throw new Error(`read context ${context} used twice`);
    this.readBound.set(context, this.ackedIndexMax);
  }

  /** Linearizable reads: the read index covers every write acknowledged before the read began. */
  readServed(node: NodeId, context: string, readIndex: number): void {
    const bound = this.readBound.get(context);
    if (bound === undefined) fail('read index', `${node} serves a read ${context} that no client started`);
    if (readIndex < bound) {
      fail('read index', `${node} serves read ${context} at index ${readIndex}, but a write was acknowledged at ${bound} before it began`);
    }
  }
}

function fail(invariant: string, details: string): never {
  throw new InvariantViolation(invariant, details);
}

function termBefore(entry: Entry, log: LogView): number | undefined {
  return entry.index === 1 ? 0 : log.termAt(entry.index - 1);
}

function payloadOf(entry: Entry): string {
  return Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength).toString('latin1');
}

function entryContent(entry: Entry): string {
  return `${entry.type}:${payloadOf(entry)}`;
}
