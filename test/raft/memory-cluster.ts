// A cluster of Raft cores wired by plain function calls: storage is "durable" the moment a
// Ready is taken and messages are delivered in FIFO order. Used by the scenario tests and by
// the core benchmark as the upper bound with no I/O at all.

import { RaftCore } from '../../src/raft/core.js';
import { defaultRaftConfig, Role, type Entry, type Message, type NodeId, type RaftConfig, type ReadState } from '../../src/raft/types.js';

export interface MemoryNode {
  core: RaftCore;
  applied: Entry[];
  /** ReadIndex answers seen, in order. */
  reads: ReadState[];
  /** Links from this node that drop everything (a partition). */
  cut: Set<NodeId>;
}

export class MemoryCluster {
  readonly nodes = new Map<NodeId, MemoryNode>();
  private queue: Message[] = [];
  private queueHead = 0;
  delivered = 0;

  constructor(count: number, tune: (config: RaftConfig) => void = () => {}) {
    const ids = Array.from({ length: count }, (_, i) => `n${i + 1}`);
    ids.forEach((id, i) => {
      const config = defaultRaftConfig(id, ids, 1000 + i);
      tune(config);
      this.nodes.set(id, { core: new RaftCore(config), applied: [], reads: [], cut: new Set() });
    });
  }

  node(id: NodeId): MemoryNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  /** Processes every Ready and delivers every message until nothing is left, held-back sends included (bounded). */
  stabilize(roundsMax = 100_000): void {
    for (let round = 0; round < roundsMax; round++) {
      let progressed = false;
      for (const node of this.nodes.values()) progressed = this.processReady(node) || progressed;
      if (this.queueHead < this.queue.length) {
        this.deliverQueued();
        progressed = true;
      }
      if (progressed) continue;
      // Quiet: like the real host a moment later, leaders send held-back appends and commit notices.
      for (const node of this.nodes.values()) {
        if (!node.core.hasDeferredSends()) continue;
        node.core.sendDeferred(true);
        progressed = true;
      }
      if (!progressed) return;
    }
    throw new Error('memory cluster: did not stabilize');
  }

  private processReady(node: MemoryNode): boolean {
    if (!node.core.hasReady()) return false;
    const rd = node.core.ready();
    for (const m of rd.messages) this.send(node, m);
    for (const m of rd.messagesAfterPersist) this.send(node, m);
    node.core.persisted(rd.persistedTo.index, rd.persistedTo.term);
    for (const entry of rd.committedEntries) node.applied.push(entry);
    node.reads.push(...rd.readStates);
    return true;
  }

  private send(from: MemoryNode, m: Message): void {
    if (!from.cut.has(m.to)) this.queue.push(m);
  }

  private deliverQueued(): void {
    const end = this.queue.length;
    for (; this.queueHead < end; this.queueHead++) {
      const m = this.queue[this.queueHead]!;
      this.delivered++;
      this.nodes.get(m.to)?.core.step(m);
    }
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    }
  }

  tickAll(ticks = 1): void {
    for (let t = 0; t < ticks; t++) {
      for (const node of this.nodes.values()) node.core.tick();
      this.stabilize();
    }
  }

  /** Ticks until exactly one leader is known by every node; returns its id. */
  elect(ticksMax = 1000): NodeId {
    for (let t = 0; t < ticksMax; t++) {
      const leader = this.agreedLeader();
      if (leader !== '') return leader;
      this.tickAll();
    }
    throw new Error('memory cluster: no leader elected');
  }

  agreedLeader(): NodeId {
    const leaders = [...this.nodes.values()].filter((n) => n.core.role === Role.Leader);
    if (leaders.length !== 1) return '';
    const id = leaders[0]!.core.id;
    for (const n of this.nodes.values()) if (n.core.leader !== id) return '';
    return id;
  }

  partition(groups: NodeId[][]): void {
    for (const group of groups) {
      for (const id of group) {
        for (const other of this.nodes.keys()) if (!group.includes(other)) this.node(id).cut.add(other);
      }
    }
  }

  heal(): void {
    for (const node of this.nodes.values()) node.cut.clear();
  }
}

/** The payloads a node applied, as strings, skipping the empty entries new leaders append. */
export function appliedPayloads(node: MemoryNode): string[] {
  return node.applied.filter((e) => e.data.length > 0).map((e) => Buffer.from(e.data).toString());
}
