// One Raft member's event loop: it wraps the pure core with real effects. Each turn it takes
// the core's Ready, appends to the write-ahead log (group commit: one fdatasync covers every
// Ready written while the previous sync ran), sends messages, applies committed commands to the
// state machine, answers the requests that proposed them, and serves ReadIndex reads.

import hyperid from 'hyperid';
import { RaftCore, type ProposeError } from '../raft/core.js';
import { Role, type Entry, type Message, type ReadState, type Ready, type Snapshot, roleNames } from '../raft/types.js';
import { contextKey } from '../raft/read-index.js';
import type { PeerTransport } from '../transport/peer-transport.js';
import type { WriteAheadLog } from '../wal/wal.js';
import type { NodeLogger } from './logger.js';
import { encodeCommandFrame, frameCommand, frameRequestNumber, RequestIds, type CommandEncoder } from './command-frame.js';
import type { StateMachine } from './state-machine.js';
import { DeferredSendPacer } from './deferred-send-pacer.js';

type NodeErrorCode = 'timeout' | 'stopped' | 'too-busy';

/** Why a request could not be served; the API turns these into etcd errors. */
export class NodeError extends Error {
  constructor(
    readonly code: NodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

/** Sees every message a node sends and receives (the member's traffic statistics). */
export interface MessageObserver {
  sent(message: Message): void;
  /** `sizeBytes`: the message's encoded size, as the transport received it. */
  received(message: Message, sizeBytes: number): void;
}

export interface RaftNodeOptions<Result> {
  core: RaftCore;
  wal: WriteAheadLog;
  transport: PeerTransport;
  stateMachine: StateMachine<Result>;
  /** Wall-clock length of one core tick. */
  tickMs: number;
  /** Applied entries between two snapshots (the log is compacted at each). */
  snapshotEveryEntries: number;
  logger: NodeLogger;
  onRoleChange?(role: Role, leader: string, term: number): void;
  onFatal?(error: Error): void;
  observer?: MessageObserver;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
  /** On performance.now(); tick() rejects the request once it has passed. */
  deadlineMs: number;
  /** What the core is handed: the command frame to propose, or the context of a read. */
  payload: Uint8Array;
  /** A ReadIndex read (RaftCore.readIndex), not a proposal (RaftCore.propose). */
  isRead: boolean;
  /** The core refused the last attempt (no leader yet): tick() tries again. */
  refused: boolean;
  /** This node's term when the core last took the request. */
  term: number;
}

/** A Ready's after-persist duties, released when the WAL is durable up to `seq`. */
interface PersistDuty {
  seq: number;
  messages: Message[];
  index: number;
  term: number;
}

/** Requests waiting for an answer at the most; more are refused (back-pressure). */
const PENDING_REQUESTS_MAX = 100_000;
/**
 * How soon, at the soonest, a leader looks again at what it held back: a new commit index, which
 * the next append carries under load, and entries for followers off the commit path (see
 * RaftCore.sendDeferred, and DeferredSendPacer, which decides at each look whether to send and
 * when the next look could decide anything).
 */
const DEFERRED_SEND_CHECK_MS = 1;

export class RaftNode<Result> {
  readonly core: RaftCore;
  private readonly options: RaftNodeOptions<Result>;
  private readonly log: NodeLogger;
  private readonly nextId = hyperid({ urlSafe: true });
  private readonly requestIds = new RequestIds();
  /** Proposals waiting to be applied, by request number (their ids' proposer is this node). */
  private readonly proposals = new Map<number, Waiter<Result>>();
  private readonly reads = new Map<string, Waiter<void>>();
  /** Both kinds of waiters, for the sweeps that treat them alike. */
  private readonly waiterMaps = [this.proposals, this.reads] as readonly Map<unknown, Waiter<unknown>>[];
  /** ReadIndex answers whose index is not applied yet, in increasing index order. */
  private readsAwaitingApply: { index: number; key: string }[] = [];
  private duties: PersistDuty[] = [];
  private dutiesHead = 0;
  private lastSyncedWriteSeq = 0;
  /**
   * A follower's committed entries held back while the fdatasync of the Ready that brought them
   * is still to run on this thread (see handleReady); applied, in order, before anything else is.
   */
  private entriesAfterSync: Entry[][] = [];
  /** The last index applied to the state machine (the core's count includes entriesAfterSync). */
  private appliedThrough: number;
  /** The WAL's answer to the last sync asked for: its group commit hands one promise to every request a flush covers. */
  private awaitedSync: Promise<number> | null = null;
  private driveScheduled = false;
  /** A received snapshot is being saved; the loop waits for it before writing anything else. */
  private installingSnapshot = false;
  private snapshotSaving = false;
  /** Snapshot saves run one at a time (the WAL refuses overlapping ones): each waits for the last. */
  private snapshotChain: Promise<void> = Promise.resolve();
  private lastSnapshotIndex = 0;
  private installedSnapshotCount = 0;
  private ticker: NodeJS.Timeout | null = null;
  private deferredSendTimer: NodeJS.Timeout | null = null;
  private readonly deferredSendPacer = new DeferredSendPacer();
  private stopped = false;
  /** A rehearsal threw once: no more are run (see rehearseNextApply). */
  private rehearsalFailed = false;
  private lastRole: Role;
  private lastLeader: string;

  constructor(options: RaftNodeOptions<Result>) {
    this.options = options;
    this.core = options.core;
    this.log = options.logger;
    this.lastRole = this.core.role;
    this.lastLeader = this.core.leader;
    this.lastSnapshotIndex = this.core.latestSnapshot()?.meta.index ?? 0;
    this.appliedThrough = this.core.appliedIndex;
    options.transport.onReceive = (m, sizeBytes) => this.step(m, sizeBytes);
    options.transport.onHeldFrameDelivered = () => this.driveNow();
  }

  start(): void {
    this.ticker = setInterval(() => this.tick(), this.options.tickMs);
    this.schedule();
  }

  get appliedIndex(): number {
    return this.appliedThrough;
  }

  /**
   * Rehearses the apply of the oldest command proposed here and not yet applied: the one whose
   * commit comes next. For a thread about to be handed a message after a rest (the precise
   * timers' rested spin): behind 40 ms links the leader's apply took 0.062 ms at the median when
   * the acknowledgement came, 0.024 ms after such a rehearsal. Does nothing without a pending
   * proposal or a state machine that can rehearse. A rehearsal only warms caches, so one that
   * throws (a bug in it) is logged and ends rehearsals; it never reaches the caller.
   */
  rehearseNextApply(): void {
    const rehearse = this.options.stateMachine.rehearse;
    if (rehearse === undefined || this.proposals.size === 0 || this.stopped || this.rehearsalFailed) return;
    const oldest = this.proposals.values().next().value as Waiter<Result>;
    try {
      rehearse.call(this.options.stateMachine, frameCommand(oldest.payload));
    } catch (error) {
      this.rehearsalFailed = true;
      this.log.warn({ err: error }, 'rehearsing an apply failed; this node rehearses no more');
    }
  }

  /** Commands proposed here whose commit and apply are still awaited. */
  get proposalsPending(): number {
    return this.proposals.size;
  }

  /** Snapshots received from a leader and installed (a follower too far behind for the log). */
  get snapshotsInstalled(): number {
    return this.installedSnapshotCount;
  }

  step(message: Message, sizeBytes: number): void {
    if (this.stopped) return;
    this.options.observer?.received(message, sizeBytes);
    this.core.step(message);
    this.schedule();
  }

  campaign(): void {
    this.core.campaign();
    this.schedule();
  }

  transferLeadership(to: string): ProposeError | null {
    const refused = this.core.transferLeadership(to);
    this.schedule();
    return refused;
  }

  /**
   * Proposes `command`, which `encode` writes (into the room it leaves for the frame header),
   * and resolves with the state machine's result once it is committed (on a quorum's disks) and
   * applied here. Without a leader it keeps trying until the timeout.
   */
  propose<Command>(encode: CommandEncoder<Command>, command: Command, timeoutMs: number): Promise<Result> {
    return new Promise((resolve, reject) => this.proposeThen(encode, command, timeoutMs, resolve, reject));
  }

  /**
   * propose() for a caller that answers at once: `applied` is called from the apply loop, as the
   * command is applied, not a microtask later, after the rest of the Ready and whatever called
   * the drive (behind 40 ms links, a precise timer re-arming) have run: 0.035–0.06 ms of a
   * write's answer. `failed` gets what propose() would reject with, possibly before this
   * returns. Neither should throw; what they throw is logged and goes no further.
   */
  proposeThen<Command>(
    encode: CommandEncoder<Command>,
    command: Command,
    timeoutMs: number,
    applied: (result: Result) => void,
    failed: (error: Error) => void,
  ): void {
    const requestNumber = this.requestIds.next();
    const frame = encodeCommandFrame(this.requestIds.proposer, requestNumber, encode, command);
    this.addWaiter(this.proposals, requestNumber, timeoutMs, frame, false, applied, failed);
  }

  /** Resolves once this node has applied everything committed before the call (ReadIndex). */
  linearizableRead(timeoutMs: number): Promise<void> {
    const context = Buffer.from(this.nextId());
    return new Promise((resolve, reject) => this.addWaiter(this.reads, contextKey(context), timeoutMs, context, true, resolve, reject));
  }

  /**
   * Registers a waiter under `key` and hands `payload` to the core until it accepts it (no
   * leader yet: retry every tick) or the deadline passes. Deadlines and retries are kept by
   * tick(), not by timers of each request's own: a request then allocates no timer and no
   * closure of its own on the write path, and times out within a tick of its deadline.
   */
  private addWaiter<Key, T>(
    waiters: Map<Key, Waiter<T>>,
    key: Key,
    timeoutMs: number,
    payload: Uint8Array,
    isRead: boolean,
    resolve: (value: T) => void,
    reject: (error: Error) => void,
  ): void {
    if (this.stopped) return this.settle(reject, new NodeError('stopped', 'node stopped'));
    if (this.proposals.size + this.reads.size >= PENDING_REQUESTS_MAX) {
      return this.settle(reject, new NodeError('too-busy', 'too many pending requests'));
    }
    const waiter: Waiter<T> = { resolve, reject, deadlineMs: performance.now() + timeoutMs, payload, isRead, refused: false, term: 0 };
    waiters.set(key, waiter);
    this.tryWaiter(waiter);
  }

  /** Hands a request its outcome; a caller's callback that throws is logged, never thrown into the node. */
  private settle<T>(callback: (value: T) => void, value: T): void {
    try {
      callback(value);
    } catch (error) {
      this.log.error({ err: error }, 'a request callback threw');
    }
  }

  private tryWaiter(waiter: Waiter<unknown>): void {
    waiter.term = this.core.term;
    // Refused (no leader yet, transfer under way, back-pressure): tick() tries again.
    const refusal = waiter.isRead ? this.core.readIndex(waiter.payload) : this.core.propose(waiter.payload);
    waiter.refused = refusal !== null;
    if (!waiter.refused) this.schedule();
  }

  /** Rejects the requests whose deadline has passed and tries the refused ones again. */
  private sweepWaiters(): void {
    const nowMs = performance.now();
    for (const waiters of this.waiterMaps) {
      for (const [key, waiter] of waiters) {
        if (nowMs >= waiter.deadlineMs) {
          waiters.delete(key);
          this.settle(waiter.reject, new NodeError('timeout', 'request timed out'));
        } else if (waiter.refused) {
          this.tryWaiter(waiter);
        }
      }
    }
  }

  /**
   * A new leader's empty entry of term T was applied. A proposal accepted in an earlier term and
   * still unanswered can never commit now (it is not in the log before that entry, and every
   * later entry comes from a leader of term >= T), so proposing it again cannot apply it twice.
   */
  private retryLostProposals(term: number): void {
    for (const waiter of this.proposals.values()) if (waiter.term < term) this.tryWaiter(waiter);
  }

  /** Reads are idempotent: after a leader change, ask the new leader for every pending one. */
  private retryReads(): void {
    for (const waiter of this.reads.values()) this.tryWaiter(waiter);
  }

  private tick(): void {
    this.sweepWaiters();
    this.core.tick();
    this.schedule();
  }

  private schedule(): void {
    if (this.driveScheduled || this.stopped) return;
    this.driveScheduled = true;
    // setImmediate, not a microtask: requests arriving in the same poll phase share one Ready.
    setImmediate(() => this.drive());
  }

  /**
   * Handles at once what a frame that waited for its arrival time brought: it comes on a precise
   * timer of its own, due now, so there is nothing to wait for (everything else reaches the loop
   * through schedule(), which lets one poll phase's requests and messages share a Ready).
   */
  private driveNow(): void {
    // The setImmediate schedule() queued finds nothing left to do.
    if (this.driveScheduled) this.drive();
  }

  private drive(): void {
    this.driveScheduled = false;
    if (this.stopped || this.installingSnapshot) return;
    try {
      while (this.core.hasReady()) {
        const rd = this.core.ready();
        if (rd.snapshot) {
          this.installSnapshot(rd);
          return;
        }
        this.handleReady(rd);
      }
      this.armDeferredSends();
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private armDeferredSends(): void {
    if (this.deferredSendTimer === null && !this.core.hasDeferredSends()) return;
    // Noted at every turn that may have moved them, so the waits count from when they moved.
    const nowMs = performance.now();
    const pacer = this.deferredSendPacer;
    pacer.observe(nowMs, this.core.lastIndex, this.core.commitIndex);
    if (this.deferredSendTimer !== null) return;
    const lookInMs = Math.max(DEFERRED_SEND_CHECK_MS, Math.ceil(pacer.nextDecisionAtMs() - nowMs));
    this.deferredSendTimer = setTimeout(() => this.onDeferredSendsDue(), lookInMs);
  }

  private onDeferredSendsDue(): void {
    this.deferredSendTimer = null;
    if (this.stopped) return;
    const core = this.core;
    const decision = this.deferredSendPacer.decide(performance.now(), core.lastIndex, core.commitIndex);
    if (decision !== 'hold') {
      // While entries flow, appends carry the commit index: only held-back entries go out then.
      core.sendDeferred(decision === 'idle');
      this.schedule();
    } else {
      // Nothing sent, so nothing for drive() to do: just look again in a moment.
      this.armDeferredSends();
    }
  }

  /** A snapshot from the leader must be durable before anything written after it. */
  private installSnapshot(rd: Ready): void {
    const snapshot = rd.snapshot!;
    // Entries older than the snapshot come first: restoring it must not be undone by them.
    this.applyHeldBack();
    this.installingSnapshot = true;
    this.log.info({ index: snapshot.meta.index, term: snapshot.meta.term }, 'installing snapshot from leader');
    this.saveSnapshotInTurn(snapshot).then(
      () => {
        this.installingSnapshot = false;
        this.options.stateMachine.restore(snapshot.data);
        this.appliedThrough = snapshot.meta.index;
        this.lastSnapshotIndex = snapshot.meta.index;
        this.installedSnapshotCount++;
        this.handleReady(rd);
        this.schedule();
      },
      (error: Error) => this.fail(error),
    );
  }

  private handleReady(rd: Ready): void {
    if (rd.softState) this.noteRole(rd.softState.role, rd.softState.leader);
    const { mustSync } = rd;
    // A Ready that makes nothing durable (a commit index moved, at most) applies first: a
    // leader's answers then leave before its hard state is encoded for the next flush and its
    // messages are sent (behind 40 ms links, 0.03 ms of each write's answer).
    if (!mustSync) this.applyCommitted(rd.committedEntries);
    if (rd.entries.length > 0 || rd.hardState !== null) {
      const seq = this.options.wal.append(rd.entries, rd.hardState);
      if (mustSync) this.lastSyncedWriteSeq = seq;
    }
    for (const m of rd.messages) this.send(m);
    // The leader's appends leave before its own write and fdatasync, which they need not wait for.
    if (mustSync && rd.messages.length > 0) this.options.transport.flush();
    this.duties.push({
      seq: this.lastSyncedWriteSeq,
      messages: rd.messagesAfterPersist,
      index: rd.persistedTo.index,
      term: rd.persistedTo.term,
    });
    if (!mustSync) {
      this.releaseDuties(this.options.wal.durableSeq);
    } else if (!this.requestSync() && rd.committedEntries.length > 0 && this.lastRole !== Role.Leader && this.options.wal.syncBlocksThread) {
      // This Ready's fdatasync runs on this thread in a later turn (it could not run at once: a
      // segment to cut first, or a flush under way), and the leader waits for the acknowledgement
      // it releases; the commands the leader has already committed can wait for the sync instead
      // (requestSync's callback applies them after sending the acks).
      this.entriesAfterSync.push(rd.committedEntries);
    } else {
      this.applyCommitted(rd.committedEntries);
    }
    for (const rs of rd.readStates) this.onReadState(rs);
    this.maybeSnapshot();
  }

  /**
   * Asks the WAL to make every write so far durable. Its group commit runs one flush at a time and
   * gives every request that the same flush serves the same promise: one callback per flush.
   * Returns true if the flush was over before the WAL returned (its fdatasync blocks this thread,
   * see WalDiskIo.flushNow): what it released has then left already.
   */
  private requestSync(): boolean {
    // A leader's Ready may hold commands to apply and answer: they do not wait for its sync. A
    // follower sends its acknowledgement first, so its flush is done at once where it can be.
    const sync = this.options.wal.sync(this.lastRole !== Role.Leader);
    if (this.options.wal.durableSeq >= this.lastSyncedWriteSeq) {
      // A follower's acknowledgement leaves now, not after the promise hops of a flush that ends
      // in a later turn (stamped behind 40 ms links: 0.04 ms from the write to the fdatasync, 0.02
      // ms from its end to the release).
      this.releaseDuties(this.options.wal.durableSeq);
      this.options.transport.flush();
      return true;
    }
    if (sync === this.awaitedSync) return false;
    this.awaitedSync = sync;
    sync.then(
      (durableSeq) => {
        this.releaseDuties(durableSeq);
        // What the sync released (a follower's acknowledgements) leaves now, not after the
        // held-back applies: the leader's commit waits for it (an ack left 16 µs later otherwise).
        this.options.transport.flush();
        this.applyHeldBack();
        this.schedule();
      },
      (error: Error) => this.fail(error),
    );
    return false;
  }

  /**
   * Sends after-persist messages and reports durability, strictly in Ready order. What the core
   * then has to do (a commit, a send) is picked up by the caller: drive()'s loop, or the sync
   * callback's schedule().
   */
  private releaseDuties(durableSeq: number): void {
    while (this.dutiesHead < this.duties.length && this.duties[this.dutiesHead]!.seq <= durableSeq) {
      const duty = this.duties[this.dutiesHead++]!;
      for (const m of duty.messages) this.send(m);
      this.core.persisted(duty.index, duty.term);
    }
    if (this.dutiesHead === this.duties.length) {
      this.duties = [];
      this.dutiesHead = 0;
    }
  }

  private send(message: Message): void {
    this.options.observer?.sent(message);
    this.options.transport.send(message);
  }

  /** Applies what was held back for a sync, then `entries`. */
  private applyCommitted(entries: Entry[]): void {
    this.applyHeldBack();
    this.apply(entries);
  }

  /** Applies the entries held back for a sync (see handleReady), oldest first. */
  private applyHeldBack(): void {
    if (this.entriesAfterSync.length === 0) return;
    const held = this.entriesAfterSync;
    this.entriesAfterSync = [];
    for (const entries of held) this.apply(entries);
  }

  private apply(entries: Entry[]): void {
    for (const entry of entries) {
      // A new leader's empty entry carries no command.
      if (entry.data.length === 0) {
        this.retryLostProposals(entry.term);
        continue;
      }
      const result = this.options.stateMachine.apply(frameCommand(entry.data), entry.index);
      // A member that proposed nothing (a follower, mostly) has no id to decode.
      if (this.proposals.size === 0) continue;
      const requestNumber = frameRequestNumber(entry.data, this.requestIds.proposer);
      const waiter = this.proposals.get(requestNumber);
      if (waiter) {
        this.proposals.delete(requestNumber);
        this.settle(waiter.resolve, result);
      }
    }
    if (entries.length > 0) {
      this.appliedThrough = entries[entries.length - 1]!.index;
      this.releaseReads();
    }
  }

  private onReadState(rs: ReadState): void {
    const key = contextKey(rs.context);
    if (!this.reads.has(key)) return;
    const list = this.readsAwaitingApply;
    // Answers arrive in index order almost always; keep the list sorted regardless.
    let at = list.length;
    while (at > 0 && list[at - 1]!.index > rs.index) at--;
    list.splice(at, 0, { index: rs.index, key });
    this.releaseReads();
  }

  private releaseReads(): void {
    const applied = this.appliedThrough;
    let released = 0;
    for (const read of this.readsAwaitingApply) {
      if (read.index > applied) break;
      released++;
      const waiter = this.reads.get(read.key);
      if (waiter === undefined) continue;
      this.reads.delete(read.key);
      this.settle(waiter.resolve, undefined);
    }
    if (released > 0) this.readsAwaitingApply = this.readsAwaitingApply.slice(released);
  }

  private maybeSnapshot(): void {
    const applied = this.appliedThrough;
    if (this.snapshotSaving || applied - this.lastSnapshotIndex < this.options.snapshotEveryEntries) return;
    this.snapshotSaving = true;
    this.core.compact(applied, this.options.stateMachine.snapshot());
    const snapshot = this.core.latestSnapshot()!;
    this.lastSnapshotIndex = snapshot.meta.index;
    this.saveSnapshotInTurn(snapshot).then(
      () => {
        this.snapshotSaving = false;
        this.log.info({ index: snapshot.meta.index }, 'snapshot saved');
      },
      (error: Error) => this.fail(error),
    );
  }

  private saveSnapshotInTurn(snapshot: Snapshot): Promise<void> {
    const saved = this.snapshotChain.then(() => this.options.wal.saveSnapshot(snapshot));
    this.snapshotChain = saved.catch(() => {});
    return saved;
  }

  private noteRole(role: Role, leader: string): void {
    if (role === this.lastRole && leader === this.lastLeader) return;
    this.lastRole = role;
    this.lastLeader = leader;
    this.log.info({ role: roleNames[role], leader, term: this.core.term }, 'role changed');
    // A leader's thread serves clients while its own fdatasync runs ('auto' sync mode).
    this.options.wal.syncOffThread(role === Role.Leader);
    if (leader !== '') this.retryReads();
    this.options.onRoleChange?.(role, leader, this.core.term);
  }

  /** A failed fsync or a broken invariant: this node must not go on (its disk state is unknown). */
  private fail(error: Error): void {
    if (this.stopped) return;
    this.log.error({ err: error }, 'node failed');
    this.stop();
    this.options.onFatal?.(error);
  }

  /** Stops ticking and answers every waiting request with an error; the caller closes the WAL. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.deferredSendTimer) clearTimeout(this.deferredSendTimer);
    for (const waiters of this.waiterMaps) {
      for (const waiter of waiters.values()) this.settle(waiter.reject, new NodeError('stopped', 'node stopped'));
      waiters.clear();
    }
  }
}
