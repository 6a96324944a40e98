// The commit-latency floor: what physics charges a write before it can be acknowledged. The
// leader needs the entry durable on a quorum (itself and its nearest quorum-1 peers), so it
// waits for the (quorum-1)-th smallest round trip to a peer plus one fsync (the leader's own
// sync runs alongside the network, so one counts). A client at a follower adds the forward to
// the leader and the commit news back: one follower-leader round trip. The client adds its own
// round trip to the member it talks to.

import type { NodeId } from '../raft/types.js';
import type { CommitFloor } from './bench-target.js';

export interface FloorPath {
  /** Every voting member. */
  members: readonly NodeId[];
  leader: NodeId;
  /** The member the client sent to. */
  sentTo: NodeId;
  memberRttMs(from: NodeId, to: NodeId): number;
  clientRttMs: number;
  fsyncMs: number;
}

/** The round trip from `leader` to the farthest member of its nearest quorum. */
export function quorumRttMs(leader: NodeId, members: readonly NodeId[], memberRttMs: (from: NodeId, to: NodeId) => number): number {
  if (!members.includes(leader)) throw new Error(`leader ${leader} is not a member (${members.join(', ')})`);
  const quorum = Math.floor(members.length / 2) + 1;
  if (quorum === 1) return 0;
  const peerRttsMs = members.filter((id) => id !== leader).map((peer) => memberRttMs(leader, peer)).sort((a, b) => a - b);
  return peerRttsMs[quorum - 2];
}

export function commitFloor(path: FloorPath): CommitFloor {
  if (!path.members.includes(path.sentTo)) throw new Error(`the client sent to ${path.sentTo}, which is not a member`);
  const parts: Record<string, number> = { quorumRttMs: quorumRttMs(path.leader, path.members, path.memberRttMs) };
  if (path.sentTo !== path.leader) parts.forwardRttMs = path.memberRttMs(path.sentTo, path.leader);
  parts.fsyncMs = path.fsyncMs;
  parts.clientRttMs = path.clientRttMs;
  for (const [name, ms] of Object.entries(parts)) {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new Error(`floor part ${name} must be a finite number >= 0, got ${ms}`);
  }
  const floorMs = Object.values(parts).reduce((sum, ms) => sum + ms, 0);
  return { floorMs, parts, leader: path.leader, sentTo: path.sentTo };
}

/** The lowest of several floors: a bound that holds for every path holds for the run. */
export function lowestFloor(floors: readonly CommitFloor[]): CommitFloor {
  if (floors.length === 0) throw new Error('no path to work a floor out for');
  return floors.reduce((lowest, floor) => (floor.floorMs < lowest.floorMs ? floor : lowest));
}
