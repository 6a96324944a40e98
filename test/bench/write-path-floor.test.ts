// The `floor` bench target (bench/write-path-floor.bench.ts): the write path's bare threads answer
// each PUT only after both flushes and, with a delay, after the round trip to the follower; its
// links run unshaped when the bench asks; its floor is that round trip plus a sync; a request
// that comes in pieces is still answered once whole; it refuses settings it does not have.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { startFloorTarget } from '../../bench/write-path-floor.bench.js';
import { median } from '../../src/bench/median.js';

const DELAY_MS = 20;

async function timedPut(endpoint: string, key: string): Promise<{ status: number; ms: number }> {
  const startedMs = performance.now();
  const response = await fetch(`${endpoint}/v2/keys/${key}`, { method: 'PUT', body: 'value=0123456789abcdef', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  await response.text();
  return { status: response.status, ms: performance.now() - startedMs };
}

test('behind delayed links a write is answered after the round trip, and at once when unshaped', async () => {
  const target = await startFloorTarget({ seed: 1, delayMs: DELAY_MS, extra: {} });
  try {
    const [endpoint] = target.endpoints;
    assert.equal(await target.leaderEndpoint!(), endpoint);
    for (let i = 0; i < 3; i++) {
      const { status, ms } = await timedPut(endpoint, `k${i}`);
      assert.equal(status, 201);
      // Held by the follower until due, then its acknowledgement until due: never sooner.
      assert.ok(ms >= 2 * DELAY_MS, `answered after ${ms} ms, before the ${2 * DELAY_MS} ms round trip`);
    }
    const concurrent = await Promise.all(Array.from({ length: 8 }, (_, i) => timedPut(endpoint, `c${i}`)));
    assert.deepEqual(concurrent.map((put) => put.status), Array(8).fill(201));
    assert.ok(concurrent.every((put) => put.ms >= 2 * DELAY_MS));
    const unshapedMs = await target.unshaped!(async () => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push((await timedPut(endpoint, `u${i}`)).ms);
      return median(times);
    });
    assert.ok(unshapedMs < 2 * DELAY_MS, `unshaped, a write took ${unshapedMs} ms at the median`);
    const after = await timedPut(endpoint, 'again');
    assert.ok(after.ms >= 2 * DELAY_MS, 'the delay is back after the unshaped work');
    const floor = await target.floorMs!();
    assert.equal(floor.parts.quorumRttMs, 2 * DELAY_MS);
    assert.ok(floor.parts.fsyncMs > 0 && floor.parts.fsyncMs < 1_000);
    assert.equal(floor.floorMs, floor.parts.quorumRttMs + floor.parts.fsyncMs);
  } finally {
    await target.close();
  }
});

test('a request that arrives in pieces, and two on one connection, are answered in order', async () => {
  const target = await startFloorTarget({ seed: 1, extra: {} });
  assert.equal(target.unshaped, undefined, 'no delay: nothing to unshape');
  const socket = connect(Number(new URL(target.endpoints[0]).port), '127.0.0.1');
  try {
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const head = (key: string): string => `PUT /v2/keys/${key} HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n`;
    socket.write(head('a') + 'val');
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(received, '', 'nothing is answered before the body is whole');
    socket.write('ue=1' + head('b') + 'value=2');
    for (let i = 0; i < 200 && (received.match(/HTTP\/1\.1 201/g) ?? []).length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal((received.match(/HTTP\/1\.1 201 Created/g) ?? []).length, 2);
  } finally {
    socket.destroy();
    await target.close();
  }
});

test('the floor target refuses what it cannot be', async () => {
  await assert.rejects(startFloorTarget({ seed: 1, extra: { wal: 'off' } }), /unknown setting wal/);
  await assert.rejects(startFloorTarget({ seed: 1, extra: { front: 'grpc' } }), /front must be net or http/);
  await assert.rejects(startFloorTarget({ seed: 1, geo: 'us-eu-ap', extra: {} }), /only --delay/);
  await assert.rejects(startFloorTarget({ seed: 1, nodes: 5, extra: {} }), /three threads/);
});
