// Member threads are servers: the supervisor turns V8's idle memory reducer off (a process-wide
// flag) before it starts the first of them, once, however many clusters a process starts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import { Cluster } from '../../src/cluster/cluster.js';

const flagsSet: string[] = [];
const setFlags = v8.setFlagsFromString;
v8.setFlagsFromString = (flags: string): void => {
  flagsSet.push(flags);
  setFlags(flags);
};

test('the memory reducer is turned off when the first member starts, and only then', async () => {
  assert.deepEqual(flagsSet, [], 'nothing is set on import');
  const first = await Cluster.start({ nodes: 1 });
  try {
    assert.deepEqual(flagsSet, ['--no-memory-reducer']);
    const second = await Cluster.start({ nodes: 1 });
    await second.stop();
    assert.deepEqual(flagsSet, ['--no-memory-reducer'], 'a second cluster sets nothing again');
  } finally {
    await first.stop();
  }
});
