// The WebSocket transport, for members in separate processes or hosts: each member listens for
// its peers' connections and dials one connection to each peer for what it sends. Frames are
// binary batches, per-message deflate stays off, and a dropped connection is redialled with
// exponential back-off. Raft tolerates loss, so messages to an unreachable peer are dropped.
// A peer elsewhere may read another clock, so a delayed link here sends on time (no lead).

import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { NodeId } from '../raft/types.js';
import type { LinkConfig } from './link-config.js';
import { PeerTransport, type OutgoingBatch } from './peer-transport.js';
import { packBatch } from './batch-frame.js';

/** Bytes queued on one socket before further batches are dropped (back-pressure). */
const BUFFERED_BYTES_MAX = 64 * 1024 * 1024;
const REDIAL_DELAY_MS_MIN = 25;
const REDIAL_DELAY_MS_MAX = 1000;
const PAYLOAD_BYTES_MAX = 256 * 1024 * 1024;
const HELLO_HEADER = 'x-raftyard-from';

export interface WsTransportOptions {
  id: NodeId;
  /** Each peer's ws:// URL. */
  peers: Record<NodeId, string>;
  host: string;
  port: number;
  seed: number;
  links?: Record<NodeId, Partial<LinkConfig>>;
}

interface Dialer {
  url: string;
  socket: WebSocket | null;
  redialDelayMs: number;
  timer: NodeJS.Timeout | null;
}

export class WsTransport extends PeerTransport {
  private readonly dialers = new Map<NodeId, Dialer>();
  private server: WebSocketServer | null = null;
  private shuttingDown = false;

  constructor(private readonly options: WsTransportOptions) {
    super(options.id, Object.keys(options.peers).sort(), options.seed, options.links ?? {});
    for (const [peer, url] of Object.entries(options.peers)) {
      this.dialers.set(peer, { url, socket: null, redialDelayMs: REDIAL_DELAY_MS_MIN, timer: null });
    }
  }

  /** Starts listening and dialling; resolves with the port listened on. */
  async listen(): Promise<number> {
    const server = new WebSocketServer({
      host: this.options.host,
      port: this.options.port,
      maxPayload: PAYLOAD_BYTES_MAX,
      perMessageDeflate: false,
    });
    this.server = server;
    server.on('connection', (socket, request) => {
      const from = String(request.headers[HELLO_HEADER] ?? '');
      socket.on('message', (data: RawData) => this.onFrame(from, data));
      socket.on('error', () => socket.terminate());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    for (const peer of this.dialers.keys()) this.dial(peer);
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : this.options.port;
  }

  private onFrame(from: NodeId, data: RawData): void {
    const frame = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
    try {
      this.receiveFrame(from, frame);
    } catch {
      // A malformed frame from a peer is dropped; Raft resends what matters.
    }
  }

  private dial(peer: NodeId): void {
    const dialer = this.dialers.get(peer)!;
    if (this.shuttingDown) return;
    const socket = new WebSocket(dialer.url, {
      perMessageDeflate: false,
      maxPayload: PAYLOAD_BYTES_MAX,
      headers: { [HELLO_HEADER]: this.id },
      // A client must mask its frames, and ws masks by copying the frame and XOR-ing it. An
      // all-zero mask is valid and lets ws send the batch as it is: masking only shields
      // browsers' proxies, and both ends here are members.
      generateMask: (mask) => mask.fill(0),
    });
    dialer.socket = socket;
    socket.on('open', () => (dialer.redialDelayMs = REDIAL_DELAY_MS_MIN));
    socket.on('error', () => {});
    socket.on('close', () => {
      dialer.socket = null;
      if (this.shuttingDown) return;
      dialer.timer = setTimeout(() => this.dial(peer), dialer.redialDelayMs);
      dialer.redialDelayMs = Math.min(dialer.redialDelayMs * 2, REDIAL_DELAY_MS_MAX);
    });
  }

  protected sendBatch(peer: NodeId, batch: OutgoingBatch): void {
    const socket = this.dialers.get(peer)?.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || socket.bufferedAmount > BUFFERED_BYTES_MAX) return;
    socket.send(packBatch(batch.messages, batch.arrivalAtMs), { binary: true });
  }

  protected closeChannels(): void {
    this.shuttingDown = true;
    for (const dialer of this.dialers.values()) {
      if (dialer.timer) clearTimeout(dialer.timer);
      dialer.socket?.terminate();
    }
    if (this.server) {
      for (const client of this.server.clients) client.terminate();
      this.server.close();
    }
  }
}
