// Keeps the kernel's TCP send path warm for a thread about to answer a client after a rest: a
// loopback connection from this thread to itself, on which warm() writes one byte. Behind 40 ms
// links a leader's answer is written after 80 ms of near silence, and the write call (the kernel's
// TCP and loopback code, cold by then) took 0.092 ms at the median against 0.021 ms back to back;
// with one byte written on this connection just before, 0.037 ms. The byte is read and dropped
// here as it arrives, so nothing piles up; the port listens on loopback for this one connection
// and refuses any other. Whatever goes wrong with it (it cannot open, a socket errors, a stranger
// connected first) ends the warming, never the member.

import { createServer, connect, type Server, type Socket } from 'node:net';

const ONE_BYTE = Buffer.from([0x2a]);

export class LoopbackWarmer {
  private writer: Socket | null = null;
  private readonly server: Server;
  private readonly accepted = new Set<Socket>();
  private closed = false;
  private warmings = 0;
  private bytesIn = 0;

  constructor() {
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', () => this.close());
    this.server.listen(0, '127.0.0.1', () => this.connectWriter());
    this.server.unref();
  }

  /** Writes one byte through the kernel's TCP path, if the connection is up and has nothing queued. */
  warm(): void {
    const writer = this.writer;
    if (writer === null || writer.writableLength > 0) return;
    this.warmings++;
    writer.write(ONE_BYTE);
  }

  /** Whether warm() writes: the connection is open and nothing has ended it. */
  get up(): boolean {
    return this.writer !== null;
  }

  /** Bytes written by warm() so far. */
  get warmed(): number {
    return this.warmings;
  }

  /** Bytes that came out at the other end of the connection (and were dropped). */
  get received(): number {
    return this.bytesIn;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.writer?.destroy();
    this.writer = null;
    for (const socket of this.accepted) socket.destroy();
    this.accepted.clear();
    this.server.close();
  }

  private connectWriter(): void {
    if (this.closed) return;
    const address = this.server.address();
    if (address === null || typeof address === 'string') return this.close();
    const writer = connect({ host: '127.0.0.1', port: address.port, noDelay: true });
    writer.unref();
    writer.on('error', () => this.close());
    writer.on('close', () => this.close());
    writer.once('connect', () => {
      if (!this.closed) this.writer = writer;
    });
  }

  private accept(socket: Socket): void {
    // One connection is ours; any other (none is expected on a loopback port nobody was told of) is refused.
    if (this.closed || this.accepted.size > 0) {
      socket.destroy();
      return;
    }
    this.accepted.add(socket);
    socket.unref();
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    socket.on('data', (bytes: Buffer) => {
      this.bytesIn += bytes.length;
    });
  }
}
