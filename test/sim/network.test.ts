// The simulated network: partitions cut exactly the links they should, and link shapes drop,
// duplicate, delay and reorder as configured, reproducibly from a seed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/util/prng.js';
import { calmLink, SimNetwork, type LinkShape } from './network.js';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];

function network(shape: LinkShape = calmLink, seed = 1, inFlightMax = 1000): SimNetwork {
  return new SimNetwork(ids, new Prng(seed), shape, inFlightMax);
}

test('a symmetric partition cuts every link between the groups and none inside them', () => {
  const net = network();
  net.partition([['n1', 'n2'], ['n3', 'n4', 'n5']]);
  assert.equal(net.isBlocked('n1', 'n3'), true);
  assert.equal(net.isBlocked('n4', 'n2'), true);
  assert.equal(net.isBlocked('n1', 'n2'), false);
  assert.equal(net.isBlocked('n3', 'n5'), false);
  assert.deepEqual(net.route('n1', 'n3', 0), []);
  assert.equal(net.stats.droppedByPartition, 1);
  net.heal();
  assert.equal(net.partitioned, false);
  assert.equal(net.route('n1', 'n3', 0).length, 1);
  net.partition([['n1'], ['n2', 'n3', 'n4', 'n5']]);
  assert.equal(net.arrived('n1', 'n3'), false, 'a message on the wire when the link is cut is lost');
  assert.equal(net.stats.droppedByPartition, 2);
});

test('a one-way cut blocks one direction only, and isolating a node cuts it off both ways', () => {
  const net = network();
  net.blockOneWay('n1', 'n2');
  assert.equal(net.isBlocked('n1', 'n2'), true);
  assert.equal(net.isBlocked('n2', 'n1'), false);
  net.heal();
  net.isolate('n4');
  for (const other of ['n1', 'n2', 'n3', 'n5']) {
    assert.equal(net.isBlocked('n4', other), true);
    assert.equal(net.isBlocked(other, 'n4'), true);
  }
  assert.equal(net.isBlocked('n1', 'n5'), false);
});

test('a partition must place every node', () => {
  assert.throws(() => network().partition([['n1'], ['n2']]), /every node/);
});

test('a calm link delivers every message once, in order, within its delay bounds', () => {
  const net = network();
  let lastMs = 0;
  for (let sentMs = 0; sentMs < 500; sentMs++) {
    const times = net.route('n1', 'n2', sentMs);
    assert.equal(times.length, 1);
    const arrivesMs = times[0]!;
    assert.ok(arrivesMs >= lastMs, 'a FIFO link never lets a later message overtake');
    assert.ok(arrivesMs >= sentMs + calmLink.delayMsMin);
    lastMs = arrivesMs;
    net.arrived('n1', 'n2');
  }
});

test('a lossy link drops and duplicates at about its rates, and reorders', () => {
  const shape: LinkShape = { ...calmLink, delayMsMax: 20, dropRate: 0.2, duplicateRate: 0.1, reorderRate: 0.1, reorderDelayMsMax: 50, fifo: false };
  const net = network(shape, 42, 100_000);
  const arrivals: number[] = [];
  const sent = 10_000;
  for (let i = 0; i < sent; i++) arrivals.push(...net.route('n2', 'n3', i));
  assert.ok(Math.abs(net.stats.droppedByLoss / sent - 0.2) < 0.03, `drop share ${net.stats.droppedByLoss / sent}`);
  assert.ok(Math.abs(net.stats.duplicated / (sent - net.stats.droppedByLoss) - 0.1) < 0.03);
  const overtaken = arrivals.filter((t, i) => i > 0 && t < arrivals[i - 1]!).length;
  assert.ok(overtaken > 0, 'some messages arrive before ones sent earlier');
});

test('a link holding its limit of messages in flight drops the next one until one arrives', () => {
  const net = network(calmLink, 1, 2);
  assert.equal(net.route('n1', 'n2', 0).length, 1);
  assert.equal(net.route('n1', 'n2', 0).length, 1);
  assert.equal(net.route('n1', 'n2', 0).length, 0);
  assert.equal(net.stats.droppedByOverflow, 1);
  net.arrived('n1', 'n2');
  assert.equal(net.route('n1', 'n2', 0).length, 1);
  assert.throws(() => network().arrived('n1', 'n2'), /nothing in flight/);
});

test('the same seed routes the same way', () => {
  const shape: LinkShape = { ...calmLink, dropRate: 0.3, duplicateRate: 0.2, fifo: false };
  const trace = (seed: number): number[][] => {
    const net = network(shape, seed, 100_000);
    return Array.from({ length: 200 }, (_, i) => net.route('n1', 'n5', i));
  };
  assert.deepEqual(trace(9), trace(9));
  assert.notDeepEqual(trace(9), trace(10));
});
