// The simulated world: a clock, one agenda of events (ticks, deliveries, disk completions,
// scheduled actions), the network and the nodes. All randomness comes from PRNG streams derived
// from one seed, so a run is a pure function of (seed, options); an error inside a step comes back
// as a SimulationFailure naming the seed, the step and the simulated time.

import type { ProposeError } from '../../src/raft/core.js';
import { defaultRaftConfig, MessageType, Role, type Message, type NodeId, type RaftConfig } from '../../src/raft/types.js';
import { DeliveryQueue } from '../../src/transport/delivery-queue.js';
import { Prng } from '../../src/util/prng.js';
import { InvariantChecker } from './invariants.js';
import { SimNetwork, type LinkShape } from './network.js';
import { SimNode, type NodeHost, type NodeLimits } from './sim-node.js';
import { describeMessage } from './trace.js';
import { copyMessage } from './wire-copy.js';

/** The Raft tunables a simulation may choose (id, voters and seed are the cluster's business). */
export type RaftTuning = Omit<RaftConfig, 'id' | 'voters' | 'seed'>;

export interface ClusterOptions {
  seed: number;
  nodeCount: number;
  tickIntervalMs: number;
  /** Each node's clock runs up to this fraction fast or slow (drawn at every start), e.g. 0.1. */
  tickSkew: number;
  raft: RaftTuning;
  link: LinkShape;
  diskLatencyMsMin: number;
  diskLatencyMsMax: number;
  limits: NodeLimits;
  /** Messages one directed link may hold in flight. */
  inFlightPerLinkMax: number;
  trace: ((line: string) => void) | null;
}

export interface ClusterStats {
  messagesDelivered: number;
  snapshotsSent: number;
  snapshotsTaken: number;
  writesProposed: number;
  writesAccepted: number;
  writesAcknowledged: number;
  readsStarted: number;
  readsServed: number;
  transfersRequested: number;
  crashes: number;
  restarts: number;
}

export class SimulationFailure extends Error {
  constructor(
    readonly seed: number,
    readonly step: number,
    readonly timeMs: number,
    readonly causeError: Error,
  ) {
    super(`seed ${seed}, step ${step}, t=${timeMs}ms: ${causeError.message}`);
    this.name = 'SimulationFailure';
  }
}

type SimEvent =
  | { kind: 'tick'; node: NodeId; incarnation: number }
  | { kind: 'deliver'; sender: NodeId; message: Message }
  | { kind: 'disk'; node: NodeId; incarnation: number }
  | { kind: 'action'; label: string; run: () => void };

/** Events the agenda may hold; a run that exceeds this is broken (e.g. a message storm). */
const EVENTS_MAX = 1_000_000;

export class SimCluster implements NodeHost {
  readonly ids: readonly NodeId[];
  readonly network: SimNetwork;
  readonly checker = new InvariantChecker();
  readonly trace: ((line: string) => void) | null;
  readonly stats: ClusterStats = {
    messagesDelivered: 0,
    snapshotsSent: 0,
    snapshotsTaken: 0,
    writesProposed: 0,
    writesAccepted: 0,
    writesAcknowledged: 0,
    readsStarted: 0,
    readsServed: 0,
    transfersRequested: 0,
    crashes: 0,
    restarts: 0,
  };
  /** The most recent read served, for scenarios that check what a read saw. */
  lastRead: { node: NodeId; context: string; index: number } | null = null;
  private clockMs = 0;
  private steps = 0;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly queue = new DeliveryQueue<SimEvent>(EVENTS_MAX);
  /** Seeds for cores (initial and restarted), drawn in a fixed order. */
  private readonly seedPrng: Prng;
  private readonly diskPrng: Prng;
  private readonly slowDisks = new Map<NodeId, number>();
  private readonly tickIntervalMsByNode = new Map<NodeId, number>();
  private requestsIssued = 0;

  constructor(readonly options: ClusterOptions) {
    if (!(options.nodeCount >= 1 && options.nodeCount <= 9)) throw new Error(`node count ${options.nodeCount} outside 1..9`);
    if (!(options.tickIntervalMs >= 1)) throw new Error('tick interval must be at least 1 ms');
    if (!(options.tickSkew >= 0 && options.tickSkew < 1)) throw new Error(`tick skew must lie in [0, 1), got ${options.tickSkew}`);
    const master = new Prng(options.seed);
    this.seedPrng = new Prng(master.nextUint32());
    this.diskPrng = new Prng(master.nextUint32());
    this.ids = Array.from({ length: options.nodeCount }, (_, i) => `n${i + 1}`);
    this.network = new SimNetwork(this.ids, new Prng(master.nextUint32()), options.link, options.inFlightPerLinkMax);
    this.trace = options.trace;
    for (const id of this.ids) this.nodes.set(id, new SimNode(id, this, options.limits));
    for (const id of this.ids) this.restart(id);
  }

