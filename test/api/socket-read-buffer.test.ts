// An accepted socket switched to reading into a caller's buffer: reads arrive in that buffer,
// a socket cannot be switched twice, and once released its reads come as 'data' events again,
// each a copy of its own.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { readIntoBuffer } from '../../src/api/socket-read-buffer.js';
import { waitUntil } from '../support/wait-until.js';

/** Runs `check` with both ends of one loopback connection, then closes everything. */
async function withConnection(check: (accepted: Socket, client: Socket) => Promise<void>): Promise<void> {
  let accept: (socket: Socket) => void = () => undefined;
  const accepted = new Promise<Socket>((resolve) => (accept = resolve));
  const server = createServer((socket) => accept(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const socket = await accepted;
  try {
    await check(socket, client);
  } finally {
    client.destroy();
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('reads land in the given buffer until released, then come as data events of their own', async () => {
  await withConnection(async (socket, client) => {
    const buffer = Buffer.alloc(1024);
    const reads: string[] = [];
    const buffered = readIntoBuffer(socket, buffer, (bytesRead, into) => {
      assert.equal(into, buffer, 'the read is in the buffer given');
      reads.push(into.toString('latin1', 0, bytesRead));
    });
    assert.notEqual(buffered, null, "this node has the onread mode's slots");
    assert.equal(readIntoBuffer(socket, Buffer.alloc(16), () => undefined), null, 'a socket is switched once');
    client.write('hello');
    await waitUntil(() => reads.length > 0, 'the first read reached the callback');
    assert.deepEqual(reads, ['hello']);

    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    buffered?.release();
    client.write('world');
    await waitUntil(() => chunks.length > 0, 'a released read came as data');
    assert.deepEqual(chunks.map((chunk) => chunk.toString('latin1')), ['world']);
    assert.notEqual(chunks[0]?.buffer, buffer.buffer, 'a released read is copied out of the buffer');
    assert.deepEqual(reads, ['hello'], 'the callback sees nothing once released');
  });
});
