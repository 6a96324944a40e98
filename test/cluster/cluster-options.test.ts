// resolveClusterOptions with a uniform delay: every link between members gets it, the timing
// follows it unless given, links given on top still win, and a geo preset beside it is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveClusterOptions } from '../../src/cluster/cluster-options.js';

const IDS = ['n1', 'n2', 'n3'];

test('delayMs delays every directed link one way and sets the timing for its round trip', () => {
  const resolved = resolveClusterOptions({ delayMs: 40 }, IDS);
  assert.deepEqual(Object.keys(resolved.links).sort(), ['n1->n2', 'n1->n3', 'n2->n1', 'n2->n3', 'n3->n1', 'n3->n2']);
  assert.ok(Object.values(resolved.links).every((link) => link.delayMs === 40));
  // An 80 ms round trip: a heartbeat of about one round trip, an election timeout of ten.
  assert.equal(resolved.heartbeatMs, 80);
  assert.equal(resolved.electionMs, 800);
  assert.equal(resolved.timingSource, 'delay');
  assert.equal(resolved.geo, null);
});

test('a short delay keeps the default heartbeat rather than one of a few milliseconds', () => {
  const resolved = resolveClusterOptions({ delayMs: 1 }, IDS);
  assert.equal(resolved.heartbeatMs, 50);
  assert.equal(resolved.electionMs, 250);
  assert.equal(resolved.timingSource, 'delay');
});

test('with delayMs, timing and links given explicitly win', () => {
  const resolved = resolveClusterOptions({ delayMs: 40, heartbeatMs: 30, links: { 'n1->n2': { delayMs: 5, loss: 0.1 } } }, IDS);
  assert.equal(resolved.heartbeatMs, 30);
  assert.equal(resolved.electionMs, 800, 'the election timeout still follows the delay');
  assert.equal(resolved.timingSource, 'options');
  assert.deepEqual(resolved.links['n1->n2'], { delayMs: 5, loss: 0.1 });
  assert.deepEqual(resolved.links['n2->n1'], { delayMs: 40 });
});

test('without geo or delay there are no links and the default timing', () => {
  const resolved = resolveClusterOptions({}, IDS);
  assert.deepEqual(resolved.links, {});
  assert.equal(resolved.timingSource, 'default');
});

test('delayMs is refused beside a geo preset, and when it is not a delay', () => {
  assert.throws(() => resolveClusterOptions({ delayMs: 40, geo: 'us-east-1,us-west-2,eu-west-1' }, IDS), /a geo preset or a uniform delay, not both/);
  assert.throws(() => resolveClusterOptions({ delayMs: -1 }, IDS), /delayMs must be a finite number >= 0/);
});
