// Where a phase's clients send and how far they sit: leader, the first follower, or spread;
// each client's round trip from the target; and the (leader, member sent to) paths a phase
// reports for the floor when leadership moved while it ran.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultBenchOptions, type BenchOptions, type SendTo } from '../../src/bench/bench-options.js';
import type { BenchTarget } from '../../src/bench/bench-target.js';
import { followerEndpoint, routePhase, servedPaths } from '../../src/bench/phase-routing.js';

const ENDPOINTS = ['http://127.0.0.1:4001', 'http://127.0.0.1:4002', 'http://127.0.0.1:4003'];

function fakeTarget(leader: string, withFloor: boolean): BenchTarget {
  return {
    name: 'fake',
    endpoints: ENDPOINTS,
    leaderEndpoint: async () => leader,
    clientRttMs: (endpoint) => 10 * ENDPOINTS.indexOf(endpoint),
    ...(withFloor ? { floorMs: async () => ({ floorMs: 1, parts: {} }) } : {}),
    close: async () => {},
  };
}

function optionsSending(sendTo: SendTo, clients: number): BenchOptions {
  const options = defaultBenchOptions([{ kind: 'named', label: 'fake', name: 'fake', extra: {} }]);
  options.load = { ...options.load, sendTo, clients, workers: 1 };
  return options;
}

test('leader, follower and spread each place the clients where they say, with their round trips', async () => {
  const leader = ENDPOINTS[0];
  const toLeader = await routePhase(optionsSending('leader', 2), fakeTarget(leader, false));
  assert.deepEqual(toLeader, { leaderEndpoint: leader, clients: [{ endpoint: leader, rttMs: 0 }, { endpoint: leader, rttMs: 0 }] });
  const toFollower = await routePhase(optionsSending('follower', 2), fakeTarget(leader, false));
  assert.deepEqual(toFollower.clients, [{ endpoint: ENDPOINTS[1], rttMs: 10 }, { endpoint: ENDPOINTS[1], rttMs: 10 }]);
  const spread = await routePhase(optionsSending('spread', 4), fakeTarget(leader, false));
  assert.equal(spread.leaderEndpoint, undefined, 'nothing needed the leader');
  assert.deepEqual(spread.clients.map((c) => c.rttMs), [0, 10, 20, 0]);
  const spreadWithFloor = await routePhase(optionsSending('spread', 1), fakeTarget(leader, true));
  assert.equal(spreadWithFloor.leaderEndpoint, leader, 'a floor needs to know who led');
});

test('the follower is the first member that does not lead, compared by origin', () => {
  assert.equal(followerEndpoint(ENDPOINTS, ENDPOINTS[0]), ENDPOINTS[1]);
  assert.equal(followerEndpoint(ENDPOINTS, `${ENDPOINTS[1]}/`), ENDPOINTS[0]);
  assert.throws(() => followerEndpoint([ENDPOINTS[0]], ENDPOINTS[0]), /no follower to send to/);
});

test('a phase whose leader changed reports the paths under both leaders', () => {
  const route = { leaderEndpoint: ENDPOINTS[0], clients: [{ endpoint: ENDPOINTS[1], rttMs: 0 }, { endpoint: ENDPOINTS[1], rttMs: 0 }] };
  assert.deepEqual(servedPaths(route, ENDPOINTS[0]), [{ leaderEndpoint: ENDPOINTS[0], sentToEndpoint: ENDPOINTS[1] }]);
  assert.deepEqual(servedPaths(route, ENDPOINTS[2]), [
    { leaderEndpoint: ENDPOINTS[0], sentToEndpoint: ENDPOINTS[1] },
    { leaderEndpoint: ENDPOINTS[2], sentToEndpoint: ENDPOINTS[1] },
  ]);
});
