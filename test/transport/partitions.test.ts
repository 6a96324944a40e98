// Partitions: which directed links a grouping or a one-way cut severs, and applying or healing
// cuts on a mesh of links (here ShapedLinks on simulated time).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapedLink } from '../../src/transport/link-shaper.js';
import { allLinks, applyCuts, healAll, linkKey, oneWayCuts, partitionCuts, type DirectedLink } from '../../src/transport/partitions.js';
import { ManualClock } from './manual-clock.js';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
const keys = (links: DirectedLink[]): string[] => links.map((l) => linkKey(l.from, l.to)).sort();

test('a mesh of n members has n * (n - 1) directed links', () => {
  assert.equal(allLinks(nodes).length, 20);
  assert.throws(() => allLinks(['n1', 'n1']), /repeat/);
});

test('two groups cut every link between them, both ways, and nothing inside a group', () => {
  const cuts = keys(partitionCuts(['n1', 'n2', 'n3'], [['n1'], ['n2', 'n3']]));
  assert.deepStrictEqual(cuts, ['n1->n2', 'n1->n3', 'n2->n1', 'n3->n1']);
});

test('members named in no group stay together as one more group', () => {
  const isolateOne = keys(partitionCuts(nodes, [['n3']]));
  assert.equal(isolateOne.length, 8);
  assert.ok(isolateOne.every((key) => key.includes('n3')));
  const minority = partitionCuts(nodes, [['n1', 'n2']]);
  assert.equal(minority.length, 12);
  assert.throws(() => partitionCuts(nodes, [['n1'], ['n1']]), /twice/);
  assert.throws(() => partitionCuts(nodes, [['n9']]), /unknown/);
});

test('a one-way cut severs only the named direction', () => {
  assert.deepStrictEqual(keys(oneWayCuts(['n1'], ['n2', 'n3'])), ['n1->n2', 'n1->n3']);
  assert.deepStrictEqual(keys(oneWayCuts(['n1', 'n2'], ['n1', 'n2'])), ['n1->n2', 'n2->n1']);
});

test('applying cuts to a mesh cuts exactly those links, and healing restores them all', () => {
  const clock = new ManualClock();
  const delivered: string[] = [];
  const mesh = new Map(
    allLinks(['n1', 'n2', 'n3']).map(({ from, to }) => {
      const key = linkKey(from, to);
      return [key, new ShapedLink<string>({ config: { delayMs: 1 }, seed: 1, clock, deliver: () => delivered.push(key) })];
    }),
  );
  const sendEverywhere = (): void => {
    for (const [key, link] of mesh) link.send(key, 10);
    clock.advanceTo(clock.nowMs() + 5);
  };
  applyCuts(mesh, partitionCuts(['n1', 'n2', 'n3'], [['n1']]));
  sendEverywhere();
  assert.deepStrictEqual(delivered.sort(), ['n2->n3', 'n3->n2']);
  delivered.length = 0;
  applyCuts(mesh, oneWayCuts(['n2'], ['n3']));
  sendEverywhere();
  assert.equal(delivered.length, 5);
  assert.ok(!delivered.includes('n2->n3'));
  delivered.length = 0;
  healAll(mesh);
  sendEverywhere();
  assert.equal(delivered.length, 6);
  assert.throws(() => applyCuts(mesh, [{ from: 'n1', to: 'n9' }]), /lacks/);
});
