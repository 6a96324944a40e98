// The member's side of the v2 API contract (ApiBackend): requests go through this member's
// Raft node, reads come from its store, and the cluster facts (members, leader, stats) come
// from what the supervisor told it, what its Raft core knows and what its traffic shows.

import type { ApiBackend, MemberView } from '../api/api-backend.js';
import { Role, type NodeId } from '../raft/types.js';
import { encodeV2Request, type ApplyResult, type V2Request, type V2Store } from '../store/index.js';
import type { MemberInfo, NodeWorkerConfig } from './control-protocol.js';
import type { MemberStats } from './member-stats.js';
import type { RaftNode } from './raft-node.js';

const SERVER_VERSION = { etcdserver: '3.4.23', etcdcluster: '3.4.0' };

const MEMBER_ID = /^[0-9a-f]{16}$/;

export class MemberBackend implements ApiBackend {
  readonly clusterId: string;
  readonly version = SERVER_VERSION;
  private memberList: MemberView[];

  constructor(
    private readonly config: NodeWorkerConfig,
    private readonly node: RaftNode<ApplyResult>,
    readonly store: V2Store,
    private readonly stats: MemberStats,
  ) {
    this.clusterId = config.clusterId;
    // Until the supervisor sends the members' URLs, each member is known by its id and name.
    this.memberList = config.members.map((id) => ({ id: checkedMemberId(id, config.memberIds[id]), name: id, peerURLs: [], clientURLs: [] }));
  }

  /** This member's API listens at `url`: it is its client URL until the supervisor says more. */
  listeningAt(url: string): void {
    this.self.clientURLs = [url];
  }

  setMembers(members: MemberInfo[]): void {
    const names = new Set(members.map((m) => m.id));
    if (!names.has(this.config.id)) throw new Error(`the member list leaves out this member (${this.config.id})`);
    this.memberList = members.map((m) => ({
      id: checkedMemberId(m.id, m.memberId),
      name: m.id,
      peerURLs: m.peerUrl ? [m.peerUrl] : [],
      clientURLs: m.clientUrl ? [m.clientUrl] : [],
    }));
  }

  get self(): MemberView {
    const self = this.memberList.find((m) => m.name === this.config.id);
    if (self === undefined) throw new Error(`member ${this.config.id} is missing from its own member list`);
    return self;
  }

  members(): MemberView[] {
    return this.memberList;
  }

  leader(): MemberView | null {
    const leader = this.node.core.leader;
    return this.memberList.find((m) => m.name === leader) ?? null;
  }

  propose(request: V2Request, timeoutMs: number): Promise<ApplyResult> {
    return this.node.propose(encodeV2Request, request, timeoutMs);
  }

  proposeThen(request: V2Request, timeoutMs: number, applied: (result: ApplyResult) => void, failed: (error: Error) => void): void {
    this.node.proposeThen(encodeV2Request, request, timeoutMs, applied, failed);
  }

  linearizableRead(timeoutMs: number): Promise<void> {
    return this.node.linearizableRead(timeoutMs);
  }

  nowMs(): number {
    return Date.now();
  }

  raftIndex(): number {
    return this.node.core.commitIndex;
  }

  raftTerm(): number {
    return this.node.core.term;
  }

  selfStats(): Record<string, unknown> {
    return this.stats.selfJson(this.config.id, (node) => this.memberIdOf(node));
  }

  leaderStats(): Record<string, unknown> | null {
    if (this.node.core.role !== Role.Leader) return null;
    return { leader: this.self.id, followers: this.stats.followersJson((node) => this.memberIdOf(node)) };
  }

  private memberIdOf(node: NodeId): string {
    return checkedMemberId(node, this.config.memberIds[node]);
  }
}

/** Every member has an etcd member id (16 hex digits) from the cluster manifest. */
function checkedMemberId(node: NodeId, memberId: string | undefined): string {
  if (memberId === undefined || !MEMBER_ID.test(memberId)) {
    throw new Error(`member ${node} has no valid member id (16 hex digits): ${JSON.stringify(memberId)}`);
  }
  return memberId;
}
