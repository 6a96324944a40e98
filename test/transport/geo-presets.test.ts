// Geo presets: the copied RTT table matches the shared source, links get half the round trip,
// Raft timing follows etcd's advice, a uniform delay gets the same treatment, and unknown
// regions are refused with the known list.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { GEO_REGIONS, GEO_RTT_MS, SAME_REGION_RTT_MS, SAME_ZONE_RTT_MS } from '../../src/transport/geo-rtt.js';
import { geoPreset, oneWayDelayMs, parseRegion, parseRegions, raftTiming, regionRttMs, uniformDelayPreset } from '../../src/transport/geo-presets.js';

const SHARED_TABLE = '/work/shared/geo-rtt.json';

test('the copied table is symmetric with an empty diagonal', () => {
  for (const a of GEO_REGIONS) {
    assert.equal(GEO_RTT_MS[a][a], 0);
    for (const b of GEO_REGIONS) assert.equal(GEO_RTT_MS[a][b], GEO_RTT_MS[b][a], `${a}/${b}`);
  }
});

test('the copied table equals the shared source where that file is present', (t) => {
  // The shared file lives outside the project, so a copy of the project alone has nothing to compare.
  if (!existsSync(SHARED_TABLE)) return t.diagnostic(`${SHARED_TABLE} absent; nothing to compare`);
  const shared = JSON.parse(readFileSync(SHARED_TABLE, 'utf8'));
  assert.deepStrictEqual(shared.regions, [...GEO_REGIONS]);
  assert.deepStrictEqual(shared.rttMs, GEO_RTT_MS);
  assert.equal(shared.sameRegionRttMs, SAME_REGION_RTT_MS);
  assert.equal(shared.sameZoneRttMs, SAME_ZONE_RTT_MS);
});

test('three regions: every directed link gets half its round trip', () => {
  const preset = geoPreset('us-east-1,us-west-2,eu-west-1');
  assert.deepStrictEqual(preset.members.map((m) => m.id), ['n1', 'n2', 'n3']);
  assert.deepStrictEqual(preset.links, [
    { from: 'n1', to: 'n2', delayMs: 43.5 },
    { from: 'n1', to: 'n3', delayMs: 40.5 },
    { from: 'n2', to: 'n1', delayMs: 43.5 },
    { from: 'n2', to: 'n3', delayMs: 68.5 },
    { from: 'n3', to: 'n1', delayMs: 40.5 },
    { from: 'n3', to: 'n2', delayMs: 68.5 },
  ]);
  // The widest pair is us-west-2 / eu-west-1 at 137 ms.
  assert.equal(preset.rttMsMax, 137);
  assert.equal(preset.heartbeatMs, 137);
  assert.equal(preset.electionTimeoutMs, 1370);
});

test('members in one region use the same-region round trip', () => {
  assert.equal(oneWayDelayMs('eu-west-1', 'eu-west-1'), SAME_REGION_RTT_MS / 2);
  const preset = geoPreset(['eu-west-1', 'eu-west-1', 'us-east-1'], { nodeIds: ['a', 'b', 'c'] });
  assert.equal(preset.links.find((l) => l.from === 'a' && l.to === 'b')?.delayMs, 0.5);
  assert.equal(preset.links.find((l) => l.from === 'c' && l.to === 'b')?.delayMs, 40.5);
  assert.equal(preset.links.length, 6);
});

test('timing keeps at least five heartbeats per election timeout, with a heartbeat floor', () => {
  const local = geoPreset('us-west-2,us-west-2,us-west-2');
  assert.equal(local.heartbeatMs, 1);
  assert.equal(local.electionTimeoutMs, 10);
  const floored = geoPreset('us-west-2,us-west-2,us-west-2', { heartbeatMsMin: 50 });
  assert.equal(floored.heartbeatMs, 50);
  assert.equal(floored.electionTimeoutMs, 250);
  const world = geoPreset(GEO_REGIONS.join(','));
  assert.equal(world.rttMsMax, 310);
  assert.equal(world.electionTimeoutMs, 3100);
  assert.equal(world.links.length, 20);
});

test('unknown regions and mismatched ids are refused clearly', () => {
  assert.throws(() => parseRegions('us-east-1,mars-1'), (error: Error) => error instanceof RangeError && /mars-1/.test(error.message) && error.message.includes(GEO_REGIONS.join(', ')));
  assert.throws(() => geoPreset(['us-east-1'], { nodeIds: ['a', 'b'] }), /2 node ids for 1 regions/);
  assert.throws(() => geoPreset(['us-east-1', 'eu-west-1'], { nodeIds: ['a', 'a'] }), /repeat/);
  assert.throws(() => geoPreset([]), /at least one/);
});

test('a uniform delay puts the same one-way delay on every directed link, with geo timing', () => {
  const preset = uniformDelayPreset(['n1', 'n2', 'n3'], 40);
  assert.equal(preset.links.length, 6);
  assert.ok(preset.links.every((l) => l.delayMs === 40 && l.from !== l.to));
  assert.equal(new Set(preset.links.map((l) => `${l.from}->${l.to}`)).size, 6, 'no directed link twice');
  assert.equal(preset.rttMsMax, 80);
  // A heartbeat of about one round trip; the election timeout ten round trips.
  assert.equal(preset.heartbeatMs, 80);
  assert.equal(preset.electionTimeoutMs, 800);
  assert.deepStrictEqual(raftTiming(80, 1), { heartbeatMs: 80, electionTimeoutMs: 800 });
  const small = uniformDelayPreset(['a', 'b'], 1, { heartbeatMsMin: 50 });
  assert.deepStrictEqual([small.heartbeatMs, small.electionTimeoutMs], [50, 250]);
  assert.equal(uniformDelayPreset(['solo'], 40).links.length, 0);
  assert.throws(() => uniformDelayPreset(['a', 'a'], 40), /repeat/);
  assert.throws(() => uniformDelayPreset(['a'], -1), /delayMs/);
  assert.throws(() => uniformDelayPreset([], 1), /at least one/);
});

test('region round trips come from the table, one region meaning two of its zones', () => {
  assert.equal(regionRttMs('us-east-1', 'eu-west-1'), 81);
  assert.equal(regionRttMs('eu-west-1', 'eu-west-1'), SAME_REGION_RTT_MS);
  assert.equal(parseRegion('ap-northeast-1'), 'ap-northeast-1');
  assert.throws(() => parseRegion('n1'), /unknown region "n1"; known regions: us-east-1/);
});
