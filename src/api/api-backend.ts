// What the v2 HTTP API needs from the member it runs on: the local store (plain reads and
// watches), a way to put requests through Raft, a linearizable read barrier, and the facts the
// cluster endpoints report. The node runtime implements it; tests may use a one-member fake.

import type { V2Store, V2Request, ApplyResult } from '../store/index.js';

export interface MemberView {
  /** etcd member id: 16 lowercase hex digits. */
  id: string;
  /** The member's name, e.g. 'n1'. */
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}

/** Raised by `propose`/`linearizableRead` when the request cannot finish in time (etcd error 300). */
export interface BackendTimeout {
  code: 'timeout' | 'stopped' | 'too-busy';
  message: string;
}

export interface ApiBackend {
  /** This member's store: serve plain GETs and watches from it directly. */
  readonly store: V2Store;
  /**
   * Puts a request through Raft and resolves with the result of applying it here (null for
   * SYNC). Rejects with an Error carrying a `code` of BackendTimeout when it cannot commit
   * within `timeoutMs` (no quorum, no leader): the member owns the one deadline of a request.
   */
  propose(request: V2Request, timeoutMs: number): Promise<ApplyResult>;
  /**
   * propose() for a caller that answers at once: `applied` runs as the request is applied, in
   * the same turn, and `failed` gets what propose() would reject with (possibly before this
   * returns). Neither should throw: the member logs what they throw and goes on.
   */
  proposeThen(request: V2Request, timeoutMs: number, applied: (result: ApplyResult) => void, failed: (error: Error) => void): void;
  /** Resolves once this member has applied everything committed before the call, or rejects as propose does. */
  linearizableRead(timeoutMs: number): Promise<void>;
  /** Wall-clock now in ms; the member turns `ttl` into an absolute expiration with it. */
  nowMs(): number;
  /** Raft facts for the X-Raft-Index / X-Raft-Term headers. */
  raftIndex(): number;
  raftTerm(): number;
  /** 16 hex digits, for X-Etcd-Cluster-Id. */
  readonly clusterId: string;
  readonly self: MemberView;
  members(): MemberView[];
  /** The leader's member view, or null during an election. */
  leader(): MemberView | null;
  /** Counters for /v2/stats/self (etcd's field names). */
  selfStats(): Record<string, unknown>;
  /** /v2/stats/leader on the leader (followers' latency and counts); null on a follower. */
  leaderStats(): Record<string, unknown> | null;
  /** Server and cluster version strings for /version. */
  readonly version: { etcdserver: string; etcdcluster: string };
}