  get nowMs(): number {
    return this.clockMs;
  }

  get stepCount(): number {
    return this.steps;
  }

  node(id: NodeId): SimNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  liveIds(): NodeId[] {
    return this.ids.filter((id) => this.node(id).alive);
  }

  /** Live nodes that believe they lead, in id order. */
  leaders(): NodeId[] {
    return this.liveIds().filter((id) => this.node(id).core.role === Role.Leader);
  }

  /** The leader when every node is up, exactly one leads, and all agree on it and its term. */
  agreedLeader(): NodeId | null {
    const leaders = this.leaders();
    if (leaders.length !== 1 || this.liveIds().length !== this.ids.length) return null;
    const leader = this.node(leaders[0]!).core;
    const agreed = this.ids.every((id) => {
      const core = this.node(id).core;
      return core.leader === leader.id && core.term === leader.term;
    });
    return agreed ? leader.id : null;
  }

  /** Runs the next event; false when nothing is left to do. */
  step(): boolean {
    if (this.queue.size === 0) return false;
    const timeMs = this.queue.headAtMs;
    if (timeMs < this.clockMs) throw new Error(`agenda went back in time: ${timeMs} < ${this.clockMs}`);
    const event = this.queue.pop();
    this.clockMs = timeMs;
    this.steps++;
    try {
      this.dispatch(event);
    } catch (error) {
      throw this.failure(error);
    }
    return true;
  }

  /** Runs every event up to `durationMs` from now. */
  runFor(durationMs: number): void {
    const endMs = this.clockMs + durationMs;
    while (this.queue.headAtMs <= endMs) this.step();
    this.clockMs = endMs;
  }

  /** Runs until `done()` holds (checked after every event) or `timeoutMs` passes; returns whether it held. */
  runUntil(done: () => boolean, timeoutMs: number): boolean {
    const endMs = this.clockMs + timeoutMs;
    while (!done()) {
      if (this.queue.headAtMs > endMs) return false;
      this.step();
    }
    return true;
  }

  /** Schedules `run` to happen `delayMs` from now, as one step of the simulation. */
  after(delayMs: number, label: string, run: () => void): void {
    if (!(delayMs >= 0)) throw new Error(`cannot schedule '${label}' ${delayMs} ms from now`);
    this.queue.push(this.clockMs + delayMs, { kind: 'action', label, run });
  }

  /** Crashes a node; with `lyingDisk` its disk also loses the last hard state it claimed durable. */
  crash(id: NodeId, lyingDisk = false): void {
    this.trace?.(`${this.clockMs}ms ${id} CRASH${lyingDisk ? ' (lying disk)' : ''}`);
    this.node(id).crash(lyingDisk);
    this.stats.crashes++;
  }

  /** Starts a node from its durable state with a fresh core seed (also the initial start). */
  restart(id: NodeId): void {
    const node = this.node(id);
    const config: RaftConfig = { ...defaultRaftConfig(id, [...this.ids]), ...this.options.raft, seed: this.seedPrng.nextUint32() };
    if (node.incarnation > 0) {
      this.trace?.(`${this.clockMs}ms ${id} RESTART`);
      this.stats.restarts++;
    }
    node.start(config);
    const { tickIntervalMs, tickSkew } = this.options;
    const skewedMs = Math.round(tickIntervalMs * (1 + tickSkew * (2 * this.seedPrng.next() - 1)));
    this.tickIntervalMsByNode.set(id, Math.max(1, skewedMs));
    const phaseMs = this.seedPrng.int(1, tickIntervalMs + 1);
    this.queue.push(this.clockMs + phaseMs, { kind: 'tick', node: id, incarnation: node.incarnation });
  }

  /** Makes every disk write of `id` take `latencyMs` (a stalling disk), or restores normal latency with null. */
  slowDisk(id: NodeId, latencyMs: number | null): void {
    if (latencyMs === null) this.slowDisks.delete(id);
    else this.slowDisks.set(id, latencyMs);
  }

