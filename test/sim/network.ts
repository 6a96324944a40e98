// The simulated network: for every directed link it decides whether a message is lost, how long it
// travels, and whether it arrives twice, and it holds the partitions (symmetric, one-way, one node
// isolated). It only computes delivery times; the cluster puts the deliveries on its agenda.

import type { NodeId } from '../../src/raft/types.js';
import type { Prng } from '../../src/util/prng.js';

/** How one directed link treats the messages it carries. */
export interface LinkShape {
  delayMsMin: number;
  delayMsMax: number;
  /** Chance that a message is lost. */
  dropRate: number;
  /** Chance that a message is delivered a second time, with its own delay. */
  duplicateRate: number;
  /** Chance that a message is held back by up to `reorderDelayMsMax` so later ones overtake it. */
  reorderRate: number;
  reorderDelayMsMax: number;
  /** Deliver in sending order (like one TCP stream); reordering then only comes from `reorderRate`. */
  fifo: boolean;
}

/** A quiet LAN: small delays, nothing lost, in order. */
export const calmLink: LinkShape = {
  delayMsMin: 1,
  delayMsMax: 4,
  dropRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  reorderDelayMsMax: 0,
  fifo: true,
};

export interface NetworkStats {
  sent: number;
  droppedByPartition: number;
  droppedByLoss: number;
  droppedByOverflow: number;
  duplicated: number;
}

interface LinkState {
  shape: LinkShape;
  blocked: boolean;
  inFlight: number;
  lastDeliveryMs: number;
}

export class SimNetwork {
  private readonly links = new Map<string, LinkState>();
  readonly stats: NetworkStats = {
    sent: 0,
    droppedByPartition: 0,
    droppedByLoss: 0,
    droppedByOverflow: 0,
    duplicated: 0,
  };

  constructor(
    readonly nodeIds: readonly NodeId[],
    private readonly prng: Prng,
    shape: LinkShape,
    /** Messages one link may hold in flight; beyond it the link drops, like a full buffer. */
    private readonly inFlightPerLinkMax: number,
  ) {
    assertShape(shape);
    for (const from of nodeIds) {
      for (const to of nodeIds) {
        if (from !== to) this.links.set(linkKey(from, to), { shape, blocked: false, inFlight: 0, lastDeliveryMs: 0 });
      }
    }
  }

  /** Gives every link the same shape (partitions are kept). */
  shapeAll(shape: LinkShape): void {
    assertShape(shape);
    for (const link of this.links.values()) link.shape = shape;
  }

  shapeLink(from: NodeId, to: NodeId, shape: LinkShape): void {
    assertShape(shape);
    this.link(from, to).shape = shape;
  }

  /** Splits the nodes into groups that cannot reach each other in either direction. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const groupOf = new Map<NodeId, number>();
    groups.forEach((group, g) => group.forEach((id) => groupOf.set(id, g)));
    if (groupOf.size !== this.nodeIds.length) throw new Error(`partition must place every node once: ${JSON.stringify(groups)}`);
    for (const from of this.nodeIds) {
      for (const to of this.nodeIds) {
        if (from !== to && groupOf.get(from) !== groupOf.get(to)) this.link(from, to).blocked = true;
      }
    }
  }

  /** Messages from `from` to `to` are lost; the other direction still works. */
  blockOneWay(from: NodeId, to: NodeId): void {
    this.link(from, to).blocked = true;
  }

  /** Cuts `node` off from every other node in both directions. */
  isolate(node: NodeId): void {
    this.partition([[node], this.nodeIds.filter((id) => id !== node)]);
  }

  /** Removes every partition (link shapes stay as they are). */
  heal(): void {
    for (const link of this.links.values()) link.blocked = false;
  }

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.link(from, to).blocked;
  }

  /** Whether any link is cut. */
  get partitioned(): boolean {
    for (const link of this.links.values()) if (link.blocked) return true;
    return false;
  }

  /**
   * Decides the fate of one message sent at `nowMs`: the times at which copies arrive (none when
   * it is lost, two when duplicated). Each returned time must later be reported to `arrived`.
   */
  route(from: NodeId, to: NodeId, nowMs: number): number[] {
    const link = this.link(from, to);
    this.stats.sent++;
    if (link.blocked) {
      this.stats.droppedByPartition++;
      return [];
    }
    if (this.prng.chance(link.shape.dropRate)) {
      this.stats.droppedByLoss++;
      return [];
    }
    const copies = this.prng.chance(link.shape.duplicateRate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    const times: number[] = [];
    for (let c = 0; c < copies; c++) {
      if (link.inFlight >= this.inFlightPerLinkMax) {
        this.stats.droppedByOverflow++;
        continue;
      }
      link.inFlight++;
      times.push(this.deliveryTimeMs(link, nowMs));
    }
    return times;
  }

  /**
   * Reports that one copy routed over from → to reached the far end; returns false when the link
   * was cut while it travelled (a cut loses what is on the wire, too).
   */
  arrived(from: NodeId, to: NodeId): boolean {
    const link = this.link(from, to);
    if (link.inFlight <= 0) throw new Error(`link ${from}->${to} reports an arrival with nothing in flight`);
    link.inFlight--;
    if (!link.blocked) return true;
    this.stats.droppedByPartition++;
    return false;
  }

  private deliveryTimeMs(link: LinkState, nowMs: number): number {
    const { shape } = link;
    let timeMs = nowMs + this.prng.int(shape.delayMsMin, shape.delayMsMax + 1);
    if (shape.fifo) timeMs = Math.max(timeMs, link.lastDeliveryMs);
    if (this.prng.chance(shape.reorderRate)) timeMs += this.prng.int(1, shape.reorderDelayMsMax + 1);
    else link.lastDeliveryMs = Math.max(link.lastDeliveryMs, timeMs);
    return timeMs;
  }

  private link(from: NodeId, to: NodeId): LinkState {
    const link = this.links.get(linkKey(from, to));
    if (link === undefined) throw new Error(`no link ${from}->${to}`);
    return link;
  }
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}

function assertShape(shape: LinkShape): void {
  if (!(shape.delayMsMin >= 0 && shape.delayMsMax >= shape.delayMsMin)) {
    throw new Error(`link delay range is invalid: [${shape.delayMsMin}, ${shape.delayMsMax}]`);
  }
  for (const rate of [shape.dropRate, shape.duplicateRate, shape.reorderRate]) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`link rates must lie in [0, 1), got ${rate}`);
  }
  if (shape.reorderRate > 0 && !(shape.reorderDelayMsMax >= 1)) {
    throw new Error('a link that reorders needs reorderDelayMsMax >= 1');
  }
}
