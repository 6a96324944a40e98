// The loopback connection a member writes one byte on before it answers after a rest: it opens
// by itself, carries each byte to its other end, and does nothing once closed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoopbackWarmer } from '../../src/api/loopback-warmer.js';
import { waitUntil } from '../support/wait-until.js';

test('a warmer opens its own loopback connection and carries each warm byte to the other end', async () => {
  const warmer = new LoopbackWarmer();
  try {
    warmer.warm();
    assert.equal(warmer.warmed, 0, 'nothing is written before the connection is up');
    await waitUntil(() => warmer.up, 'the connection is up');
    for (let i = 1; i <= 3; i++) {
      warmer.warm();
      assert.equal(warmer.warmed, i);
      await waitUntil(() => warmer.received === i, `byte ${i} arrives`);
    }
  } finally {
    warmer.close();
  }
  assert.equal(warmer.up, false);
  warmer.warm();
  assert.equal(warmer.warmed, 3, 'a closed warmer writes nothing');
  warmer.close();
});
