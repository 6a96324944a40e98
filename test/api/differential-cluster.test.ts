// Runs the differential suite against a real three-member raftyard cluster (members in worker
// threads, writes through Raft), talking to a follower so that every write is forwarded to
// the leader and every read and watch is served from a replica. Then what only a real cluster
// shows: TTL events replayed from the history long after, and the Raft statistics endpoints.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Cluster } from '../../src/cluster/cluster.js';
import { DiffPair } from './diff-pair.js';
import { startRealEtcdTarget } from './diff-targets.js';
import { defineDifferentialSuite } from './differential-suite.js';
import { shapeOf, type DiffTarget, type Step } from './differential-harness.js';
import { probe } from './http-probe.js';

const FAST = { heartbeatMs: 20, electionMs: 200, requestTimeoutMs: 1500 } as const;
/** The rates appear only while appends flow (etcd leaves a rate of 0 out). */
const RATE_FIELDS = new Set(['recvPkgRate', 'recvBandwidthRate', 'sendPkgRate', 'sendBandwidthRate']);
const GO_DURATION = /^(\d+h)?(\d+m)?\d+(\.\d+)?(ns|µs|ms|s)$/;

async function startRaftyardCluster(): Promise<DiffTarget> {
  const cluster = await Cluster.start({ nodes: 3, ...FAST });
  const leader = await cluster.leader();
  const follower = cluster.ids.find((id) => id !== leader) as string;
  return { name: 'raftyard (3-node cluster)', endpoint: cluster.endpoint(follower), stop: () => cluster.stop() };
}

const keys = (key: string, query = ''): string => `/v2/keys${key}${query === '' ? '' : '?' + query}`;
const put = (key: string, form: Record<string, string>): Step => ({ method: 'PUT', target: keys(key), form });
const watchFrom = (key: string, offset: number): Step => ({ method: 'GET', target: keys(key, `wait=true&waitIndex={i+${offset}}`) });

async function getJson(endpoint: string, target: string): Promise<Record<string, unknown>> {
  const answer = await probe(endpoint, { method: 'GET', target });
  assert.equal(answer.status, 200, `${target} on ${endpoint}: ${answer.body}`);
  return JSON.parse(answer.body) as Record<string, unknown>;
}

async function leaderEndpoint(endpoint: string): Promise<string> {
  return ((await getJson(endpoint, '/v2/members/leader')).clientURLs as string[])[0] as string;
}

/** /v2/stats/self without the rate fields, whose presence depends on the moment. */
function selfStatsShape(stats: Record<string, unknown>): unknown {
  return shapeOf(Object.fromEntries(Object.entries(stats).filter(([field]) => !RATE_FIELDS.has(field))));
}

/** /v2/stats/leader with the followers' ids left out. */
function leaderStatsShape(stats: Record<string, unknown>): unknown {
  return { leader: shapeOf(stats.leader), followers: Object.values(stats.followers as object).map(shapeOf) };
}

defineDifferentialSuite(startRaftyardCluster);

describe('differential on a cluster: history replays and Raft statistics', { timeout: 60_000 }, () => {
  let etcd: DiffTarget | undefined;
  let yard: DiffTarget | undefined;
  let pair: DiffPair;

  before(async () => {
    [etcd, yard] = await Promise.all([startRealEtcdTarget(), startRaftyardCluster()]);
    pair = new DiffPair(etcd, yard);
  });
  after(async () => {
    await Promise.all([etcd?.stop(), yard?.stop()]);
  });

  it('a TTL write or expiry replayed from the history shows the TTLs of when it happened', { timeout: 20_000 }, async () => {
    await pair.rebase();
    await pair.steps([put('/r1/short', { value: 's', ttl: '1' }), put('/r1/keep', { value: 'k', ttl: '100' })]);
    await new Promise((resolve) => setTimeout(resolve, 3600));
    await pair.steps([watchFrom('/r1/short', 1), watchFrom('/r1/keep', 2), watchFrom('/r1/short', 3)]);
  });

  it('/v2/stats/self and /v2/stats/leader have etcd\'s fields, a Go uptime and real append counts', async () => {
    await pair.steps([put('/r2/a', { value: '1' }), put('/r2/a', { value: '2' })]);
    for (const target of [etcd, yard] as DiffTarget[]) {
      const leader = await leaderEndpoint(target.endpoint);
      const self = await getJson(leader, '/v2/stats/self');
      assert.equal(self.state, 'StateLeader', `${target.name}: the leader's state`);
      assert.match((self.leaderInfo as { uptime: string }).uptime, GO_DURATION, `${target.name}: uptime`);
      assert.ok((self.sendAppendRequestCnt as number) > 0, `${target.name}: appends sent`);
      const stats = await getJson(leader, '/v2/stats/leader');
      for (const follower of Object.values(stats.followers as Record<string, { counts: { success: number } }>)) {
        assert.ok(follower.counts.success > 0, `${target.name}: a follower's successful appends`);
      }
    }
    const [etcdLeader, yardLeader] = await Promise.all([leaderEndpoint(etcd!.endpoint), leaderEndpoint(yard!.endpoint)]);
    for (const endpoint of [etcdLeader, yardLeader]) assert.equal(typeof (await getJson(endpoint, '/v2/stats/self')).startTime, 'string');
    assert.deepEqual(selfStatsShape(await getJson(yardLeader, '/v2/stats/self')), selfStatsShape(await getJson(etcdLeader, '/v2/stats/self')));
    assert.deepEqual(leaderStatsShape(await getJson(yardLeader, '/v2/stats/leader')), leaderStatsShape(await getJson(etcdLeader, '/v2/stats/leader')));
    const follower = await getJson(yard!.endpoint, '/v2/stats/self');
    assert.equal(follower.state, 'StateFollower');
    assert.ok((follower.recvAppendRequestCnt as number) > 0, 'a follower counts the appends it receives');
    assert.equal((follower.leaderInfo as { leader: string }).leader, (await getJson(yardLeader, '/v2/stats/self')).id);
  });
});
