// The commit floor's arithmetic: the leader's nearest quorum, the forward through a follower,
// the client's round trip, places from a geo preset and from a uniform delay, the lowest over
// the paths a run took, a fake fsync probe that runs once however often the floor is asked, the
// rest the disk had before a commit's sync, which the probe copies, and the syncs probed after
// each phase, pooled per rest, and the followers' own WAL flushes when a target reports them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitFloor, lowestFloor, quorumRttMs } from '../../src/bench/commit-floor.js';
import { floorPartsText } from '../../src/bench/floor-text.js';
import { geoSites, membersIn, memberRttMs, uniformDelaySites } from '../../src/bench/member-sites.js';
import { planLayout, TargetLayout } from '../../src/bench/target-layout.js';
import { geoPreset } from '../../src/transport/geo-presets.js';
import { LogLinearHistogram } from '../../src/util/log-linear-histogram.js';

const ENDPOINTS = ['http://127.0.0.1:4001', 'http://127.0.0.1:4002', 'http://127.0.0.1:4003'];
const IDS = ['n1', 'n2', 'n3'];

test('the quorum round trip is the (quorum-1)-th smallest round trip to a peer', () => {
  const rtts: Record<string, number> = { b: 30, c: 10, d: 50, e: 20 };
  const rtt = (_from: string, to: string): number => rtts[to];
  // Five members: a quorum is three, the leader and its two nearest peers (10 and 20 ms away).
  assert.equal(quorumRttMs('a', ['a', 'b', 'c', 'd', 'e'], rtt), 20);
  // Three members: the leader and its nearest peer.
  assert.equal(quorumRttMs('a', ['a', 'b', 'c'], rtt), 10);
  // Four members: a quorum is three.
  assert.equal(quorumRttMs('a', ['a', 'b', 'c', 'e'], rtt), 20);
  assert.equal(quorumRttMs('a', ['a'], rtt), 0, 'a single member is its own quorum');
  assert.throws(() => quorumRttMs('z', ['a', 'b'], rtt), /leader z is not a member/);
});

test('a floor adds the fsync, the client round trip, and the forward when sent to a follower', () => {
  const rtt = (): number => 80;
  const atLeader = commitFloor({ members: IDS, leader: 'n1', sentTo: 'n1', memberRttMs: rtt, clientRttMs: 0, fsyncMs: 0.25 });
  assert.deepEqual(atLeader, { floorMs: 80.25, parts: { quorumRttMs: 80, fsyncMs: 0.25, clientRttMs: 0 }, leader: 'n1', sentTo: 'n1' });
  const viaFollower = commitFloor({ members: IDS, leader: 'n1', sentTo: 'n2', memberRttMs: rtt, clientRttMs: 30, fsyncMs: 0.25 });
  assert.deepEqual(viaFollower.parts, { quorumRttMs: 80, forwardRttMs: 80, fsyncMs: 0.25, clientRttMs: 30 });
  assert.equal(viaFollower.floorMs, 190.25);
  assert.equal(lowestFloor([viaFollower, atLeader]), atLeader);
  assert.throws(() => lowestFloor([]), /no path/);
  assert.throws(() => commitFloor({ members: IDS, leader: 'n1', sentTo: 'n1', memberRttMs: rtt, clientRttMs: 0, fsyncMs: Number.NaN }), /fsyncMs must be/);
  assert.throws(() => commitFloor({ members: IDS, leader: 'n1', sentTo: 'n9', memberRttMs: rtt, clientRttMs: 0, fsyncMs: 1 }), /n9, which is not a member/);
});

