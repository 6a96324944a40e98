// The Raft consensus core: a pure, deterministic state machine in the style of etcd's raft
// library. It takes ticks, messages and proposals, and hands back (through `ready()`) what to
// persist, what to send and what to apply. No I/O, no clock, no randomness but its seed.

import { Prng } from '../util/prng.js';
import { RaftLog } from './raft-log.js';
import { ReadIndexQueue, type PendingRead } from './read-index.js';
import { Progress, ReplicationState } from './progress.js';
import { Tracker } from './tracker.js';
import {
  EMPTY_BYTES,
  EntryType,
  MessageType,
  Role,
  emptyMessage,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type RaftConfig,
  type RaftRestoreState,
  type ReadState,
  type Ready,
  type Snapshot,
  type SoftState,
} from './types.js';

/** Why a proposal, read or transfer was refused; the caller may retry elsewhere or later. */
export type ProposeError = 'no-leader' | 'transferring' | 'too-many-uncommitted' | 'not-leader' | 'too-many-reads';

/** Marks the Vote requests of a campaign started by TimeoutNow, which voters grant even inside a lease. */
const TRANSFER_CONTEXT = new Uint8Array([0x74]);
/** Committed entries handed out in one Ready at the most (the rest follow in the next one). */
const APPLY_BATCH_ENTRIES_MAX = 4096;
/** ReadIndex requests pending on a leader at the most. */
const PENDING_READS_MAX = 65_536;

export interface RaftStatus {
  id: NodeId;
  role: Role;
  term: number;
  leader: NodeId;
  commit: number;
  applied: number;
  lastIndex: number;
  voters: readonly NodeId[];
  /** On a leader: every member's match/next/state. */
  progress: Record<NodeId, { match: number; next: number; state: ReplicationState }>;
}

export class RaftCore {
  readonly id: NodeId;
  private readonly config: RaftConfig;
  private readonly prng: Prng;
  private readonly log = new RaftLog();
  private readonly tracker: Tracker;
  private readonly reads = new ReadIndexQueue(PENDING_READS_MAX);

  private currentTerm = 0;
  private vote: NodeId = '';
  private currentRole = Role.Follower;
  private currentLeader: NodeId = '';
  /** The member a leadership transfer is handing over to, or ''. */
  private transferee: NodeId = '';
  /** ReadIndex requests a new leader holds until it has committed an entry of its term. */
  private readsBeforeFirstCommit: PendingRead[] = [];
  /** Leader: reads came in since the last Ready; its heartbeat carries the newest one's context. */
  private readHeartbeatDue = false;
  /** On a leader: the index of the empty entry it appended when elected. */
  private termStartIndex = 0;
  /** The last snapshot taken or received, kept to send to followers that are too far behind. */
  private snapshot: Snapshot | null = null;

  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;

  // Effects accumulated until the next ready().
  private messages: Message[] = [];
  private messagesAfterPersist: Message[] = [];
  /**
   * Leader: peers owed an append (new entries, room in their window, or a commit index they
   * have not heard). Sent once per Ready, so a burst of proposals or answers handled in one
   * turn becomes one message per peer instead of one per proposal.
   */
  private readonly appendsDue = new Set<NodeId>();
  /** Leader: the commit index last sent to each peer. */
  private readonly commitSent = new Map<NodeId, number>();
  /** Leader: the last index each peer's forwarded proposals were appended at. */
  private readonly forwardedTo = new Map<NodeId, number>();
  /** Leader: followers off the commit path whose new entries wait for sendDeferred(). */
  private readonly deferredPeers = new Set<NodeId>();
  /** Follower: this turn's proposals travel to the leader in one message. */
  private pendingForward: Message | null = null;
  private readStates: ReadState[] = [];
  private lastHardState: HardState;
  private lastSoftState: SoftState;

  constructor(config: RaftConfig, restore: RaftRestoreState | null = null) {
    RaftCore.validateConfig(config);
    this.id = config.id;
    this.config = config;
    this.prng = new Prng(config.seed);
    const voters = restore?.snapshot ? restore.snapshot.meta.voters : config.voters;
    this.tracker = new Tracker(voters);
    if (restore) this.restoreDurable(restore);
    this.lastHardState = this.hardState();
    this.lastSoftState = this.softState();
    this.becomeFollower(this.currentTerm, '');
  }

  private static validateConfig(config: RaftConfig): void {
    if (config.id === '') throw new Error('raft config: id must not be empty');
    if (config.heartbeatTicks < 1) throw new Error('raft config: heartbeatTicks must be >= 1');
    if (config.electionTicks <= config.heartbeatTicks) {
      throw new Error('raft config: electionTicks must be greater than heartbeatTicks');
    }
    if (config.maxInflightAppends < 1) throw new Error('raft config: maxInflightAppends must be >= 1');
    if (config.maxAppendBytes < 1) throw new Error('raft config: maxAppendBytes must be >= 1');
  }

