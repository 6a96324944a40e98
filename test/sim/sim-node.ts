// One simulated member: a RaftCore, its simulated disk and its hash-chain state machine, and the
// host loop that carries out every Ready exactly as the contract in types.ts demands (persist,
// send, send-after-persist once durable, apply, serve reads). A crash drops everything volatile;
// a restart rebuilds the core from what the disk made durable.

import { RaftCore, type ProposeError } from '../../src/raft/core.js';
import { Role, type Message, type NodeId, type RaftConfig, type ReadState, type Ready } from '../../src/raft/types.js';
import { ChainStateMachine } from './chain-state-machine.js';
import type { InvariantChecker } from './invariants.js';
import { SimDisk, type WriteContent } from './sim-disk.js';
import { describeReady } from './trace.js';

/** What the node needs from the simulated world around it. */
export interface NodeHost {
  readonly nowMs: number;
  readonly checker: InvariantChecker;
  /** Where trace lines go, or null when tracing is off. */
  readonly trace: ((line: string) => void) | null;
  /** Sends a message emitted by `sender` (a forwarded request keeps its original `from`). */
  send(sender: NodeId, message: Message): void;
  /** A write was queued that becomes durable at `completeAtMs`. */
  diskWriteQueued(node: NodeId, incarnation: number, completeAtMs: number): void;
  diskLatencyMs(node: NodeId): number;
  /** A client write proposed on `node` was applied there, at `index`. */
  writeAcknowledged(node: NodeId, index: number): void;
  readServed(node: NodeId, context: string, index: number): void;
  snapshotTaken(node: NodeId): void;
}

export interface NodeLimits {
  /** Take a snapshot and compact each time this many entries were applied since the last one (0: never). */
  compactEveryEntries: number;
  pendingWritesMax: number;
  /**
   * Client writes (and, separately, reads) one node keeps waiting; beyond it the oldest client
   * gives up, so its request is never acknowledged (a lost proposal must not pile up forever).
   */
  clientRequestsMax: number;
}

interface AfterWrite {
  messages: Message[];
  /** Null for the host's own snapshot writes, which the core does not wait for. */
  persistedTo: { index: number; term: number } | null;
}

/** A core that keeps producing Readies without any input is broken: stop after this many. */
const READY_ROUNDS_MAX = 1000;

export class SimNode {
  private current: RaftCore | null = null;
  private machine = ChainStateMachine.empty();
  private readonly disk: SimDisk<AfterWrite>;
  private incarnationNumber = 0;
  private commitSeen = 0;
  private compactedAt = 0;
  /** Client writes proposed here (by payload) that this node has not yet applied. */
  private readonly writesWaiting = new Set<string>();
  /** Read states waiting for the state machine to reach their index. */
  private readsWaiting: { index: number; context: string }[] = [];

  constructor(
    readonly id: NodeId,
    private readonly host: NodeHost,
    private readonly limits: NodeLimits,
  ) {
    this.disk = new SimDisk<AfterWrite>(limits.pendingWritesMax);
  }

  get alive(): boolean {
    return this.current !== null;
  }

  /** The running core; asking for it on a crashed node is a harness bug. */
  get core(): RaftCore {
    if (this.current === null) throw new Error(`node ${this.id} is down`);
    return this.current;
  }

  get incarnation(): number {
    return this.incarnationNumber;
  }

  get appliedIndex(): number {
    return this.machine.appliedIndex;
  }

  /** Starts (or restarts) the node from exactly what its disk holds. */
  start(config: RaftConfig): void {
    if (this.current !== null) throw new Error(`node ${this.id} is already running`);
    const restore = this.disk.restoreState();
    this.current = new RaftCore(config, restore);
    this.machine = restore.snapshot ? ChainStateMachine.fromSnapshot(restore.snapshot.data) : ChainStateMachine.empty();
    this.compactedAt = this.machine.appliedIndex;
    this.commitSeen = 0;
    this.drive();
  }

  /** Power loss: unsynced writes, the core and the state machine's memory are gone (see SimDisk.crash). */
  crash(lyingDisk = false): void {
    if (this.current === null) throw new Error(`node ${this.id} is already down`);
    this.current = null;
    this.incarnationNumber++;
    this.disk.crash(lyingDisk);
    this.writesWaiting.clear();
    this.readsWaiting = [];
  }

  tick(): void {
    this.core.tick();
    // The real host sends held-back appends and commit notices about a millisecond later; here, once per tick.
    this.core.sendDeferred(true);
    this.drive();
  }

  step(message: Message): void {
    this.core.step(message);
    this.drive();
  }

  /** Proposes a client write whose payload is unique in the run; it is acknowledged once applied here. */
  propose(payload: string): ProposeError | null {
    const term = this.core.term;
    const refused = this.core.propose(new TextEncoder().encode(payload));
    if (refused === null) {
      this.host.checker.writeProposed(payload, term);
      // A Set iterates in insertion order, so its first value is the client waiting longest.
      const oldest = this.writesWaiting.values().next();
      if (this.writesWaiting.size >= this.limits.clientRequestsMax && !oldest.done) this.writesWaiting.delete(oldest.value);
      this.writesWaiting.add(payload);
    }
    this.drive();
    return refused;
  }