test('geo places: members in their regions, the client anywhere known', () => {
  const sites = geoSites(geoPreset('us-east-1,us-west-2,eu-west-1').members);
  assert.equal(memberRttMs(sites, 'n1', 'n2'), 87);
  assert.equal(memberRttMs(sites, 'n2', 'n3'), 137);
  assert.deepEqual(membersIn(sites, 'eu-west-1'), ['n3']);
  assert.deepEqual(membersIn(sites, 'ap-northeast-1'), [], 'a region without members');
  const layout = new TargetLayout(IDS, ENDPOINTS, sites, 'ap-northeast-1');
  assert.equal(layout.clientRttMs(ENDPOINTS[1]), 89);
  // Leader in us-east-1: nearest peer eu-west-1 at 81 ms; the client in Tokyo talks to it (145 ms).
  const floor = layout.floorFor([{ leaderEndpoint: ENDPOINTS[0], sentToEndpoint: ENDPOINTS[0] }], 0.5);
  assert.deepEqual(floor, { floorMs: 81 + 0.5 + 145, parts: { quorumRttMs: 81, fsyncMs: 0.5, clientRttMs: 145 }, leader: 'n1', sentTo: 'n1' });
  assert.throws(() => planLayout(IDS, sites, 'mars-1'), /--client-region: unknown place "mars-1"; known: us-east-1/);
});

test('uniform delay: every member in a site of its own, named after it', () => {
  const sites = uniformDelaySites(IDS, 40);
  assert.equal(sites.rttMs('n1', 'n3'), 80);
  assert.equal(sites.rttMs('n2', 'n2'), 0);
  assert.deepEqual(membersIn(sites, 'n2'), ['n2']);
  assert.throws(() => sites.rttMs('n1', 'us-east-1'), /unknown place "us-east-1"; known: n1, n2, n3/);
  const layout = new TargetLayout(IDS, ENDPOINTS, sites, 'n2');
  assert.equal(layout.clientRttMs(ENDPOINTS[1]), 0, 'the client sits with n2');
  assert.equal(layout.clientRttMs(`${ENDPOINTS[2]}/`), 80, 'endpoints compare by origin');
  // Leadership moved from n1 to n3 during the run, clients talked to n2: both paths forward.
  const served = [
    { leaderEndpoint: ENDPOINTS[0], sentToEndpoint: ENDPOINTS[1] },
    { leaderEndpoint: ENDPOINTS[2], sentToEndpoint: ENDPOINTS[1] },
  ];
  const floor = layout.floorFor(served, 0.2);
  assert.deepEqual(floor.parts, { quorumRttMs: 80, forwardRttMs: 80, fsyncMs: 0.2, clientRttMs: 0 });
  assert.equal(floor.leader, 'n1', 'equal floors: the first path');
});

test('without places the members are round trip 0 apart and the client cannot be placed', () => {
  const layout = new TargetLayout(IDS, ENDPOINTS, null);
  assert.equal(layout.placesClient, false);
  assert.equal(layout.clientRttMs(ENDPOINTS[0]), 0);
  assert.deepEqual(layout.floorFor([{ leaderEndpoint: ENDPOINTS[1], sentToEndpoint: ENDPOINTS[0] }], 0.3).parts, { quorumRttMs: 0, forwardRttMs: 0, fsyncMs: 0.3, clientRttMs: 0 });
  assert.throws(() => planLayout(IDS, null, 'n1'), /--client-region n1: the members have no regions/);
  assert.throws(() => layout.memberAt('http://127.0.0.1:9'), /no member serves/);
  assert.throws(() => new TargetLayout(IDS, ENDPOINTS.slice(0, 2), null), /3 members for 2 endpoints/);
});