  private restoreDurable(restore: RaftRestoreState): void {
    this.log.restoreDurable(restore.snapshot, restore.entries, restore.hardState.commit);
    this.currentTerm = restore.hardState.term;
    this.vote = restore.hardState.vote;
    this.snapshot = restore.snapshot;
  }

  // ---- Read-only views -------------------------------------------------------------------

  get role(): Role {
    return this.currentRole;
  }
  get term(): number {
    return this.currentTerm;
  }
  get leader(): NodeId {
    return this.currentLeader;
  }
  get commitIndex(): number {
    return this.log.committed;
  }
  get appliedIndex(): number {
    return this.log.applied;
  }
  get lastIndex(): number {
    return this.log.lastIndex;
  }
  get firstIndex(): number {
    return this.log.firstIndex;
  }
  get voters(): readonly NodeId[] {
    return this.tracker.voters;
  }
  entryAt(index: number): Entry | undefined {
    return this.log.entryAt(index);
  }
  termAt(index: number): number | undefined {
    return this.log.termAt(index);
  }

  status(): RaftStatus {
    const progress: RaftStatus['progress'] = {};
    if (this.currentRole === Role.Leader) {
      for (const [id, pr] of this.tracker.progress) progress[id] = { match: pr.match, next: pr.next, state: pr.state };
    }
    return {
      id: this.id,
      role: this.currentRole,
      term: this.currentTerm,
      leader: this.currentLeader,
      commit: this.log.committed,
      applied: this.log.applied,
      lastIndex: this.log.lastIndex,
      voters: this.tracker.voters,
      progress,
    };
  }

  // ---- Inputs from the host --------------------------------------------------------------