  /** Starts a linearizable read whose context is unique in the run. */
  readIndex(context: string): ProposeError | null {
    const refused = this.core.readIndex(new TextEncoder().encode(context));
    if (refused === null) this.host.checker.readStarted(context);
    this.drive();
    return refused;
  }

  transferLeadership(to: NodeId): ProposeError | null {
    const refused = this.core.transferLeadership(to);
    this.drive();
    return refused;
  }

  campaign(): void {
    this.core.campaign();
    this.drive();
  }

  /** The oldest pending disk write became durable. */
  diskWriteDone(): void {
    const after = this.disk.completeNext(this.host.nowMs);
    for (const m of after.messages) this.host.send(this.id, m);
    if (after.persistedTo !== null) this.core.persisted(after.persistedTo.index, after.persistedTo.term);
    this.drive();
  }

  private drive(): void {
    const core = this.core;
    for (let rounds = 0; core.hasReady(); rounds++) {
      if (rounds >= READY_ROUNDS_MAX) throw new Error(`${this.id}: core still has a Ready after ${rounds} rounds`);
      this.handleReady(core.ready());
    }
    this.observe(core);
  }

  private handleReady(rd: Ready): void {
    const core = this.core;
    this.host.trace?.(`${this.host.nowMs}ms ${this.id} ready ${describeReady(rd)}`);
    if (rd.entries.length > 0) this.host.checker.observeEntriesWritten(this.id, rd.entries, core);
    if (rd.snapshot !== null || rd.entries.length > 0 || rd.hardState !== null || rd.messagesAfterPersist.length > 0) {
      const content = { snapshot: rd.snapshot, entries: rd.entries, hardState: rd.hardState };
      const after = { messages: rd.messagesAfterPersist, persistedTo: rd.persistedTo };
      this.queueWrite(content, after);
    }
    for (const m of rd.messages) this.host.send(this.id, m);
    this.apply(rd);
    for (const rs of rd.readStates) this.queueRead(rs);
    this.serveReads();
    this.maybeCompact(core);
  }

  private queueWrite(content: WriteContent, after: AfterWrite): void {
    const completeAtMs = this.disk.write(content, after, this.host.nowMs, this.host.diskLatencyMs(this.id));
    this.host.diskWriteQueued(this.id, this.incarnationNumber, completeAtMs);
  }

  private apply(rd: Ready): void {
    if (rd.snapshot !== null) {
      const { index } = rd.snapshot.meta;
      if (index <= this.machine.appliedIndex) {
        throw new Error(`${this.id} is handed a snapshot at ${index} but has applied ${this.machine.appliedIndex}`);
      }
      const restored = ChainStateMachine.fromSnapshot(rd.snapshot.data);
      if (restored.appliedIndex !== index) throw new Error(`snapshot meta index ${index} but its state is at ${restored.appliedIndex}`);
      this.machine = restored;
      this.host.checker.observeSnapshotApplied(this.id, index, restored.hash);
    }
    for (const entry of rd.committedEntries) {
      this.machine.apply(entry);
      this.host.checker.observeApplied(this.id, entry, this.machine.hash);
      if (this.writesWaiting.size === 0 || entry.data.length === 0) continue;
      const payload = new TextDecoder().decode(entry.data);
      if (this.writesWaiting.delete(payload)) this.host.writeAcknowledged(this.id, entry.index);
    }
  }

  private queueRead(rs: ReadState): void {
    const context = new TextDecoder().decode(rs.context);
    if (this.readsWaiting.length >= this.limits.clientRequestsMax) this.readsWaiting.shift();
    this.readsWaiting.push({ index: rs.index, context });
  }

  private serveReads(): void {
    if (this.readsWaiting.length === 0) return;
    const applied = this.machine.appliedIndex;
    const stillWaiting = [];
    for (const read of this.readsWaiting) {
      if (read.index > applied) {
        stillWaiting.push(read);
        continue;
      }
      this.host.checker.readServed(this.id, read.context, read.index);
      this.host.readServed(this.id, read.context, read.index);
    }
    this.readsWaiting = stillWaiting;
  }

  /** The application snapshots its state now and then, so lagging followers need InstallSnapshot. */
  private maybeCompact(core: RaftCore): void {
    const every = this.limits.compactEveryEntries;
    const applied = this.machine.appliedIndex;
    if (every === 0 || applied - this.compactedAt < every) return;
    const term = core.termAt(applied);
    if (term === undefined) throw new Error(`${this.id} applied ${applied} but its log has no term for it`);
    const data = this.machine.snapshot();
    core.compact(applied, data);
    this.compactedAt = applied;
    const snapshot = { meta: { index: applied, term, voters: [...core.voters] }, data };
    this.queueWrite({ snapshot, entries: [], hardState: null }, { messages: [], persistedTo: null });
    this.host.snapshotTaken(this.id);
  }

  /** Election safety, leader completeness and commit stability after every step. */
  private observe(core: RaftCore): void {
    if (core.role === Role.Leader) this.host.checker.observeLeader(this.id, core.term, core);
    const commit = core.commitIndex;
    if (commit < this.commitSeen) throw new Error(`${this.id} commit index went back from ${this.commitSeen} to ${commit}`);
    if (commit > this.commitSeen) {
      this.host.checker.observeCommit(this.id, core.term, this.commitSeen, commit, core);
      this.commitSeen = commit;
    }
  }
}