test('the floor reporter probes the fsync at start and once after, keeps the lower, and defaults to a client at the current leader', async () => {
  let probes = 0;
  const probeTimesMs = [0.75, 0.9, 0.8, 0.6];
  const fakeProbe = async (): Promise<number[]> => [probeTimesMs[probes++]!];
  const { floorMs, clientRttMs } = planLayout(IDS, uniformDelaySites(IDS, 10), 'n1')(ENDPOINTS, fakeProbe, async () => ENDPOINTS[2]);
  assert.equal(clientRttMs?.(ENDPOINTS[1]), 20, 'a placed client has round trips');
  assert.equal(planLayout(IDS, uniformDelaySites(IDS, 10), undefined)(ENDPOINTS, fakeProbe, async () => ENDPOINTS[2]).clientRttMs, undefined, 'an unplaced client has none');
  assert.equal(probes, 2, 'each layout probes once when its target is up');
  const atLeader = await floorMs();
  assert.deepEqual(atLeader, { floorMs: 20 + 0.75 + 20, parts: { quorumRttMs: 20, fsyncMs: 0.75, clientRttMs: 20 }, leader: 'n3', sentTo: 'n3' });
  const viaFollower = await floorMs([{ leaderEndpoint: ENDPOINTS[2], sentToEndpoint: ENDPOINTS[0] }]);
  assert.equal(viaFollower.floorMs, 20 + 20 + 0.75 + 0);
  assert.equal(probes, 3, 'one probe after the run, however often the floor is asked');
});

test('the floor keeps the later probe when it is the lower one, or when the first failed', async () => {
  const probeOf = (timesMs: readonly (number | Error)[]) => {
    let calls = 0;
    return async (): Promise<number[]> => {
      const time = timesMs[calls++]!;
      if (time instanceof Error) throw time;
      return [time];
    };
  };
  const build = planLayout(IDS, null, undefined);
  const lower = build(ENDPOINTS, probeOf([0.9, 0.3]), async () => ENDPOINTS[0]);
  assert.equal((await lower.floorMs!()).parts.fsyncMs, 0.3);
  const failedFirst = build(ENDPOINTS, probeOf([new Error('disk busy'), 0.4]), async () => ENDPOINTS[0]);
  assert.equal((await failedFirst.floorMs!()).parts.fsyncMs, 0.4);
});

test('the disk rests half the nearest quorum round trip when writes come further apart, else not at all', () => {
  const sites = geoSites(geoPreset('us-east-1,us-west-2,eu-west-1').members);
  const layout = new TargetLayout(IDS, ENDPOINTS, sites);
  const ledByN1 = { leaderEndpoint: ENDPOINTS[0], sentToEndpoint: ENDPOINTS[0] };
  const ledByN2 = { leaderEndpoint: ENDPOINTS[1], sentToEndpoint: ENDPOINTS[0] };
  // n1 (us-east-1) syncs as a write arrives; its nearest peer (eu-west-1, 81 ms round trip) 40.5 ms later.
  assert.equal(layout.diskRestMs([ledByN1], 1000), 40.5);
  assert.equal(layout.diskRestMs([ledByN1], 40.6), 40.5);
  assert.equal(layout.diskRestMs([ledByN1], 40.5), 0, 'the next write syncs in between: no rest counted');
  assert.equal(layout.diskRestMs([ledByN1], 12), 0);
  // n2 (us-west-2): nearest peer us-east-1 at 87 ms; over both paths the shorter rest counts.
  assert.equal(layout.diskRestMs([ledByN2], 1000), 43.5);
  assert.equal(layout.diskRestMs([ledByN2, ledByN1], 1000), 40.5);
  assert.equal(layout.diskRestMs([ledByN2, ledByN1], 42), 0);
  assert.equal(new TargetLayout(IDS, ENDPOINTS, null).diskRestMs([ledByN1], 1000), 0, 'members without distance sync together');
  assert.throws(() => layout.diskRestMs([ledByN1], Number.NaN), /gap between writes/);
});

