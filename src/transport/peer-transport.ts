// The transport a Raft node sends through, whatever carries the bytes: each message passes its
// directed link's shaper (delay, loss, partitions …), and the messages leaving for a peer in
// the same turn of the event loop travel as one batch frame (one wake-up), encoded once,
// straight into the channel's buffer. Subclasses move frames: MessagePorts, shared-memory
// rings, WebSockets. Within one process, a delayed link sends each frame ARRIVAL_LEAD_MS ahead
// of time and the receiver holds it until its arrival time (arrival-hold.ts); cutting the link
// sends a notice that drops what the receiver still holds, so a cut loses all that is in flight.

import type { Message, NodeId } from '../raft/types.js';
import { decodeMessage, encodedSize } from './message-codec.js';
import { ARRIVE_AT_ONCE, CUT_NOTICE, frameArrivalAtMs, unpackBatch } from './batch-frame.js';
import { PASS_THROUGH_LINK, type LinkConfig } from './link-config.js';
import { ShapedLink, type LinkStats } from './link-shaper.js';
import { ArrivalHold } from './arrival-hold.js';
import { hrNowMs } from './precise-timer.js';

export type TransportKind = 'port' | 'sab' | 'ws';

/** Messages for one peer that leave in one frame, to be handed on at `arrivalAtMs` (batch-frame.ts). */
export interface OutgoingBatch {
  arrivalAtMs: number;
  messages: Message[];
}

/** Messages due within this much of each other share a frame (the frame takes the later time). */
const SAME_ARRIVAL_MS = 0.02;

export interface LinkReport {
  to: NodeId;
  config: LinkConfig;
  stats: LinkStats;
}

export abstract class PeerTransport {
  /** Called for every message that arrives from a peer, with its encoded size. */
  onReceive: (message: Message, sizeBytes: number) => void = () => {};
  /**
   * Called once a frame that waited here for its arrival time (see arrival-hold.ts) has been
   * handed on, message by message, to onReceive; not for frames that were due when they came.
   */
  onHeldFrameDelivered: () => void = () => {};
  private readonly links = new Map<NodeId, ShapedLink<Message>>();
  private readonly outgoing = new Map<NodeId, OutgoingBatch[]>();
  private readonly holds = new Map<NodeId, ArrivalHold>();
  private flushScheduled = false;
  private closed = false;

  constructor(
    readonly id: NodeId,
    readonly peers: readonly NodeId[],
    seed: number,
    linkConfigs: Readonly<Record<NodeId, Partial<LinkConfig>>> = {},
    /** How far ahead of time a delayed link sends (0 where the peer's clock is not ours). */
    private readonly leadMs = 0,
  ) {
    peers.forEach((peer, i) => {
      const link = new ShapedLink<Message>({
        config: linkConfigs[peer] ?? PASS_THROUGH_LINK,
        seed: (seed * 31 + i + 1) >>> 0,
        deliver: (message, earlyByMs) => this.queueForPeer(peer, message, earlyByMs),
        leadMs,
      });
      this.links.set(peer, link);
      this.outgoing.set(peer, []);
      // Only a link that sends ahead needs a hold at this end.
      if (leadMs > 0) this.holds.set(peer, new ArrivalHold((frame, waited) => this.unpackHeld(frame, waited), leadMs));
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
    if (update.cut === true && this.leadMs > 0 && !this.closed) {
      // What left early is still in flight: it goes first, then the notice that drops it.
      this.flush();
      this.sendBatch(to, { arrivalAtMs: CUT_NOTICE, messages: [] });
    }
  }

  linkReports(): LinkReport[] {
    return [...this.links].map(([to, link]) => ({ to, config: { ...link.config }, stats: { ...link.stats } }));
  }

  close(): void {
    this.closed = true;
    for (const link of this.links.values()) link.close();
    for (const hold of this.holds.values()) hold.drop();
    for (const batches of this.outgoing.values()) batches.length = 0;
    this.closeChannels();
  }

  /** Takes a batch frame that arrived from `from`: hands its messages to the node when due. */
  protected receiveFrame(from: NodeId, frame: Uint8Array): void {
    if (this.closed) return;
    const hold = this.holds.get(from);
    if (hold === undefined) {
      this.unpack(frame);
      return;
    }
    const arrivalAtMs = frameArrivalAtMs(frame);
    if (arrivalAtMs === CUT_NOTICE) hold.drop();
    else hold.receive(frame, arrivalAtMs);
  }

  private unpack(frame: Uint8Array): void {
    if (this.closed) return;
    unpackBatch(frame, (bytes) => this.onReceive(decodeMessage(bytes), bytes.byteLength));
  }

  private unpackHeld(frame: Uint8Array, waited: boolean): void {
    this.unpack(frame);
    if (waited && !this.closed) this.onHeldFrameDelivered();
  }

  private queueForPeer(peer: NodeId, message: Message, earlyByMs: number): void {
    const arrivalAtMs = earlyByMs > 0 ? hrNowMs() + earlyByMs : ARRIVE_AT_ONCE;
    const batches = this.outgoing.get(peer)!;
    const last = batches[batches.length - 1];
    if (last !== undefined && Math.abs(last.arrivalAtMs - arrivalAtMs) <= SAME_ARRIVAL_MS) {
      last.messages.push(message);
      last.arrivalAtMs = Math.max(last.arrivalAtMs, arrivalAtMs);
    } else {
      batches.push({ arrivalAtMs, messages: [message] });
    }
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
    for (const [peer, batches] of this.outgoing) {
      if (batches.length === 0) continue;
      // A channel may keep a batch (the sab outbox): the list is emptied, the batches are not reused.
      for (const batch of batches) this.sendBatch(peer, batch);
      batches.length = 0;
    }
  }

  /** Encodes `batch` as one frame (see batch-frame.ts) and moves it to `peer`. */
  protected abstract sendBatch(peer: NodeId, batch: OutgoingBatch): void;
  protected abstract closeChannels(): void;
}
