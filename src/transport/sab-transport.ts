// The shared-memory transport: per directed link a single-producer/single-consumer ring in a
// SharedArrayBuffer. A batch frame is encoded straight into the ring (entry bytes are written
// once), the reader is woken through Atomics, and a full ring holds the sender back: batches
// wait in a bounded outbox (dropped beyond it, which Raft tolerates) until there is room.
// Peers share this process's clock, so delayed links send ahead and the receiver holds frames.

import type { NodeId } from '../raft/types.js';
import { ARRIVAL_LEAD_MS } from './arrival-hold.js';
import type { LinkConfig } from './link-config.js';
import { PeerTransport, type OutgoingBatch } from './peer-transport.js';
import { batchFrameSize, packBatchInto, packMeasuredBatch } from './batch-frame.js';
import { RingReader, RingWriter, createRingBuffer } from './sab-ring.js';

/** Ring size of one directed link. */
const SAB_RING_BYTES = 4 * 1024 * 1024;
/** Messages waiting for room on one ring before further batches are dropped. */
const OUTBOX_MESSAGES_MAX = 100_000;

/** The two rings between this member and one peer. */
export interface SabLinkBuffers {
  /** This member writes, the peer reads. */
  outgoing: SharedArrayBuffer;
  /** The peer writes, this member reads. */
  incoming: SharedArrayBuffer;
}

/** Creates the ring pair for a link between `a` and `b`, seen from each side. */
export function createSabLinkPair(): { a: SabLinkBuffers; b: SabLinkBuffers } {
  const aToB = createRingBuffer(SAB_RING_BYTES);
  const bToA = createRingBuffer(SAB_RING_BYTES);
  return { a: { outgoing: aToB, incoming: bToA }, b: { outgoing: bToA, incoming: aToB } };
}

interface PeerChannel {
  writer: RingWriter;
  reader: RingReader;
  outbox: OutgoingBatch[];
  outboxMessages: number;
  pumping: boolean;
}

export class SabTransport extends PeerTransport {
  private readonly channels = new Map<NodeId, PeerChannel>();
  private readonly sizes: number[] = [];
  private closing = false;

  constructor(
    id: NodeId,
    links: Readonly<Record<NodeId, SabLinkBuffers>>,
    seed: number,
    linkConfigs: Readonly<Record<NodeId, Partial<LinkConfig>>> = {},
  ) {
    super(id, Object.keys(links).sort(), seed, linkConfigs, ARRIVAL_LEAD_MS);
    for (const [peer, buffers] of Object.entries(links)) this.attach(peer, buffers);
  }

  /** Uses fresh rings for `peer` (after that peer's worker restarted). */
  attach(peer: NodeId, buffers: SabLinkBuffers): void {
    // The old channel's read loop and pump end once they see it is no longer this peer's.
    const channel: PeerChannel = {
      writer: new RingWriter(buffers.outgoing),
      reader: new RingReader(buffers.incoming),
      outbox: [],
      outboxMessages: 0,
      pumping: false,
    };
    this.channels.set(peer, channel);
    void this.readLoop(peer, channel);
  }

  private async readLoop(peer: NodeId, channel: PeerChannel): Promise<void> {
    while (!this.closing && this.channels.get(peer) === channel) {
      let record: Uint8Array | null;
      while ((record = channel.reader.tryRead()) !== null) this.receiveFrame(peer, record);
      await channel.reader.waitForData(1000);
    }
  }

  protected sendBatch(peer: NodeId, batch: OutgoingBatch): void {
    const channel = this.channels.get(peer);
    if (channel === undefined) return;
    let roomLacking = false;
    if (channel.outbox.length === 0 && !channel.pumping) {
      const size = batchFrameSize(batch.messages, this.sizes);
      if (size <= channel.writer.chunkBytesMax) {
        if (this.tryWriteRecord(channel, batch, size)) return;
        roomLacking = true;
      }
    }
    if (channel.outboxMessages + batch.messages.length > OUTBOX_MESSAGES_MAX) return;
    channel.outbox.push(batch);
    channel.outboxMessages += batch.messages.length;
    if (!channel.pumping) void this.pump(peer, channel, roomLacking);
  }

  /**
   * Encodes `batch` straight into the ring as one record of `size` bytes (at most a chunk), its
   * messages' sizes in `this.sizes` as batchFrameSize left them; false when there is no room now.
   */
  private tryWriteRecord(channel: PeerChannel, batch: OutgoingBatch, size: number): boolean {
    return channel.writer.tryWriteWith(size, (target, offset) => packBatchInto(batch.messages, this.sizes, batch.arrivalAtMs, target, offset));
  }

  /**
   * Drains the outbox in order, waiting for room; a frame larger than a chunk goes in pieces.
   * Each attempt sizes its batch once (other channels reuse `this.sizes` while this one waits).
   * `roomLacking` says the ring just had no room for the first batch, so the pump waits first.
   */
  private async pump(peer: NodeId, channel: PeerChannel, roomLacking: boolean): Promise<void> {
    channel.pumping = true;
    try {
      // Trying the same write again before the reader has taken anything out would fail again.
      if (roomLacking) await channel.writer.waitForRoom(1000);
      while (channel.outbox.length > 0 && !this.closing && this.channels.get(peer) === channel) {
        const batch = channel.outbox[0]!;
        const size = batchFrameSize(batch.messages, this.sizes);
        if (size > channel.writer.chunkBytesMax) {
          await channel.writer.write(packMeasuredBatch(batch.messages, this.sizes, size, batch.arrivalAtMs));
        } else if (!this.tryWriteRecord(channel, batch, size)) {
          await channel.writer.waitForRoom(1000);
          continue;
        }
        channel.outbox.shift();
        channel.outboxMessages -= batch.messages.length;
      }
    } finally {
      channel.pumping = false;
    }
  }

  protected closeChannels(): void {
    this.closing = true;
    this.channels.clear();
  }
}