test('a floor for writes that left the disk resting probes rested syncs once per rest and says so', async () => {
  const restsProbed: number[] = [];
  const probe = async (restMs: number): Promise<number[]> => {
    restsProbed.push(restMs);
    return restMs === 0 ? [0.15] : [0.9];
  };
  const { floorMs } = planLayout(IDS, uniformDelaySites(IDS, 10), undefined)(ENDPOINTS, probe, async () => ENDPOINTS[0]);
  const atLeader = [{ leaderEndpoint: ENDPOINTS[0], sentToEndpoint: ENDPOINTS[0] }];
  // One sequential client: a write every ~21 ms; the quorum syncs 10 ms after the leader.
  const sequential = await floorMs(atLeader, 21);
  assert.deepEqual(sequential, { floorMs: 20 + 0.9, parts: { quorumRttMs: 20, fsyncMs: 0.9, clientRttMs: 0 }, leader: 'n1', sentTo: 'n1', fsyncRestMs: 10 });
  assert.equal(floorPartsText(sequential), 'quorumRttMs 20.0 + fsyncMs 0.900 after 10.0 ms rest + clientRttMs 0');
  assert.deepEqual((await floorMs(atLeader, 30)).parts.fsyncMs, 0.9);
  assert.deepEqual(restsProbed, [0, 10], 'the start probe, then one rested probe for both floors');
  // Writes every 5 ms sync between a write's leader and quorum syncs: back-to-back probes.
  const busy = await floorMs(atLeader, 5);
  assert.equal(busy.parts.fsyncMs, 0.15);
  assert.equal(busy.fsyncRestMs, undefined);
  assert.equal(floorPartsText(busy), 'quorumRttMs 20.0 + fsyncMs 0.150 + clientRttMs 0');
  assert.deepEqual(restsProbed, [0, 10, 0]);
});

test('probes after each phase pool their syncs per rest; a floor at a probed rest is their median and says so', async () => {
  const calls: { restMs: number; budgetMs: number | undefined }[] = [];
  const syncsByCall: number[][] = [[0.4, 0.5, 0.45], [1.0, 1.1, 0.9], [0.95], [0.2, 0.1]];
  const probe = async (restMs: number, budgetMs?: number): Promise<number[]> => {
    calls.push({ restMs, budgetMs });
    return syncsByCall[calls.length - 2] ?? [0.15];
  };
  const parts = planLayout(IDS, uniformDelaySites(IDS, 10), undefined)(ENDPOINTS, probe, async () => ENDPOINTS[0]);
  const atLeader = [{ leaderEndpoint: ENDPOINTS[0], sentToEndpoint: ENDPOINTS[0] }];
  // Three sequential phases (a write every ~21 ms: 10 ms rests), then a busy one (no rest).
  await parts.probeDiskAfterPhase(atLeader, 21);
  await parts.probeDiskAfterPhase(atLeader, 22);
  await parts.probeDiskAfterPhase(atLeader, 20.5);
  await parts.probeDiskAfterPhase(atLeader, 2);
  assert.deepEqual(calls.slice(1), [
    { restMs: 10, budgetMs: 1_000 },
    { restMs: 10, budgetMs: 1_000 },
    { restMs: 10, budgetMs: 1_000 },
    { restMs: 0, budgetMs: 1_000 },
  ], 'after the start probe, one probe per phase at the rest its writes gave the disk');
  const sequential = await parts.floorMs(atLeader, 21);
  // The median of all seven syncs at 10 ms rests, not of any one probe.
  assert.deepEqual(sequential, {
    floorMs: 20 + 0.9,
    parts: { quorumRttMs: 20, fsyncMs: 0.9, clientRttMs: 0 },
    leader: 'n1',
    sentTo: 'n1',
    fsyncRestMs: 10,
    fsyncPooled: { syncs: 7, probes: 3 },
  });
  assert.equal(floorPartsText(sequential), 'quorumRttMs 20.0 + fsyncMs 0.900 after 10.0 ms rest (median of 7 syncs in 3 probes) + clientRttMs 0');
  const busy = await parts.floorMs(atLeader, 2);
  assert.equal(busy.parts.fsyncMs, 0.2, 'the median (upper middle) of the back-to-back phase probe');
  assert.deepEqual(busy.fsyncPooled, { syncs: 2, probes: 1 });
  assert.equal(floorPartsText(busy), 'quorumRttMs 20.0 + fsyncMs 0.200 (median of 2 syncs in 1 probe) + clientRttMs 0');
  assert.equal(calls.length, 5, 'pooled floors probe nothing more');
});

