// Ports wanted together come out distinct and stay taken until released, then are free to bind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePorts, reservePorts } from '../../src/cluster/free-port.js';

const HOST = '127.0.0.1';

/** Listens on `port` and closes again; the error code when the port is taken. */
function tryListen(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    server.listen(port, HOST, () => server.close(() => resolve(null)));
  });
}

test('reserved ports are distinct and taken until released, then free', async () => {
  const reservation = await reservePorts(16, HOST);
  let released = false;
  try {
    assert.equal(reservation.ports.length, 16);
    assert.equal(new Set(reservation.ports).size, 16, `ports repeat: ${reservation.ports.join(', ')}`);
    for (const port of reservation.ports) assert.equal(await tryListen(port), 'EADDRINUSE', `port ${port} should be held`);
    await reservation.release();
    released = true;
    await reservation.release();
    for (const port of reservation.ports) assert.equal(await tryListen(port), null, `port ${port} should be free after release`);
  } finally {
    if (!released) await reservation.release();
  }
});

test('free ports asked for together are distinct', async () => {
  const ports = await freePorts(12, HOST);
  assert.equal(new Set(ports).size, 12);
  for (const port of ports) assert.ok(Number.isInteger(port) && port > 0 && port < 65536, `port ${port}`);
  assert.deepEqual(await freePorts(0, HOST), []);
});

test('a count that is not a whole number >= 0 is refused', async () => {
  await assert.rejects(reservePorts(-1, HOST), RangeError);
  await assert.rejects(reservePorts(1.5, HOST), RangeError);
});
