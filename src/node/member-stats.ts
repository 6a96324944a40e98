// A member's Raft traffic as etcd's v2stats counts it, for /v2/stats/self and
// /v2/stats/leader: appends sent and received (counts and rates), the state and leader as the
// traffic shows them (sending appends: leader; receiving them: follower of their sender), since
// when that leader leads, and, while leading, each follower's append latency and outcomes.
// It watches every message the Raft node sends and receives.

import { goDurationOfMs } from '../api/go-duration.js';
import { MessageType, type Message, type NodeId } from '../raft/types.js';
import { goTimeText } from '../store/index.js';
import { encodedSize } from '../transport/message-codec.js';
import { FollowerStats, type FollowerStatsJson } from './follower-stats.js';
import type { MessageObserver } from './raft-node.js';
import { RateWindow } from './rate-window.js';

export type MemberIdOf = (node: NodeId) => string;

/** A wall clock with sub-millisecond resolution, for latencies and uptimes. */
function preciseNowMs(): number {
  return performance.timeOrigin + performance.now();
}

export class MemberStats implements MessageObserver {
  private state: 'StateFollower' | 'StateLeader' = 'StateFollower';
  private leader: NodeId = '';
  private readonly startMs: number;
  private leaderSinceMs: number;
  private recvAppendCount = 0;
  private sendAppendCount = 0;
  private readonly recvWindow = new RateWindow();
  private readonly sendWindow = new RateWindow();
  private readonly followers = new Map<NodeId, FollowerStats>();

  /**
   * @param peers the other members (each gets follower stats, as etcd makes them per peer).
   * @param answerTimeoutMs an append unanswered for longer counts as a failure.
   */
  constructor(
    private readonly selfId: NodeId,
    peers: readonly NodeId[],
    answerTimeoutMs: number,
    private readonly nowMs: () => number = preciseNowMs,
  ) {
    this.startMs = nowMs();
    this.leaderSinceMs = this.startMs;
    for (const peer of peers) if (peer !== selfId) this.followers.set(peer, new FollowerStats(answerTimeoutMs));
  }

  sent(message: Message): void {
    if (message.type !== MessageType.Append) return;
    const now = this.nowMs();
    this.noteLeader(this.selfId, now);
    this.sendAppendCount++;
    this.sendWindow.record(now, encodedSize(message));
    this.followers.get(message.to)?.appendSent(message, now);
  }

  received(message: Message, sizeBytes: number): void {
    if (message.type === MessageType.AppendResponse) {
      this.followers.get(message.from)?.appendAnswered(message, this.nowMs());
      return;
    }
    if (message.type !== MessageType.Append) return;
    const now = this.nowMs();
    this.noteLeader(message.from, now);
    this.recvAppendCount++;
    this.recvWindow.record(now, sizeBytes);
  }

  /** The body of /v2/stats/self, in etcd's field order (rates left out while 0). */
  selfJson(name: string, memberIdOf: MemberIdOf): Record<string, unknown> {
    const now = this.nowMs();
    const recv = this.recvWindow.rates(now);
    const send = this.sendWindow.rates(now);
    return {
      name,
      id: memberIdOf(this.selfId),
      state: this.state,
      startTime: goTimeText(Math.floor(this.startMs)),
      leaderInfo: {
        leader: this.leader === '' ? '' : memberIdOf(this.leader),
        uptime: goDurationOfMs(now - this.leaderSinceMs),
        startTime: goTimeText(Math.floor(this.leaderSinceMs)),
      },
      recvAppendRequestCnt: this.recvAppendCount,
      ...(recv.packetsPerSecond > 0 ? { recvPkgRate: recv.packetsPerSecond, recvBandwidthRate: recv.bytesPerSecond } : {}),
      sendAppendRequestCnt: this.sendAppendCount,
      ...(send.packetsPerSecond > 0 ? { sendPkgRate: send.packetsPerSecond, sendBandwidthRate: send.bytesPerSecond } : {}),
    };
  }

  /** The followers of /v2/stats/leader, keyed by member id. */
  followersJson(memberIdOf: MemberIdOf): Record<string, FollowerStatsJson> {
    const now = this.nowMs();
    const out: Record<string, FollowerStatsJson> = {};
    for (const [peer, stats] of this.followers) {
      stats.expire(now);
      out[memberIdOf(peer)] = stats.toJson();
    }
    return out;
  }

  /** etcd restarts the leader's uptime whenever appends start coming from another leader. */
  private noteLeader(leader: NodeId, nowMs: number): void {
    this.state = leader === this.selfId ? 'StateLeader' : 'StateFollower';
    if (leader === this.leader) return;
    if (this.leader === this.selfId) for (const stats of this.followers.values()) stats.forgetInFlight();
    this.leader = leader;
    this.leaderSinceMs = nowMs;
  }
}