/** A member's flush window of `count` flushes at each of `durationsUs`, in the WAL's precision. */
function flushWindow(durationsUs: number[], count = 10): LogLinearHistogram {
  const histogram = new LogLinearHistogram(7);
  for (const us of durationsUs) histogram.record(us, count);
  return histogram;
}

test('the fastest follower\'s own WAL flushes in the measured windows price the fsync when cheaper than the probe; the leader\'s are left out', async () => {
  const probe = async (restMs: number): Promise<number[]> => (restMs === 0 ? [0.15] : [1.0]);
  const parts = planLayout(IDS, uniformDelaySites(IDS, 10), undefined)(ENDPOINTS, probe, async () => ENDPOINTS[0]);
  const atLeader = [{ leaderEndpoint: ENDPOINTS[0], sentToEndpoint: ENDPOINTS[0] }];
  // The leader n1 flushed fastest, but its syncs are not the ones a commit waits for; n3 is the faster follower.
  const flushes = new Map([
    [ENDPOINTS[0], flushWindow([100], 100)],
    [ENDPOINTS[1], flushWindow([500, 900], 20)],
    [ENDPOINTS[2], flushWindow([300, 800], 15)],
  ]);
  const floor = await parts.floorMs(atLeader, 21, flushes);
  const [n3, n2] = floor.fsyncWal?.followers ?? [];
  assert.deepEqual([n3?.member, n3?.flushes, n2?.member, n2?.flushes], ['n3', 30, 'n2', 40]);
  // Each median is its own member's: n3's half at 0.3 ms, n2's at 0.5 ms (pooled, the median would be 0.5).
  assert.ok(n3.medianMs >= 0.3 && n3.medianMs <= 0.3 * (1 + 1 / 128), `n3 ${n3.medianMs}`);
  assert.ok(n2.medianMs >= 0.5 && n2.medianMs <= 0.5 * (1 + 1 / 128), `n2 ${n2.medianMs}`);
  assert.equal(floor.parts.fsyncMs, n3.medianMs, 'the fastest follower, below the rested probe');
  assert.equal(floor.fsyncWal?.probeMs, 1.0);
  assert.equal(floor.fsyncRestMs, 10, 'the probe is still described');
  assert.equal(floor.floorMs, 20 + n3.medianMs);
  const ms = (v: number): string => v.toFixed(3);
  assert.equal(
    floorPartsText(floor),
    `quorumRttMs 20.0 + fsyncMs ${ms(n3.medianMs)} (the lower of the fastest follower's WAL flushes in the measured windows (n3 median ${ms(n3.medianMs)} of 30, n2 ${ms(n2.medianMs)} of 40) and the probe, 1.00 after 10.0 ms rest) + clientRttMs 0`,
  );
  // Flushes slower than the probe (a loaded run): the probe's cheaper sync makes the stricter floor.
  const slow = await parts.floorMs(atLeader, 21, new Map([[ENDPOINTS[1], flushWindow([2000], 30)]]));
  assert.equal(slow.parts.fsyncMs, 1.0);
  assert.ok((slow.fsyncWal?.followers[0].medianMs ?? 0) >= 2.0, 'the flushes are reported beside it');
  // Too few flushes to trust: the probe alone, as for a target whose WAL reports nothing.
  const few = await parts.floorMs(atLeader, 21, new Map([[ENDPOINTS[1], flushWindow([300], 19)]]));
  assert.equal(few.parts.fsyncMs, 1.0);
  assert.equal(few.fsyncWal, undefined);
  // Leadership moved during the run: every member followed on some path, so all count.
  const moved = await parts.floorMs([...atLeader, { leaderEndpoint: ENDPOINTS[1], sentToEndpoint: ENDPOINTS[1] }], 21, flushes);
  assert.deepEqual(moved.fsyncWal?.followers.map((f) => f.member), ['n1', 'n3', 'n2']);
  assert.ok(moved.parts.fsyncMs <= 0.1 * (1 + 1 / 128));
});
