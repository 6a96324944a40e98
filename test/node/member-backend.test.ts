// The member's view of the cluster before and after the supervisor sends the member list:
// every member always has its etcd member id (from the cluster manifest), this member knows
// its own client URL as soon as its API listens, and a list without a valid id is refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemberBackend } from '../../src/node/member-backend.js';
import { MemberStats } from '../../src/node/member-stats.js';
import type { NodeWorkerConfig } from '../../src/node/control-protocol.js';
import type { RaftNode } from '../../src/node/raft-node.js';
import { Role } from '../../src/raft/types.js';
import { V2Store, type ApplyResult } from '../../src/store/index.js';

const MEMBER_IDS = { n1: '00000000000000a1', n2: '00000000000000a2', n3: '00000000000000a3' };

function backendFor(memberIds: Record<string, string>): MemberBackend {
  const config = { id: 'n1', members: ['n1', 'n2', 'n3'], memberIds, clusterId: '00000000000000c1', requestTimeoutMs: 1000 } as unknown as NodeWorkerConfig;
  // Only the core's leader and role are read by the parts under test.
  const node = { core: { leader: 'n2', role: Role.Follower } } as unknown as RaftNode<ApplyResult>;
  return new MemberBackend(config, node, new V2Store(), new MemberStats('n1', config.members, 400));
}

test('before the member list arrives, members have their ids and this member its client URL', () => {
  const backend = backendFor(MEMBER_IDS);
  assert.deepEqual(backend.members().map((m) => m.id), Object.values(MEMBER_IDS));
  backend.listeningAt('http://127.0.0.1:2379');
  assert.deepEqual(backend.self, { id: MEMBER_IDS.n1, name: 'n1', peerURLs: [], clientURLs: ['http://127.0.0.1:2379'] });
  assert.equal(backend.leader()?.id, MEMBER_IDS.n2);
  assert.equal(backend.leaderStats(), null, 'a follower has no leader stats');
  assert.equal(backend.selfStats().id, MEMBER_IDS.n1);
});

test('a member without a valid id, or a list without this member, is refused', () => {
  assert.throws(() => backendFor({ n1: MEMBER_IDS.n1, n2: MEMBER_IDS.n2 }), /member n3 has no valid member id/);
  assert.throws(() => backendFor({ ...MEMBER_IDS, n2: '' }), /member n2 has no valid member id/);
  const backend = backendFor(MEMBER_IDS);
  const info = (id: 'n1' | 'n2' | 'n3', memberId: string = MEMBER_IDS[id]) => ({ id, memberId, clientUrl: `http://${id}`, peerUrl: `port://${id}` });
  assert.throws(() => backend.setMembers([info('n2'), info('n3')]), /leaves out this member/);
  assert.throws(() => backend.setMembers([info('n1'), info('n2', 'xyz')]), /member n2 has no valid member id/);
  backend.setMembers([info('n1'), info('n2'), info('n3')]);
  assert.deepEqual(backend.self.clientURLs, ['http://n1']);
});
