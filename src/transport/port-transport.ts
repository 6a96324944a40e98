// The MessagePort mesh: every pair of nodes in the process shares a MessageChannel, and a batch
// of messages crosses it as one frame in one postMessage whose buffer is transferred, not cloned.

import type { MessagePort } from 'node:worker_threads';
import type { Message, NodeId } from '../raft/types.js';
import { packBatch } from './batch-frame.js';
import type { LinkConfig } from './link-config.js';
import { PeerTransport } from './peer-transport.js';

export class PortTransport extends PeerTransport {
  private readonly ports = new Map<NodeId, MessagePort>();

  constructor(
    id: NodeId,
    ports: Readonly<Record<NodeId, MessagePort>>,
    seed: number,
    linkConfigs: Readonly<Record<NodeId, Partial<LinkConfig>>> = {},
  ) {
    super(id, Object.keys(ports).sort(), seed, linkConfigs);
    for (const [peer, port] of Object.entries(ports)) this.attach(peer, port);
  }

  /** Uses a new port for `peer` (after that peer's worker restarted). */
  attach(peer: NodeId, port: MessagePort): void {
    this.ports.get(peer)?.close();
    this.ports.set(peer, port);
    port.on('message', (frame: ArrayBuffer) => this.receiveFrame(new Uint8Array(frame)));
  }

  protected sendBatch(peer: NodeId, batch: Message[]): void {
    const port = this.ports.get(peer);
    if (port === undefined) return;
    const frame = packBatch(batch).buffer;
    port.postMessage(frame, [frame]);
  }

  protected closeChannels(): void {
    for (const port of this.ports.values()) port.close();
    this.ports.clear();
  }
}