  /** Advances logical time by one tick. */
  tick(): void {
    if (this.currentRole === Role.Leader) this.tickLeader();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.tracker.isVoter(this.id) && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.startElection(false);
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.config.electionTicks) {
      this.electionElapsed = 0;
      if (this.config.checkQuorum && !this.tracker.quorumActiveAndReset(this.id)) {
        this.becomeFollower(this.currentTerm, '');
        return;
      }
      // A transfer that did not finish within an election timeout is abandoned.
      this.transferee = '';
    }
    this.retryLostSnapshots();
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat(this.reads.lastContext() ?? EMPTY_BYTES);
    }
  }

  /** A snapshot unanswered for two election timeouts was probably lost: probe again. */
  private retryLostSnapshots(): void {
    for (const pr of this.tracker.progress.values()) {
      if (pr.state !== ReplicationState.Snapshot) continue;
      if (++pr.snapshotTicks >= 2 * this.config.electionTicks) pr.becomeProbe();
    }
  }

  /** Starts an election now (the host's "campaign" button). */
  campaign(): void {
    if (this.currentRole !== Role.Leader) this.startElection(false);
  }

  /**
   * Proposes a command. On a follower it is forwarded to the leader, so acceptance here does
   * not mean it will commit: the host learns that by seeing it applied.
   */
  propose(data: Uint8Array): ProposeError | null {
    if (this.currentRole === Role.Leader) {
      const refused = this.proposalRefusal(1);
      if (refused !== null) return refused;
      this.log.appendLocal({ term: this.currentTerm, index: this.log.lastIndex + 1, type: EntryType.Normal, data });
      this.markAllPeersDue();
      return null;
    }
    if (this.currentLeader === '') return 'no-leader';
    const entry: Entry = { term: 0, index: 0, type: EntryType.Normal, data };
    const pending = this.pendingForward;
    if (pending !== null && pending.to === this.currentLeader && pending.logTerm === this.currentTerm) {
      pending.entries.push(entry);
      return null;
    }
    const forward = emptyMessage(MessageType.Propose, this.id, this.currentLeader, 0);
    forward.entries = [entry];
    // The leader appends it only in this term, so an entry's term is its proposer's term.
    forward.logTerm = this.currentTerm;
    this.messages.push(forward);
    this.pendingForward = forward;
    return null;
  }

  /**
   * Asks for a linearizable read point. A ReadState with this context appears in a later
   * Ready; contexts must be unique across the cluster (e.g. request ids).
   */
  readIndex(context: Uint8Array): ProposeError | null {
    if (this.currentRole === Role.Leader) return this.leaderReadIndex(this.id, context);
    if (this.currentLeader === '') return 'no-leader';
    const forward = emptyMessage(MessageType.ReadIndex, this.id, this.currentLeader, 0);
    forward.context = context;
    this.messages.push(forward);
    return null;
  }

  /** Hands leadership to `to` once its log is up to date (Raft §3.10). */
  transferLeadership(to: NodeId): ProposeError | null {
    if (this.currentRole !== Role.Leader) return 'not-leader';
    if (!this.tracker.isVoter(to)) throw new Error(`raft: cannot transfer leadership to non-voter ${to}`);
    if (to === this.id || to === this.transferee) return null;
    this.transferee = to;
    this.electionElapsed = 0;
    const pr = this.tracker.progress.get(to)!;
    if (pr.match === this.log.lastIndex) this.sendTimeoutNow(to);
    else this.sendAppend(to, true);
    return null;
  }

  /**
   * The application took a snapshot of its state at `index` (already applied): keep it for
   * followers that fall behind and drop log entries older than the catch-up window.
   */
  compact(index: number, data: Uint8Array): void {
    if (index > this.log.applied) throw new Error(`raft: snapshot at ${index} beyond applied ${this.log.applied}`);
    if (this.snapshot && index <= this.snapshot.meta.index) return;
    const term = this.log.termAt(index);
    if (term === undefined) throw new Error(`raft: snapshot at ${index}, whose term is unknown`);
    this.snapshot = { meta: { index, term, voters: [...this.tracker.voters] }, data };
    this.log.compactTo(Math.max(0, index - this.config.snapshotCatchUpEntries));
  }

  /** The last snapshot this core holds (taken locally or received). */
  latestSnapshot(): Snapshot | null {
    return this.snapshot;
  }

  /**
   * Leader: a follower outside the commit path holds back entries, or some peer has not been
   * told the current commit index. The host calls sendDeferred() about a millisecond later.
   */
  hasDeferredSends(): boolean {
    if (this.currentRole !== Role.Leader) return false;
    if (this.deferredPeers.size > 0) return true;
    for (const id of this.tracker.voters) if (id !== this.id && this.commitNoticeOwed(id)) return true;
    return false;
  }

  /**
   * Leader: sends every follower the entries held back for it, and when `idle` (no new entries
   * since the last call, so no append is about to carry it) the commit index to every follower
   * that has not heard it, so followers apply without waiting for a heartbeat.
   */
  sendDeferred(idle: boolean): void {
    this.deferredPeers.clear();
    if (this.currentRole !== Role.Leader) return;
    for (const id of this.tracker.voters) {
      if (id !== this.id) this.drainTo(id, idle && this.commitNoticeOwed(id));
    }
  }

  /** Sends `to` every entry it may have now; with none to send, an empty append when a commit notice is owed. */
  private drainTo(to: NodeId, noticeOwed: boolean): void {
    let sent = false;
    while (this.sendAppend(to, false)) sent = true;
    if (!sent && noticeOwed) this.sendAppend(to, true);
  }

  // ---- Outputs ---------------------------------------------------------------------------

  hasReady(): boolean {
    return (
      this.appendsDue.size > 0 ||
      this.readHeartbeatDue ||
      this.messages.length > 0 ||
      this.messagesAfterPersist.length > 0 ||
      this.readStates.length > 0 ||
      this.log.pendingSnapshot !== null ||
      this.log.unpersistedFrom <= this.log.lastIndex ||
      this.log.hasApplicable() ||
      this.hardStateChanged() ||
      this.softStateChanged()
    );
  }

  /** Compared field by field: hasReady() runs after every Ready and must not build objects to ask. */
  private hardStateChanged(): boolean {
    return this.termOrVoteChanged() || this.log.committed !== this.lastHardState.commit;
  }

  /** A changed term or vote must be durable before any message goes out, so it forces a sync. */
  private termOrVoteChanged(): boolean {
    return this.currentTerm !== this.lastHardState.term || this.vote !== this.lastHardState.vote;
  }

  private softStateChanged(): boolean {
    return this.currentRole !== this.lastSoftState.role || this.currentLeader !== this.lastSoftState.leader;
  }

  /**
   * Takes every pending effect; see `Ready` for the order in which the host must act. A hard or
   * soft state is built only when it changed; it then becomes the last one handed out, so the core
   * never mutates a state object the host holds.
   */
  ready(): Ready {
    this.sendReadHeartbeat();
    this.sendDueAppends();
    this.pendingForward = null;
    const voteChanged = this.termOrVoteChanged();
    const hardState = this.hardStateChanged() ? this.hardState() : null;
    const softState = this.softStateChanged() ? this.softState() : null;
    const snapshot = this.log.pendingSnapshot;
    this.log.pendingSnapshot = null;
    if (snapshot) this.log.applied = Math.max(this.log.applied, snapshot.meta.index);
    const entries = this.log.takeUnpersisted();
    const rd: Ready = {
      softState,
      hardState,
      entries,
      mustSync: entries.length > 0 || snapshot !== null || voteChanged,
      snapshot,
      messages: this.messages,
      messagesAfterPersist: this.messagesAfterPersist,
      committedEntries: this.log.takeApplicable(APPLY_BATCH_ENTRIES_MAX),
      readStates: this.readStates,
      persistedTo: { index: this.log.lastIndex, term: this.log.lastTerm },
    };
    if (hardState) this.lastHardState = hardState;
    if (softState) this.lastSoftState = softState;
    this.messages = [];
    this.messagesAfterPersist = [];
    this.readStates = [];
    return rd;
  }

  /** The host's write of a Ready is durable up to (index, term). */
  persisted(index: number, term: number): void {
    if (!this.log.markStable(index, term)) return;
    if (this.currentRole !== Role.Leader) return;
    this.tracker.progress.get(this.id)?.maybeUpdate(this.log.stable);
    if (this.maybeCommit()) this.markAllPeersDue();
  }

  private hardState(): HardState {
    return { term: this.currentTerm, vote: this.vote, commit: this.log.committed };
  }

  private softState(): SoftState {
    return { role: this.currentRole, leader: this.currentLeader };
  }

  // ---- Role changes ----------------------------------------------------------------------

  private reset(term: number): void {
    if (term !== this.currentTerm) {
      this.currentTerm = term;
      this.vote = '';
    }
    this.currentLeader = '';
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.config.electionTicks + this.prng.int(0, this.config.electionTicks);
    this.transferee = '';
    this.tracker.resetVotes();
    this.tracker.resetProgress(this.log.lastIndex + 1, this.config.maxInflightAppends, this.config.maxInflightBytes);
    this.reads.clear();
    this.readHeartbeatDue = false;
    this.readsBeforeFirstCommit = [];
    this.appendsDue.clear();
    this.deferredPeers.clear();
    this.commitSent.clear();
    this.forwardedTo.clear();
  }

  private becomeFollower(term: number, leader: NodeId): void {
    this.reset(term);
    this.currentRole = Role.Follower;
    this.currentLeader = leader;
  }

  private becomePreCandidate(): void {
    if (this.currentRole === Role.Leader) throw new Error('raft: a leader cannot become a pre-candidate');
    // Pre-vote changes neither term nor vote, so a partitioned node cannot inflate terms.
    this.tracker.resetVotes();
    this.currentRole = Role.PreCandidate;
    this.currentLeader = '';
  }

  private becomeCandidate(): void {
    if (this.currentRole === Role.Leader) throw new Error('raft: a leader cannot become a candidate');
    this.reset(this.currentTerm + 1);
    this.vote = this.id;
    this.currentRole = Role.Candidate;
  }

  private becomeLeader(): void {
    if (this.currentRole === Role.Follower) throw new Error('raft: a follower cannot become leader');
    this.reset(this.currentTerm);
    this.currentRole = Role.Leader;
    this.currentLeader = this.id;
    const self = this.tracker.progress.get(this.id);
    if (self) {
      self.becomeReplicate();
      self.match = this.log.stable;
      self.next = this.log.lastIndex + 1;
      self.recentActive = true;
    }
    // An empty entry of the new term lets earlier-term entries commit (Raft §5.4.2). It is
    // appended unconditionally: back-pressure must never stop a leader from committing.
    this.termStartIndex = this.log.lastIndex + 1;
    this.log.appendLocal({ term: this.currentTerm, index: this.termStartIndex, type: EntryType.Normal, data: EMPTY_BYTES });
    this.markAllPeersDue();
  }

  private startElection(transfer: boolean): void {
    if (!this.tracker.isVoter(this.id)) return;
    if (this.config.preVote && !transfer) this.startPreVote();
    else this.startVote(transfer);
  }

  private startPreVote(): void {
    this.becomePreCandidate();
    this.requestVotes(MessageType.PreVote, this.currentTerm + 1, EMPTY_BYTES);
  }

  private startVote(transfer: boolean): void {
    this.becomeCandidate();
    this.requestVotes(MessageType.Vote, this.currentTerm, transfer ? TRANSFER_CONTEXT : EMPTY_BYTES);
  }

  private requestVotes(type: MessageType, term: number, context: Uint8Array): void {
    // Our own vote first: a single-member cluster wins at once.
    if (this.countVote(this.id, true, type === MessageType.PreVote)) return;
    for (const id of this.tracker.voters) {
      if (id === this.id) continue;
      const m = emptyMessage(type, this.id, id, term);
      m.index = this.log.lastIndex;
      m.logTerm = this.log.lastTerm;
      m.context = context;
      // A Vote request may go only once our own vote is durable; a PreVote changes nothing.
      (type === MessageType.Vote ? this.messagesAfterPersist : this.messages).push(m);
    }
  }

  /** Records a vote; returns true when the election was decided (won or lost). */
  private countVote(from: NodeId, granted: boolean, preVote: boolean): boolean {
    const outcome = this.tracker.recordVote(from, granted);
    if (outcome === 'won') {
      if (preVote) this.startVote(false);
      else this.becomeLeader();
      return true;
    }
    if (outcome === 'lost') {
      this.becomeFollower(this.currentTerm, '');
      return true;
    }
    return false;
  }

  // ---- Message handling ------------------------------------------------------------------

  /** Delivers one message addressed to this node. */
  step(m: Message): void {
    if (m.to !== this.id) return;
    if (m.term > this.currentTerm && !this.stepHigherTerm(m)) return;
    if (m.term !== 0 && m.term < this.currentTerm) {
      this.stepLowerTerm(m);
      return;
    }
    switch (m.type) {
      case MessageType.Vote:
      case MessageType.PreVote:
        this.handleVoteRequest(m);
        return;
    }
    switch (this.currentRole) {
      case Role.Leader:
        this.stepLeader(m);
        return;
      case Role.Follower:
        this.stepFollower(m);
        return;
      default:
        this.stepCandidate(m);
    }
  }

  /** A message from a later term; returns false when it must be ignored. */
  private stepHigherTerm(m: Message): boolean {
    if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
      const transfer = m.context.length === 1 && m.context[0] === TRANSFER_CONTEXT[0];
      const inLease =
        this.config.checkQuorum && this.currentLeader !== '' && this.electionElapsed < this.config.electionTicks;
      // Check-quorum lease: while we hear from a leader, a disruptive candidate is ignored.
      if (inLease && !transfer) return false;
    }
    if (m.type === MessageType.PreVote) return true;
    if (m.type === MessageType.PreVoteResponse && !m.reject) return true;
    const fromLeader =
      m.type === MessageType.Append || m.type === MessageType.Heartbeat || m.type === MessageType.Snapshot;
    this.becomeFollower(m.term, fromLeader ? m.from : '');
    return true;
  }

  private stepLowerTerm(m: Message): void {
    if (m.type === MessageType.Append || m.type === MessageType.Heartbeat) {
      // A stale leader (e.g. back from a partition) learns our term and steps down.
      this.messagesAfterPersist.push(emptyMessage(MessageType.AppendResponse, this.id, m.from, this.currentTerm));
    } else if (m.type === MessageType.PreVote) {
      const reply = emptyMessage(MessageType.PreVoteResponse, this.id, m.from, this.currentTerm);
      reply.reject = true;
      this.messagesAfterPersist.push(reply);
    }
  }

  private handleVoteRequest(m: Message): void {
    const preVote = m.type === MessageType.PreVote;
    const canVote =
      this.vote === m.from ||
      (this.vote === '' && this.currentLeader === '') ||
      (preVote && m.term > this.currentTerm);
    const granted = canVote && this.log.isUpToDate(m.index, m.logTerm);
    const type = preVote ? MessageType.PreVoteResponse : MessageType.VoteResponse;
    // A granted pre-vote answers in the term asked about, so the pre-candidate counts it.
    const reply = emptyMessage(type, this.id, m.from, granted ? m.term : this.currentTerm);
    reply.reject = !granted;
    this.messagesAfterPersist.push(reply);
    if (granted && !preVote) {
      this.electionElapsed = 0;
      this.vote = m.from;
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case MessageType.Propose:
      case MessageType.ReadIndex:
        // Keep `from`: the leader answers a forwarded read to whoever asked.
        if (this.currentLeader !== '') this.messages.push({ ...m, to: this.currentLeader });
        return;
      case MessageType.Append:
      case MessageType.Heartbeat:
      case MessageType.Snapshot:
        this.electionElapsed = 0;
        this.currentLeader = m.from;
        this.handleFromLeader(m);
        return;
      case MessageType.TimeoutNow:
        this.startElection(true);
        return;
      case MessageType.ReadIndexResponse:
        // Like a heartbeat's, the commit index here never exceeds what our log matches.
        this.log.commitTo(Math.min(m.commit, this.log.lastIndex));
        this.readStates.push({ index: m.index, context: m.context });
        return;
    }
  }

  private stepCandidate(m: Message): void {
    const preVote = this.currentRole === Role.PreCandidate;
    switch (m.type) {
      case MessageType.Append:
      case MessageType.Heartbeat:
      case MessageType.Snapshot:
        // A leader of our term exists: we lost.
        this.becomeFollower(m.term, m.from);
        this.electionElapsed = 0;
        this.handleFromLeader(m);
        return;
      case MessageType.VoteResponse:
        if (!preVote) this.countVote(m.from, !m.reject, false);
        return;
      case MessageType.PreVoteResponse:
        if (preVote) this.countVote(m.from, !m.reject, true);
        return;
    }
  }

  private handleFromLeader(m: Message): void {
    if (m.type === MessageType.Append) this.handleAppend(m);
    else if (m.type === MessageType.Heartbeat) this.handleHeartbeat(m);
    else this.handleSnapshot(m);
  }

  private handleAppend(m: Message): void {
    const reply = emptyMessage(MessageType.AppendResponse, this.id, m.from, this.currentTerm);
    if (m.index < this.log.committed) {
      reply.index = this.log.committed;
    } else if (this.log.matchTerm(m.index, m.logTerm)) {
      const lastNew = this.log.appendFromLeader(m.index, m.entries);
      this.log.commitTo(Math.min(m.commit, lastNew));
      reply.index = lastNew;
    } else {
      const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex), m.logTerm);
      reply.reject = true;
      reply.index = m.index;
      reply.rejectHint = hint;
      reply.rejectHintTerm = this.log.termAt(hint) ?? 0;
    }
    this.messagesAfterPersist.push(reply);
  }

  private handleHeartbeat(m: Message): void {
    // The leader sends commit = min(our match, its commit), so it never exceeds our log.
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex));
    const reply = emptyMessage(MessageType.HeartbeatResponse, this.id, m.from, this.currentTerm);
    reply.context = m.context;
    this.messagesAfterPersist.push(reply);
  }

  private handleSnapshot(m: Message): void {
    const snapshot = m.snapshot;
    if (snapshot === null) throw new Error(`raft: Snapshot message from ${m.from} without a snapshot`);
    const reply = emptyMessage(MessageType.AppendResponse, this.id, m.from, this.currentTerm);
    const { index, term } = snapshot.meta;
    if (index <= this.log.committed) {
      reply.index = this.log.committed;
    } else if (this.log.matchTerm(index, term)) {
      // We already hold the snapshot's last entry: just learn the commit.
      this.log.commitTo(index);
      reply.index = this.log.lastIndex;
    } else {
      this.log.restoreSnapshot(snapshot);
      this.tracker.setVoters(snapshot.meta.voters);
      this.snapshot = snapshot;
      reply.index = index;
    }
    this.messagesAfterPersist.push(reply);
  }

  // ---- Leader ----------------------------------------------------------------------------

  private stepLeader(m: Message): void {
    switch (m.type) {
      case MessageType.Propose:
        // A proposal forwarded in an earlier term is dropped: its proposer, seeing this term's
        // first entry applied without its own, knows it was lost and may safely propose again.
        if (m.logTerm < this.currentTerm) return;
        // appendProposals assigns each entry its term and index in this log.
        if (this.appendProposals(m.entries) === null) this.forwardedTo.set(m.from, this.log.lastIndex);
        return;
      case MessageType.ReadIndex:
        this.leaderReadIndex(m.from, m.context);
        return;
      case MessageType.AppendResponse:
        this.handleAppendResponse(m);
        return;
      case MessageType.HeartbeatResponse:
        this.handleHeartbeatResponse(m);
        return;
    }
  }

  /** Why `count` new proposals cannot be appended now, or null. */
  private proposalRefusal(count: number): ProposeError | null {
    if (this.transferee !== '') return 'transferring';
    // Only this term's entries count: a tail inherited from earlier terms commits with them.
    const uncommitted = this.log.lastIndex - Math.max(this.log.committed, this.termStartIndex - 1);
    return uncommitted + count > this.config.maxUncommittedEntries ? 'too-many-uncommitted' : null;
  }

  /** Appends entries a follower forwarded: they arrived decoded for this log, so they get their term and index in place. */
  private appendProposals(entries: Entry[]): ProposeError | null {
    const refused = this.proposalRefusal(entries.length);
    if (refused !== null) return refused;
    for (const entry of entries) {
      entry.term = this.currentTerm;
      entry.index = this.log.lastIndex + 1;
      this.log.appendLocal(entry);
    }
    // A single-member cluster commits as soon as its own write is durable (see persisted()).
    this.markAllPeersDue();
    return null;
  }

  private handleAppendResponse(m: Message): void {
    const pr = this.tracker.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.reject) {
      this.handleAppendRejection(m, pr);
      return;
    }
    if (pr.maybeUpdate(m.index)) {
      if (pr.state === ReplicationState.Probe) pr.becomeReplicate();
      else if (pr.state === ReplicationState.Snapshot && pr.match >= pr.pendingSnapshot) pr.becomeReplicate();
      else if (pr.state === ReplicationState.Replicate) pr.inflights.freeLE(m.index);
      // Keep the pipeline full while entries and window allow; a new commit index goes to all.
      if (this.maybeCommit()) this.markAllPeersDue();
      else this.appendsDue.add(m.from);
      if (m.from === this.transferee && pr.match === this.log.lastIndex) this.sendTimeoutNow(m.from);
    }
  }

  private handleAppendRejection(m: Message, pr: Progress): void {
    // Fast back-off: skip every entry of a term the follower cannot match.
    let hint = m.rejectHint;
    if (m.rejectHintTerm > 0) hint = this.log.findConflictByTerm(m.rejectHint, m.rejectHintTerm);
    if (!pr.maybeDecrease(m.index, hint)) return;
    if (pr.state === ReplicationState.Replicate) pr.becomeProbe();
    this.sendAppend(m.from, true);
  }

  private handleHeartbeatResponse(m: Message): void {
    const pr = this.tracker.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    pr.probeSent = false;
    // A full window whose answers were lost would stall forever: free one slot per heartbeat.
    if (pr.state === ReplicationState.Replicate && pr.inflights.full()) pr.inflights.freeFirst();
    if (pr.match < this.log.lastIndex) this.sendAppend(m.from, true);
    if (m.context.length === 0) return;
    for (const read of this.reads.acknowledge(m.context, m.from, this.tracker.quorum)) this.answerRead(read);
  }

  private maybeCommit(): boolean {
    const index = this.tracker.committedIndex();
    // Raft §5.4.2: only entries of the current term commit by counting replicas.
    if (index <= this.log.committed || this.log.termAt(index) !== this.currentTerm) return false;
    const firstOfTerm = !this.hasCommittedInTerm();
    this.log.commitTo(index);
    if (firstOfTerm) this.releaseReadsBeforeFirstCommit();
    return true;
  }

  private hasCommittedInTerm(): boolean {
    return this.log.termAt(this.log.committed) === this.currentTerm;
  }

  private markAllPeersDue(): void {
    for (const id of this.tracker.voters) if (id !== this.id) this.appendsDue.add(id);
  }

  /**
   * Sends each due peer every entry its window allows, but only to the followers on the commit
   * path (see onCommitPath); the others get entries in batches from sendDeferred(). A peer
   * whose own forwarded proposals just committed hears the new commit index at once, in an
   * empty append; the others hear it with the next append or heartbeat, or from sendDeferred():
   * under load the next append comes soon anyway, and one message per peer per write is saved.
   */
  private sendDueAppends(): void {
    if (this.appendsDue.size === 0) return;
    if (this.currentRole === Role.Leader) {
      // Every peer is held back or not before any is sent to: sending can pause a peer, and the
      // commit path is chosen from the peers streaming before this Ready.
      for (const to of this.appendsDue) {
        if (this.onCommitPath(to) || this.awaitsOwnEntries(to)) continue;
        this.deferredPeers.add(to);
        this.appendsDue.delete(to);
      }
      for (const to of this.appendsDue) this.drainTo(to, this.awaitsOwnCommit(to));
    }
    this.appendsDue.clear();
  }

  /**
   * Whether `to` gets new entries at once: every follower that is not streaming (Replicate,
   * window open), and as many streaming ones as a quorum needs besides the leader, those furthest
   * along (ties go to the smaller id). The others would only race the chosen ones for the same
   * disk and CPU on every write; they get the entries a moment later in a batch (Raft's safety
   * does not depend on whom the leader sends to, and a write is still acknowledged only once a
   * quorum has it on disk). A follower that falls behind or stops answering drops off the path,
   * and one that is probing is never held back. Counts instead of sorting: it runs per Ready.
   */
  private onCommitPath(to: NodeId): boolean {
    if (to === this.id || !this.tracker.isVoter(to)) return false;
    const pr = this.tracker.progress.get(to)!;
    if (!isStreaming(pr)) return true;
    let ahead = 0;
    for (const id of this.tracker.voters) {
      if (id === this.id || id === to) continue;
      const other = this.tracker.progress.get(id)!;
      if (isStreaming(other) && (other.match > pr.match || (other.match === pr.match && id < to))) ahead++;
    }
    return ahead < this.tracker.quorum - 1;
  }

  /** A follower that forwarded proposals gets them at once: its client is waiting. */
  private awaitsOwnEntries(peer: NodeId): boolean {
    const pr = this.tracker.progress.get(peer);
    return pr !== undefined && (this.forwardedTo.get(peer) ?? 0) > pr.match;
  }

  private awaitsOwnCommit(peer: NodeId): boolean {
    const told = this.commitSent.get(peer) ?? 0;
    return told < this.log.committed && (this.forwardedTo.get(peer) ?? 0) > told;
  }

  /** A paused peer (probing, or taking a snapshot) hears the index when it answers. */
  private commitNoticeOwed(peer: NodeId): boolean {
    const pr = this.tracker.progress.get(peer);
    return pr !== undefined && !pr.isPaused() && (this.commitSent.get(peer) ?? 0) < this.log.committed;
  }

  private sendReadHeartbeat(): void {
    if (!this.readHeartbeatDue) return;
    this.readHeartbeatDue = false;
    const context = this.reads.lastContext();
    if (this.currentRole === Role.Leader && context !== null) this.broadcastHeartbeat(context);
  }

  /** Carries the newest read's context, so a read heartbeat still due would only repeat it. */
  private broadcastHeartbeat(context: Uint8Array): void {
    this.readHeartbeatDue = false;
    for (const id of this.tracker.voters) {
      if (id === this.id) continue;
      const pr = this.tracker.progress.get(id)!;
      const m = emptyMessage(MessageType.Heartbeat, this.id, id, this.currentTerm);
      m.commit = Math.min(pr.match, this.log.committed);
      m.context = context;
      this.messages.push(m);
      this.commitSent.set(id, m.commit);
    }
  }

  /**
   * Sends the next append to `to` if flow control allows; returns whether entries were sent.
   * With `sendIfEmpty`, an append without entries still goes out (to carry the commit index).
   */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.tracker.progress.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.termAt(prevIndex);
    const entries = this.log.slice(pr.next, this.log.lastIndex + 1, this.config.maxAppendBytes);
    if (prevTerm === undefined || entries === undefined) return this.sendSnapshot(to, pr);
    if (entries.length === 0 && !sendIfEmpty) return false;
    const m = emptyMessage(MessageType.Append, this.id, to, this.currentTerm);
    m.index = prevIndex;
    m.logTerm = prevTerm;
    m.entries = entries;
    m.commit = this.log.committed;
    this.messages.push(m);
    this.commitSent.set(to, m.commit);
    if (entries.length > 0) this.trackSentEntries(pr, entries);
    return entries.length > 0;
  }

  private trackSentEntries(pr: Progress, entries: Entry[]): void {
    const last = entries[entries.length - 1]!.index;
    if (pr.state === ReplicationState.Replicate) {
      let bytes = 0;
      for (const e of entries) bytes += e.data.length;
      pr.next = last + 1;
      pr.inflights.add(last, bytes);
    } else if (pr.state === ReplicationState.Probe) {
      pr.probeSent = true;
    }
  }

  private sendSnapshot(to: NodeId, pr: Progress): boolean {
    const snapshot = this.snapshot;
    if (snapshot === null) throw new Error(`raft: ${to} needs compacted entries but no snapshot exists`);
    const m = emptyMessage(MessageType.Snapshot, this.id, to, this.currentTerm);
    m.snapshot = snapshot;
    this.messages.push(m);
    pr.becomeSnapshot(snapshot.meta.index);
    return false;
  }

  private sendTimeoutNow(to: NodeId): void {
    this.messages.push(emptyMessage(MessageType.TimeoutNow, this.id, to, this.currentTerm));
  }

  private leaderReadIndex(from: NodeId, context: Uint8Array): ProposeError | null {
    const read: PendingRead = { index: this.log.committed, from, context, acks: new Set([this.id]) };
    // Until an entry of this term commits, our commit index may lag the true one (§6.4).
    if (!this.hasCommittedInTerm()) {
      if (this.readsBeforeFirstCommit.length >= PENDING_READS_MAX) return 'too-many-reads';
      this.readsBeforeFirstCommit.push(read);
      return null;
    }
    if (this.tracker.voters.length === 1) {
      this.answerRead(read);
      return null;
    }
    if (!this.reads.add(read)) return 'too-many-reads';
    // One heartbeat per Ready serves every read that came in before it: it carries the newest
    // read's context, and a quorum's answer to it releases the earlier reads too.
    this.readHeartbeatDue = true;
    return null;
  }

  private releaseReadsBeforeFirstCommit(): void {
    const waiting = this.readsBeforeFirstCommit;
    this.readsBeforeFirstCommit = [];
    for (const read of waiting) this.leaderReadIndex(read.from, read.context);
  }

  private answerRead(read: PendingRead): void {
    if (read.from === this.id) {
      this.readStates.push({ index: read.index, context: read.context });
      return;
    }
    const m = emptyMessage(MessageType.ReadIndexResponse, this.id, read.from, this.currentTerm);
    m.index = read.index;
    m.context = read.context;
    // The reader needs entries up to read.index applied: let it commit what it matches now.
    const pr = this.tracker.progress.get(read.from);
    m.commit = pr === undefined ? 0 : Math.min(pr.match, this.log.committed);
    this.messages.push(m);
  }
}

function isStreaming(pr: Progress): boolean {
  return pr.state === ReplicationState.Replicate && !pr.isPaused();
}
