// A TCP proxy on 127.0.0.1 that delays the bytes of every connection by a constant delayMs in
// each direction, in order: a chunk read at t is written on at t + delayMs, whatever is still in
// flight before it (see DelayLine). Put in front of each etcd member's peer port, with the
// member advertising the proxy, it gives every Raft link a round trip of 2 x delayMs.

import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { DelayLine } from './delay-line.js';

const PROXY_CONNECTIONS_MAX_DEFAULT = 64;
/** Bytes per direction read and not yet written on before reading pauses (back-pressure). */
const IN_FLIGHT_BYTES_MAX_DEFAULT = 16 * 1024 * 1024;
/** Chunks per direction in flight before reading pauses; bounds the line with the connections. */
const IN_FLIGHT_CHUNKS_MAX = 1024;
/** What one connection may have in the line at worst: per side its chunks, its end and its close. */
const LINE_ENTRIES_PER_CONNECTION_MAX = 2 * (IN_FLIGHT_CHUNKS_MAX + 2);
const LOOPBACK = '127.0.0.1';

export interface DelayProxyOptions {
  targetHost: string;
  targetPort: number;
  delayMs: number;
  connectionsMax?: number;
  inFlightBytesMax?: number;
}

export class DelayProxy {
  private readonly sockets = new Set<Socket>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly line: DelayLine,
    private readonly options: Required<DelayProxyOptions>,
    /** The port the proxy listens on (127.0.0.1). */
    readonly port: number,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  get delayMs(): number {
    return this.line.delayMs;
  }

  /** Changes the delay of the bytes read from now on; bytes in flight keep theirs, and stay in order. */
  setDelayMs(delayMs: number): void {
    this.line.setDelayMs(delayMs);
  }

  /** Listens on a free 127.0.0.1 port; connections are opened to the target as they arrive. */
  static async start(options: DelayProxyOptions): Promise<DelayProxy> {
    const settled: Required<DelayProxyOptions> = {
      connectionsMax: PROXY_CONNECTIONS_MAX_DEFAULT,
      inFlightBytesMax: IN_FLIGHT_BYTES_MAX_DEFAULT,
      ...options,
    };
    if (!(Number.isInteger(settled.targetPort) && settled.targetPort > 0 && settled.targetPort < 65536)) throw new RangeError(`bad target port ${settled.targetPort}`);
    if (!(Number.isInteger(settled.connectionsMax) && settled.connectionsMax > 0)) throw new RangeError(`bad connection limit ${settled.connectionsMax}`);
    if (!(settled.inFlightBytesMax > 0)) throw new RangeError(`bad in-flight byte limit ${settled.inFlightBytesMax}`);
    const line = new DelayLine(settled.delayMs, settled.connectionsMax * LINE_ENTRIES_PER_CONNECTION_MAX);
    const server = createServer({ allowHalfOpen: true, noDelay: true });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => {
        server.off('error', reject);
        resolve((server.address() as { port: number }).port);
      });
    });
    return new DelayProxy(server, line, settled, port);
  }

  /** Sockets open on both sides (two per proxied connection). */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** Stops listening and cuts every connection; bytes in flight are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.line.close();
    const socketsClosed = [...this.sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([...socketsClosed, new Promise((resolve) => this.server.close(resolve))]);
  }

  private accept(client: Socket): void {
    if (!this.hasRoomForConnection()) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: this.options.targetHost, port: this.options.targetPort, allowHalfOpen: true, noDelay: true });
    for (const [socket, other] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(socket);
      this.pipeDelayed(socket, other);
      // A reset ends both sides at once; bytes still in flight towards a broken side are lost anyway.
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.later(() => other.destroy());
      });
    }
  }

  /** Forwards what `source` reads to `destination` delayMs later, pausing when too much is in flight. */
  private pipeDelayed(source: Socket, destination: Socket): void {
    let inFlightBytes = 0;
    let inFlightChunks = 0;
    const tooMuch = (): boolean => inFlightBytes + destination.writableLength > this.options.inFlightBytesMax || inFlightChunks >= IN_FLIGHT_CHUNKS_MAX;
    const resumeIfRoom = (): void => {
      if (source.isPaused() && !source.destroyed && !tooMuch()) source.resume();
    };
    source.on('data', (chunk: Buffer) => {
      inFlightBytes += chunk.length;
      inFlightChunks++;
      this.later(() => {
        inFlightBytes -= chunk.length;
        inFlightChunks--;
        if (!destination.destroyed) destination.write(chunk);
        resumeIfRoom();
      });
      if (tooMuch()) source.pause();
    });
    destination.on('drain', resumeIfRoom);
    source.on('end', () => this.later(() => destination.end()));
  }

  /**
   * The line can never overflow: a connection is taken only if what is in the line now (closed
   * connections' leftovers included) plus the worst case of every live connection fits.
   */
  private hasRoomForConnection(): boolean {
    const liveConnections = Math.ceil(this.sockets.size / 2);
    if (this.closed || liveConnections >= this.options.connectionsMax) return false;
    return this.line.size + (liveConnections + 1) * LINE_ENTRIES_PER_CONNECTION_MAX <= this.line.entriesMax;
  }

  private later(run: () => void): void {
    if (!this.closed) this.line.push(run);
  }
}