  /** A client write of a fresh payload through `id`; null when the node accepted it. */
  clientWrite(id: NodeId): ProposeError | null {
    const payload = `w${++this.requestsIssued}@${id}`;
    this.stats.writesProposed++;
    const refused = this.node(id).propose(payload);
    if (refused === null) this.stats.writesAccepted++;
    this.trace?.(`${this.clockMs}ms client write ${payload} -> ${refused ?? 'accepted'}`);
    return refused;
  }

  /** A client's linearizable read through `id`; null when the node accepted it. */
  clientRead(id: NodeId): ProposeError | null {
    const context = `r${++this.requestsIssued}@${id}`;
    const refused = this.node(id).readIndex(context);
    if (refused === null) this.stats.readsStarted++;
    this.trace?.(`${this.clockMs}ms client read ${context} -> ${refused ?? 'accepted'}`);
    return refused;
  }

  transferLeadership(from: NodeId, to: NodeId): ProposeError | null {
    this.stats.transfersRequested++;
    const refused = this.node(from).transferLeadership(to);
    this.trace?.(`${this.clockMs}ms transfer ${from} -> ${to}: ${refused ?? 'started'}`);
    return refused;
  }

  /** Makes `id` start an election now. */
  campaign(id: NodeId): void {
    this.trace?.(`${this.clockMs}ms ${id} campaigns`);
    this.node(id).campaign();
  }

  // ---- NodeHost ----------------------------------------------------------------------------

  send(sender: NodeId, message: Message): void {
    if (message.to === sender || !this.nodes.has(message.to)) throw new Error(`${sender} sends to bad address '${message.to}'`);
    if (message.type === MessageType.Snapshot) this.stats.snapshotsSent++;
    const times = this.network.route(sender, message.to, this.clockMs);
    this.trace?.(`${this.clockMs}ms send(${sender}) ${describeMessage(message)}${times.length === 0 ? ' (lost)' : ''}`);
    for (const timeMs of times) this.queue.push(timeMs, { kind: 'deliver', sender, message: copyMessage(message) });
  }

  diskWriteQueued(node: NodeId, incarnation: number, completeAtMs: number): void {
    this.queue.push(completeAtMs, { kind: 'disk', node, incarnation });
  }

  diskLatencyMs(node: NodeId): number {
    return this.slowDisks.get(node) ?? this.diskPrng.int(this.options.diskLatencyMsMin, this.options.diskLatencyMsMax + 1);
  }

  writeAcknowledged(node: NodeId, index: number): void {
    this.stats.writesAcknowledged++;
    this.checker.observeAcknowledged(index);
    this.trace?.(`${this.clockMs}ms ${node} acknowledges a client write at ${index}`);
  }

  readServed(node: NodeId, context: string, index: number): void {
    this.stats.readsServed++;
    this.lastRead = { node, context, index };
    this.trace?.(`${this.clockMs}ms ${node} serves read ${context} at index ${index}`);
  }

  snapshotTaken(): void {
    this.stats.snapshotsTaken++;
  }

  // ---- Event dispatch ----------------------------------------------------------------------

  private dispatch(event: SimEvent): void {
    switch (event.kind) {
      case 'tick': {
        const node = this.node(event.node);
        if (!node.alive || node.incarnation !== event.incarnation) return;
        node.tick();
        this.queue.push(this.clockMs + this.tickIntervalMsByNode.get(event.node)!, event);
        return;
      }
      case 'deliver': {
        const { message } = event;
        const node = this.node(message.to);
        if (!this.network.arrived(event.sender, message.to) || !node.alive) return;
        this.stats.messagesDelivered++;
        this.trace?.(`${this.clockMs}ms recv ${describeMessage(message)}`);
        node.step(message);
        return;
      }
      case 'disk': {
        const node = this.node(event.node);
        if (node.alive && node.incarnation === event.incarnation) node.diskWriteDone();
        return;
      }
      case 'action':
        this.trace?.(`${this.clockMs}ms ${event.label}`);
        event.run();
        return;
    }
  }

  private failure(error: unknown): SimulationFailure {
    if (error instanceof SimulationFailure) return error;
    const cause = error instanceof Error ? error : new Error(String(error));
    return new SimulationFailure(this.options.seed, this.steps, this.clockMs, cause);
  }
}
