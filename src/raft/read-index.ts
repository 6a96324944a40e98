// ReadIndex bookkeeping on the leader (Raft §6.4): each read request remembers the commit index
// when it arrived, and is released once a quorum has answered a heartbeat sent after it,
// which proves this node was still the leader at that moment.

import type { NodeId } from './types.js';

export interface PendingRead {
  /** The commit index when the request arrived: the read may be served once it is applied. */
  index: number;
  /** Who asked: this node, or the follower that forwarded the request. */
  from: NodeId;
  context: Uint8Array;
  acks: Set<NodeId>;
}

/** Bytes → a map key. Contexts are short ids that must be unique across the cluster. */
export function contextKey(context: Uint8Array): string {
  return Buffer.from(context.buffer, context.byteOffset, context.byteLength).toString('latin1');
}

export class ReadIndexQueue {
  private readonly pending = new Map<string, PendingRead>();
  /** Keys in arrival order; a confirmed request releases all the ones before it too. */
  private order: string[] = [];

  constructor(private readonly requestsMax: number) {}

  /** Adds a request; false when the queue is full or the context is already pending. */
  add(read: PendingRead): boolean {
    const key = contextKey(read.context);
    if (this.order.length >= this.requestsMax || this.pending.has(key)) return false;
    this.pending.set(key, read);
    this.order.push(key);
    return true;
  }

  /**
   * Records a heartbeat answer for `context`; returns the reads confirmed by it (in order),
   * or [] while that read lacks a quorum.
   */
  acknowledge(context: Uint8Array, from: NodeId, quorum: number): PendingRead[] {
    const key = contextKey(context);
    const read = this.pending.get(key);
    if (read === undefined) return [];
    read.acks.add(from);
    if (read.acks.size < quorum) return [];
    const position = this.order.indexOf(key);
    const released = this.order.slice(0, position + 1).map((k) => this.pending.get(k)!);
    for (const k of this.order.slice(0, position + 1)) this.pending.delete(k);
    this.order = this.order.slice(position + 1);
    return released;
  }

  /** The most recent pending request's context, for piggybacking on a heartbeat. */
  lastContext(): Uint8Array | null {
    const key = this.order[this.order.length - 1];
    return key === undefined ? null : this.pending.get(key)!.context;
  }

  clear(): void {
    this.pending.clear();
    this.order = [];
  }
}
