// The transport a Raft node sends through, whatever carries the bytes: each message passes its
// directed link's shaper (delay, loss, partitions …), and the messages leaving for a peer in
// the same turn of the event loop travel as one batch frame (one wake-up), encoded once,
// straight into the channel's buffer. Subclasses move frames: MessagePorts, shared-memory
// rings, WebSockets.

import type { Message, NodeId } from '../raft/types.js';
import { decodeMessage, encodedSize } from './message-codec.js';
import { unpackBatch } from './batch-frame.js';
import { PASS_THROUGH_LINK, type LinkConfig } from './link-config.js';
import { ShapedLink, type LinkStats } from './link-shaper.js';

export type TransportKind = 'port' | 'sab' | 'ws';

export interface LinkReport {
  to: NodeId;
  config: LinkConfig;
  stats: LinkStats;
}

export abstract class PeerTransport {
  /** Called for every message that arrives from a peer, with its encoded size. */
  onReceive: (message: Message, sizeBytes: number) => void = () => {};
  private readonly links = new Map<NodeId, ShapedLink<Message>>();
  private readonly outgoing = new Map<NodeId, Message[]>();
  private flushScheduled = false;
  private closed = false;

  constructor(
    readonly id: NodeId,
    readonly peers: readonly NodeId[],
    seed: number,
    linkConfigs: Readonly<Record<NodeId, Partial<LinkConfig>>> = {},
  ) {
    peers.forEach((peer, i) => {
      const link = new ShapedLink<Message>({
        config: linkConfigs[peer] ?? PASS_THROUGH_LINK,
        seed: (seed * 31 + i + 1) >>> 0,
        deliver: (message) => this.queueForPeer(peer, message),
      });
      this.links.set(peer, link);
    });
  }

  send(message: Message): void {
    if (this.closed) return;
    const link = this.links.get(message.to);
    if (link === undefined) return;
    // The size matters only to a bandwidth cap; a pass-through link skips computing it.
    link.send(message, link.config.bandwidthBps > 0 ? encodedSize(message) : 0);
  }

  configureLink(to: NodeId, update: Partial<LinkConfig>): void {
    const link = this.links.get(to);
    if (link === undefined) throw new Error(`no link from ${this.id} to ${to}`);
    link.configure(update);
  }

  linkReports(): LinkReport[] {
    return [...this.links].map(([to, link]) => ({ to, config: { ...link.config }, stats: { ...link.stats } }));
  }

  close(): void {
    this.closed = true;
    for (const link of this.links.values()) link.close();
    this.outgoing.clear();
    this.closeChannels();
  }

  /** Decodes a batch frame that arrived and hands each message to the node. */
  protected receiveFrame(frame: Uint8Array): void {
    if (this.closed) return;
    unpackBatch(frame, (bytes) => this.onReceive(decodeMessage(bytes), bytes.byteLength));
  }

  private queueForPeer(peer: NodeId, message: Message): void {
    let batch = this.outgoing.get(peer);
    if (batch === undefined) this.outgoing.set(peer, (batch = []));
    batch.push(message);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * Sends the queued batches now rather than when this microtask checkpoint ends (a member
   * about to block on its disk lets its peers start on their share first).
   */
  flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    for (const [peer, batch] of this.outgoing) {
      if (batch.length > 0) this.sendBatch(peer, batch);
    }
    this.outgoing.clear();
  }

  /** Encodes `batch` as one frame (see batch-frame.ts) and moves it to `peer`. */
  protected abstract sendBatch(peer: NodeId, batch: Message[]): void;
  protected abstract closeChannels(): void;
}
