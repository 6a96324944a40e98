// The MessagePort mesh: every pair of nodes in the process shares a MessageChannel, and a batch
// of messages crosses it as one frame in one postMessage whose buffer is transferred, not cloned.
// Peers share this process's clock, so delayed links send ahead and the receiver holds frames.

import type { MessagePort } from 'node:worker_threads';
import type { NodeId } from '../raft/types.js';
import { ARRIVAL_LEAD_MS } from './arrival-hold.js';
import { packBatch } from './batch-frame.js';
import type { LinkConfig } from './link-config.js';
import { PeerTransport, type OutgoingBatch } from './peer-transport.js';

export class PortTransport extends PeerTransport {
  private readonly ports = new Map<NodeId, MessagePort>();

  constructor(
    id: NodeId,
    ports: Readonly<Record<NodeId, MessagePort>>,
    seed: number,
    linkConfigs: Readonly<Record<NodeId, Partial<LinkConfig>>> = {},
    leadMs = ARRIVAL_LEAD_MS,
  ) {
    super(id, Object.keys(ports).sort(), seed, linkConfigs, leadMs);
    for (const [peer, port] of Object.entries(ports)) this.attach(peer, port);
  }

  /** Uses a new port for `peer` (after that peer's worker restarted). */
  attach(peer: NodeId, port: MessagePort): void {
    this.ports.get(peer)?.close();
    this.ports.set(peer, port);
    port.on('message', (frame: ArrayBuffer) => this.receiveFrame(peer, new Uint8Array(frame)));
  }

  protected sendBatch(peer: NodeId, batch: OutgoingBatch): void {
    const port = this.ports.get(peer);
    if (port === undefined) return;
    const frame = packBatch(batch.messages, batch.arrivalAtMs).buffer;
    port.postMessage(frame, [frame]);
  }

  protected closeChannels(): void {
    for (const port of this.ports.values()) port.close();
    this.ports.clear();
  }
}
