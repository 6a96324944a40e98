// The member's side of the v2 API contract (ApiBackend): requests go through this member's
// Raft node, reads come from its store, and the cluster facts (members, leader, stats) come
// from what the supervisor told it and what its Raft core knows.

import type { ApiBackend, MemberView } from '../api/api-backend.js';
import { Role } from '../raft/types.js';
import { encodeV2Request, type ApplyResult, type V2Request, type V2Store } from '../store/index.js';
import type { MemberInfo, NodeWorkerConfig } from './control-protocol.js';
import type { RaftNode } from './raft-node.js';

export const SERVER_VERSION = { etcdserver: '3.4.23', etcdcluster: '3.4.0' };

export class MemberBackend implements ApiBackend {
  readonly clusterId: string;
  readonly version = SERVER_VERSION;
  private memberList: MemberView[];
  private readonly startTime = new Date().toISOString();
  private readonly counts = { recvAppendRequestCnt: 0, sendAppendRequestCnt: 0 };

  constructor(
    private readonly config: NodeWorkerConfig,
    private readonly node: RaftNode<unknown>,
    readonly store: V2Store,
  ) {
    this.clusterId = config.clusterId;
    this.memberList = config.members.map((id) => ({
      id: config.memberIds[id] ?? '',
      name: id,
      peerURLs: [],
      clientURLs: [],
    }));
  }

  setMembers(members: MemberInfo[]): void {
    this.memberList = members.map((m) => ({
      id: m.memberId,
      name: m.id,
      peerURLs: m.peerUrl ? [m.peerUrl] : [],
      clientURLs: m.clientUrl ? [m.clientUrl] : [],
    }));
  }

  get self(): MemberView {
    return this.memberList.find((m) => m.name === this.config.id)!;
  }

  members(): MemberView[] {
    return this.memberList;
  }

  leader(): MemberView | null {
    const leader = this.node.core.leader;
    return this.memberList.find((m) => m.name === leader) ?? null;
  }

  async propose(request: V2Request): Promise<ApplyResult> {
    return (await this.node.propose(encodeV2Request(request), this.config.requestTimeoutMs)) as ApplyResult;
  }

  linearizableRead(): Promise<void> {
    return this.node.linearizableRead(this.config.requestTimeoutMs);
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
    const core = this.node.core;
    const leader = this.leader();
    return {
      name: this.config.id,
      id: this.self.id,
      state: core.role === Role.Leader ? 'StateLeader' : core.role === Role.Follower ? 'StateFollower' : 'StateCandidate',
      startTime: this.startTime,
      leaderInfo: { leader: leader?.id ?? '', uptime: '', startTime: this.startTime },
      ...this.counts,
    };
  }

  leaderStats(): Record<string, unknown> | null {
    const core = this.node.core;
    if (core.role !== Role.Leader) return null;
    const followers: Record<string, unknown> = {};
    const progress = core.status().progress;
    for (const member of this.memberList) {
      if (member.name === this.config.id) continue;
      const pr = progress[member.name];
      followers[member.id] = {
        latency: { current: 0, average: 0, standardDeviation: 0, minimum: 0, maximum: 0 },
        counts: { fail: 0, success: pr?.match ?? 0 },
      };
    }
    return { leader: this.self.id, followers };
  }
}
