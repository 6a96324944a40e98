// The Raft vocabulary shared by the core, the write-ahead log, the transports and the
// simulator: log entries, hard state, snapshots, messages, and the Ready batch of effects the
// core hands back. Plain data only; nothing here does I/O.

/** A member's id, e.g. 'n1'. Ids are short ASCII strings (at most 64 bytes). */
export type NodeId = string;

export const enum EntryType {
  /** An application command (may be empty: a new leader appends one empty entry). */
  Normal = 0,
  /** Reserved for membership changes. */
  ConfChange = 1,
}

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  data: Uint8Array;
}

/** What must be durable before a vote or an append is acknowledged. */
export interface HardState {
  term: number;
  /** The candidate voted for in `term`, or '' for none. */
  vote: NodeId;
  commit: number;
}

export interface SnapshotMeta {
  /** The last log index the snapshot covers. */
  index: number;
  /** The term of the entry at `index`. */
  term: number;
  /** The voting members at `index`. */
  voters: NodeId[];
}

export interface Snapshot {
  meta: SnapshotMeta;
  /** The application's state-machine image at `meta.index`. */
  data: Uint8Array;
}

export const enum MessageType {
  /** Leader → follower: entries after (logTerm, index), and the leader's commit. */
  Append = 0,
  AppendResponse = 1,
  Vote = 2,
  VoteResponse = 3,
  PreVote = 4,
  PreVoteResponse = 5,
  /** Leader → follower: keeps the lease; `context` carries a ReadIndex round. */
  Heartbeat = 6,
  HeartbeatResponse = 7,
  /** Leader → follower: the whole state at a snapshot. */
  Snapshot = 8,
  /** Leader → transfer target: campaign now, even inside the lease. */
  TimeoutNow = 9,
  /** Follower → leader: a forwarded proposal (`entries`). */
  Propose = 10,
  /** Follower → leader: a forwarded ReadIndex request (`context`). */
  ReadIndex = 11,
  /** Leader → follower: the read index (`index`) for `context`. */
  ReadIndexResponse = 12,
}

/**
 * One message between members. Unused fields are 0, '' or empty; the codec encodes every field
 * so that a message survives a round trip unchanged.
 */
export interface Message {
  type: MessageType;
  /**
   * The author. A forwarded Propose or ReadIndex keeps its requester here, so a message may be
   * sent by another node than `from`, and `from` may equal `to`: route by `to` only.
   */
  from: NodeId;
  to: NodeId;
  term: number;
  /**
   * Append: term of the entry at `index`. Vote/PreVote: term of the candidate's last entry.
   * Propose: the proposer's term (a leader of a later term drops the proposal).
   */
  logTerm: number;
  /**
   * Append: index preceding `entries`. AppendResponse: the last matching index (or, on a
   * reject, the rejected index). Vote/PreVote: candidate's last index. ReadIndexResponse: the
   * read index.
   */
  index: number;
  entries: Entry[];
  commit: number;
  reject: boolean;
  /** On a rejected append: the follower's hint of where the logs may match. */
  rejectHint: number;
  /** On a rejected append: the term of the follower's entry at `rejectHint`. */
  rejectHintTerm: number;
  snapshot: Snapshot | null;
  /** Opaque bytes that tie a ReadIndex round (or a heartbeat of one) to its request. */
  context: Uint8Array;
}

export const enum Role {
  Follower = 0,
  PreCandidate = 1,
  Candidate = 2,
  Leader = 3,
}

export const roleNames = ['follower', 'pre-candidate', 'candidate', 'leader'] as const;

/** Volatile state worth reporting; never persisted. */
export interface SoftState {
  role: Role;
  /** The known leader, or '' for none. */
  leader: NodeId;
}

/** A linearizable read may be served once the state machine has applied `index`. */
export interface ReadState {
  index: number;
  context: Uint8Array;
}

/**
 * Everything the core asks its host to do, in this order:
 * 1. start persisting `snapshot` (if any), then `entries`, then `hardState` (if any);
 * 2. send `messages` at once (the leader's appends go out in parallel with its own write);
 * 3. once the write of step 1 AND every earlier Ready's write are durable (writes complete in
 *    order; a Ready with nothing to write still waits for the writes before it), send
 *    `messagesAfterPersist` and call `core.persisted(persistedTo.index, persistedTo.term)`;
 * 4. apply `snapshot` (if any) then `committedEntries` to the state machine, in order;
 *    serve each `readStates` entry once its index is applied.
 * Entries in `entries` may overwrite a suffix of what was persisted before: the entry at index
 * i replaces any earlier-written entry at i and everything after it.
 */
export interface Ready {
  softState: SoftState | null;
  hardState: HardState | null;
  entries: Entry[];
  snapshot: Snapshot | null;
  messages: Message[];
  messagesAfterPersist: Message[];
  committedEntries: Entry[];
  readStates: ReadState[];
  /**
   * Whether this Ready's write must be fsynced before `messagesAfterPersist` go out: it holds
   * entries, a snapshot, or a new term or vote. A change of the commit index alone need not be.
   */
  mustSync: boolean;
  /** The (index, term) of the last entry of this Ready's write: pass it to `persisted`. */
  persistedTo: { index: number; term: number };
}

/** Tunables of the core; `defaultRaftConfig` explains each default. */
export interface RaftConfig {
  id: NodeId;
  /** Voting members, this node included. Empty when restoring from a snapshot that names them. */
  voters: NodeId[];
  /** Ticks between leader heartbeats. */
  heartbeatTicks: number;
  /** Base election timeout in ticks; the actual timeout is drawn from [this, 2 × this). */
  electionTicks: number;
  /** Seed for the election-timeout draws; the core has no other randomness. */
  seed: number;
  /** Run a pre-vote round before a real election, so a rejoining node cannot inflate terms. */
  preVote: boolean;
  /** A leader that has not heard from a quorum for an election timeout steps down. */
  checkQuorum: boolean;
  /** Appends in flight to one follower before the leader waits for acknowledgements. */
  maxInflightAppends: number;
  /** Bytes of entry data in one Append message (at least one entry is always sent). */
  maxAppendBytes: number;
  /** Bytes of entry data in flight to one follower (bounds the bandwidth-delay product). */
  maxInflightBytes: number;
  /** Entries kept after a snapshot so a slightly lagging follower needs no InstallSnapshot. */
  snapshotCatchUpEntries: number;
  /** Proposals the leader accepts into its uncommitted tail before refusing (back-pressure). */
  maxUncommittedEntries: number;
}

export function defaultRaftConfig(id: NodeId, voters: NodeId[], seed = 1): RaftConfig {
  return {
    id,
    voters,
    heartbeatTicks: 1,
    electionTicks: 10,
    seed,
    preVote: true,
    checkQuorum: true,
    maxInflightAppends: 256,
    maxAppendBytes: 1 << 20,
    maxInflightBytes: 32 << 20,
    snapshotCatchUpEntries: 5000,
    maxUncommittedEntries: 100_000,
  };
}

/** The state a core restarts from: what its host recovered from the write-ahead log. */
export interface RaftRestoreState {
  hardState: HardState;
  /** The last snapshot persisted, or null. Entries must follow it contiguously. */
  snapshot: Snapshot | null;
  entries: Entry[];
}

export function emptyMessage(type: MessageType, from: NodeId, to: NodeId, term: number): Message {
  return {
    type,
    from,
    to,
    term,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    rejectHintTerm: 0,
    snapshot: null,
    context: EMPTY_BYTES,
  };
}

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);
