// The embedded API: a supervisor that hosts N raftyard members in worker threads of this
// process, wires their transport, and lets a test inject faults — kill, restart, pause,
// partition, shape any link — and wait for a leader. `Cluster.start()` resolves once the
// cluster is writable.

import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeId } from '../raft/types.js';
import { mergeLinkConfig, PASS_THROUGH_LINK, type LinkConfig } from '../transport/link-config.js';
import { allLinks, linkKey, partitionCuts } from '../transport/partitions.js';
import { createSabLinkPair, type SabLinkBuffers } from '../transport/sab-transport.js';
import type { MemberCpuProfile, MemberInfo, NodeStatusReport, NodeWorkerConfig, WalReport } from '../node/control-protocol.js';
import { freePorts } from './free-port.js';
import { NodeHandle, type NodeState } from './node-handle.js';
import { resolveClusterOptions, sharedMemberConfig, NODES_MAX, type ClusterOptions, type ResolvedClusterOptions } from './cluster-options.js';
import { newManifest, readManifest, writeManifest, type ClusterManifest } from './cluster-manifest.js';
import { memberIds } from '../util/member-ids.js';

export interface ClusterEvents {
  /** A new leader is known ('' while there is none). */
  leader: [leader: NodeId, term: number];
  /** A member's worker failed (e.g. a corrupt WAL or a failed fsync). */
  nodeFailed: [id: NodeId, message: string];
  /**
   * A fault was injected: kill, restart, pause, resume, stop, link (one link), or one event for a
   * whole partition, cut, heal, setEveryLink or clearLinks.
   */
  fault: [kind: string, detail: Record<string, unknown>];
}

export interface NodeSummary {
  id: NodeId;
  memberId: string;
  endpoint: string;
  state: NodeState;
  role: string;
  term: number;
  leader: NodeId;
  commit: number | null;
  applied: number | null;
  /** The store's index and content hash (null while the member is down): see NodeStatusReport. */
  storeIndex: number | null;
  storeHash: string | null;
  /** Snapshots the member installed from a leader since it (re)started (null while down). */
  snapshotsInstalled: number | null;
  error?: string;
}

/** A handle on one directed link, to reshape it at run time. */
export interface LinkHandle {
  set(config: Partial<LinkConfig>): Promise<void>;
  readonly config: Partial<LinkConfig>;
}

/** One member's end of the channel to one peer. */
interface ChannelEnd {
  port?: MessagePort;
  rings?: SabLinkBuffers;
}

/** A member's ends of its channels, by peer, as its worker is started with them. */
interface PeerChannels {
  ports: Record<NodeId, MessagePort>;
  rings: Record<NodeId, SabLinkBuffers>;
}

function placeEnd(channels: PeerChannels, peer: NodeId, end: ChannelEnd): void {
  if (end.port) channels.ports[peer] = end.port;
  if (end.rings) channels.rings[peer] = end.rings;
}

export class Cluster extends EventEmitter<ClusterEvents> {
  private readonly handles = new Map<NodeId, NodeHandle>();
  /** The shaping of every directed link as the supervisor last set it (kept across restarts). */
  private readonly linkConfigs = new Map<string, Partial<LinkConfig>>();
  private wsPorts = new Map<NodeId, number>();
  private currentLeader: NodeId = '';
  private stopped = false;

  private constructor(
    readonly options: ResolvedClusterOptions,
    readonly manifest: ClusterManifest,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
  ) {
    super();
    for (const m of manifest.members) this.handles.set(m.id, new NodeHandle(m.id, m.memberId, join(dataDir, m.id)));
    for (const [key, config] of Object.entries(options.links)) this.linkConfigs.set(key, config);
    for (const handle of this.handles.values()) {
      handle.on('role', () => this.updateLeader());
      handle.on('exit', () => this.updateLeader());
      handle.on('fatal', (message) => this.emit('nodeFailed', handle.id, message));
    }
  }

  /**
   * Starts (or recovers, from an existing data directory) a cluster; resolves when writable.
   * Members that fail to start are reported, not fatal, while the rest form a quorum.
   */
  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const ownsDataDir = options.dataDir === undefined;
    const existing = options.dataDir === undefined ? null : await readManifest(options.dataDir);
    const nodeCount = existing?.members.length ?? options.nodes ?? 3;
    if (!(Number.isInteger(nodeCount) && nodeCount >= 1 && nodeCount <= NODES_MAX)) {
      throw new RangeError(`nodes must be an integer from 1 to ${NODES_MAX}, not ${nodeCount}`);
    }
    const resolved = resolveClusterOptions(options, memberIds(nodeCount));
    // Options are checked before a temp directory is made, so a refused start leaves none behind.
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'raftyard-')));
    const manifest = existing ?? newManifest(nodeCount, resolved.transport);
    if (!existing) await writeManifest(dataDir, manifest);
    const cluster = new Cluster(resolved, manifest, dataDir, ownsDataDir);
    try {
      await cluster.startAll(existing === null);
      await cluster.waitWritable(resolved.startTimeoutMs);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get ids(): NodeId[] {
    return [...this.handles.keys()];
  }

  /** Client URLs, one per member, in id order. */
  get endpoints(): string[] {
    return [...this.handles.values()].map((h) => h.clientUrl);
  }

  endpoint(id: NodeId): string {
    return this.handle(id).clientUrl;
  }

  /** What the supervisor knows of one member's life (no round trip to it, unlike nodes()). */
  nodeState(id: NodeId): NodeState {
    return this.handle(id).state;
  }

  private handle(id: NodeId): NodeHandle {
    const handle = this.handles.get(id);
    if (handle === undefined) throw new Error(`no node ${id} (nodes: ${this.ids.join(', ')})`);
    return handle;
  }

  private async startAll(fresh: boolean): Promise<void> {
    const ids = this.ids;
    if (this.options.transport === 'ws') {
      const ports = await freePorts(ids.length, this.options.host);
      ids.forEach((id, i) => this.wsPorts.set(id, ports[i]!));
    }
    const channels = new Map<NodeId, PeerChannels>(ids.map((id) => [id, { ports: {}, rings: {} }]));
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const [a, b] = [ids[i]!, ids[j]!];
        const [endA, endB] = this.openChannel();
        placeEnd(channels.get(a)!, b, endA);
        placeEnd(channels.get(b)!, a, endB);
      }
    }
    // On a fresh cluster n1 campaigns at once, so the first leader needs no election timeout.
    const outcomes = await Promise.allSettled(ids.map((id, i) => this.startNode(id, channels.get(id)!, fresh && i === 0)));
    this.broadcastMembers();
    this.requireQuorumStarted(outcomes);
  }

  /**
   * A member that cannot recover (a corrupt WAL, say) stays down and is reported through
   * 'nodeFailed' and nodes(); the others serve on as long as they can form a quorum.
   */
  private requireQuorumStarted(outcomes: PromiseSettledResult<void>[]): void {
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [String((outcome.reason as Error).message)] : []));
    const quorum = Math.floor(this.ids.length / 2) + 1;
    const startedCount = this.ids.length - failures.length;
    if (startedCount < quorum) {
      throw new Error(`only ${startedCount} of ${this.ids.length} members started (a quorum is ${quorum}): ${failures.join('; ')}`);
    }
  }

  /** Both ends of a new in-process channel between two members ('ws' members dial each other). */
  private openChannel(): [ChannelEnd, ChannelEnd] {
    if (this.options.transport === 'port') {
      const channel = new MessageChannel();
      return [{ port: channel.port1 }, { port: channel.port2 }];
    }
    if (this.options.transport === 'sab') {
      const pair = createSabLinkPair();
      return [{ rings: pair.a }, { rings: pair.b }];
    }
    return [{}, {}];
  }

  private async startNode(id: NodeId, channels: PeerChannels, campaignOnStart: boolean): Promise<void> {
    const { ports, rings } = channels;
    const handle = this.handle(id);
    const index = this.ids.indexOf(id);
    const clientPort = handle.clientUrl ? Number(new URL(handle.clientUrl).port) : this.options.port === 0 ? 0 : this.options.port + index;
    const config: Omit<NodeWorkerConfig, 'pauseFlag' | 'syncedPosition'> = {
      ...sharedMemberConfig(this.options, this.manifest),
      id,
      dataDir: handle.dataDir,
      clientPort,
      ports,
      sabLinks: rings,
      wsPeers: Object.fromEntries(
        [...this.wsPorts].filter(([peer]) => peer !== id).map(([peer, port]) => [peer, `ws://${this.options.host}:${port}`]),
      ),
      wsPort: this.wsPorts.get(id) ?? 0,
      seed: (this.options.seed * 1009 + index * 7919 + Date.now()) >>> 0,
      links: this.linksFrom(id),
      campaignOnStart,
    };
    await handle.start(config, Object.values(ports) as TransferListItem[]);
  }

  private linksFrom(id: NodeId): Record<NodeId, Partial<LinkConfig>> {
    const links: Record<NodeId, Partial<LinkConfig>> = {};
    for (const peer of this.ids) {
      const config = this.linkConfigs.get(linkKey(id, peer));
      if (peer !== id && config) links[peer] = config;
    }
    return links;
  }

  private memberInfos(): MemberInfo[] {
    return [...this.handles.values()].map((h) => ({
      id: h.id,
      memberId: h.memberId,
      clientUrl: h.clientUrl,
      peerUrl: h.peerUrl || (this.wsPorts.has(h.id) ? `ws://${this.options.host}:${this.wsPorts.get(h.id)}` : `${this.options.transport}://${h.id}`),
    }));
  }

  private broadcastMembers(): void {
    const members = this.memberInfos();
    for (const handle of this.handles.values()) if (handle.alive) handle.send({ type: 'members', members });
  }

  private updateLeader(): void {
    let best: NodeHandle | null = null;
    for (const h of this.handles.values()) {
      if (h.alive && h.state !== 'paused' && h.role === 'leader' && (best === null || h.term > best.term)) best = h;
    }
    const leader = best?.id ?? '';
    if (leader !== this.currentLeader) {
      this.currentLeader = leader;
      this.emit('leader', leader, best?.term ?? 0);
    }
  }

  /** The current leader's id, waiting (up to `timeoutMs`) for one to be elected. */
  async leader(timeoutMs = 10_000): Promise<NodeId> {
    const deadline = Date.now() + timeoutMs;
    while (this.currentLeader === '') {
      if (this.stopped) throw new Error('cluster stopped');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no leader within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.off('leader', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 50));
        this.on('leader', done);
      });
    }
    return this.currentLeader;
  }

  /** Waits until a leader has committed an entry of its term (so writes are accepted). */
  async waitWritable(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown = null;
    while (Date.now() < deadline) {
      try {
        const leader = this.handle(await this.leader(Math.max(1, deadline - Date.now())));
        await leader.request((requestId) => ({ type: 'barrier', requestId, timeoutMs: 2000 }), 3000);
        return;
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    throw new Error(`cluster not writable within ${timeoutMs} ms: ${String((lastError as Error | null)?.message)}`);
  }

  // ---- Faults ------------------------------------------------------------------------------

  /** Kills a member's worker at once; `loseUnsynced` also drops its WAL bytes not yet fsynced. */
  async kill(id: NodeId, options: { loseUnsynced?: boolean } = {}): Promise<void> {
    await this.handle(id).kill(options.loseUnsynced ?? false);
    this.emit('fault', 'kill', { node: id, loseUnsynced: options.loseUnsynced ?? false });
    this.updateLeader();
  }

  /** Starts a member again (killing it first if it runs); it recovers from its data directory. */
  async restart(id: NodeId): Promise<void> {
    const handle = this.handle(id);
    if (handle.alive) await handle.kill(false);
    const channels: PeerChannels = { ports: {}, rings: {} };
    for (const peer of this.ids) {
      if (peer === id) continue;
      const [own, theirs] = this.openChannel();
      placeEnd(channels, peer, own);
      const peerHandle = this.handle(peer);
      if (peerHandle.alive && (theirs.port || theirs.rings)) {
        peerHandle.send({ type: 'attach-peer', peer: id, ...theirs }, theirs.port ? [theirs.port] : []);
      }
    }
    await this.startNode(id, channels, false);
    this.broadcastMembers();
    this.emit('fault', 'restart', { node: id });
  }

  pause(id: NodeId): void {
    this.handle(id).pause();
    this.emit('fault', 'pause', { node: id });
    this.updateLeader();
  }

  resume(id: NodeId): void {
    this.handle(id).resume();
    this.emit('fault', 'resume', { node: id });
  }

  /** Gracefully stops one member (it can be restarted later). */
  async stopNode(id: NodeId): Promise<void> {
    await this.handle(id).stop();
    this.emit('fault', 'stop', { node: id });
    this.updateLeader();
  }

  // A bulk link operation reports itself as one fault, not one per link it reshapes.

  /** Cuts every link between different groups; links inside a group are healed. */
  async partition(groups: NodeId[][]): Promise<void> {
    for (const group of groups) for (const id of group) this.handle(id);
    const cuts = new Set(partitionCuts(this.ids, groups).map((l) => linkKey(l.from, l.to)));
    for (const { from, to } of allLinks(this.ids)) this.shapeLink(from, to, { cut: cuts.has(linkKey(from, to)) });
    this.emit('fault', 'partition', { groups });
  }

  /** Cuts the listed directed links only (one-way partitions). */
  async cut(links: [from: NodeId, to: NodeId][]): Promise<void> {
    // Every link is checked first, so a bad one leaves none of them cut.
    for (const [from, to] of links) this.checkLink(from, to);
    for (const [from, to] of links) this.shapeLink(from, to, { cut: true });
    this.emit('fault', 'cut', { links });
  }

  /** Restores every cut link (delays and other shaping stay). */
  async heal(): Promise<void> {
    this.shapeEveryLink({ cut: false });
    this.emit('fault', 'heal', {});
  }

  /** Resets every link to pass-through (no delay, no loss, no cuts). */
  async clearLinks(): Promise<void> {
    this.shapeEveryLink({ ...PASS_THROUGH_LINK });
    this.emit('fault', 'clearLinks', {});
  }

  /** Applies `config` to every directed link (the settings it leaves out stay as they are). */
  async setEveryLink(config: Partial<LinkConfig>): Promise<void> {
    this.shapeEveryLink(config);
    this.emit('fault', 'setEveryLink', { config });
  }

  link(from: NodeId, to: NodeId): LinkHandle {
    this.checkLink(from, to);
    const key = linkKey(from, to);
    const configs = this.linkConfigs;
    return {
      set: async (config: Partial<LinkConfig>): Promise<void> => {
        this.shapeLink(from, to, config);
        this.emit('fault', 'link', { from, to, config });
      },
      get config(): Partial<LinkConfig> {
        return { ...configs.get(key) };
      },
    };
  }

  private checkLink(from: NodeId, to: NodeId): void {
    this.handle(from);
    this.handle(to);
    if (from === to) throw new Error(`no link from ${from} to itself`);
  }

  private shapeEveryLink(config: Partial<LinkConfig>): void {
    for (const { from, to } of allLinks(this.ids)) this.shapeLink(from, to, config);
  }

  /** Merges `config` into one link's shaping and tells the sending member (no fault event). */
  private shapeLink(from: NodeId, to: NodeId, config: Partial<LinkConfig>): void {
    const key = linkKey(from, to);
    const merged = { ...this.linkConfigs.get(key), ...config };
    // Validate here: a bad setting must be refused, not reach (and break) the worker.
    mergeLinkConfig(PASS_THROUGH_LINK, merged);
    this.linkConfigs.set(key, merged);
    this.handle(from).send({ type: 'link', to, config });
  }

  /** Every directed link's shaping as last set. */
  links(): { from: NodeId; to: NodeId; config: Partial<LinkConfig> }[] {
    return allLinks(this.ids).map(({ from, to }) => ({ from, to, config: { ...this.linkConfigs.get(linkKey(from, to)) } }));
  }

  async transferLeadership(to: NodeId): Promise<void> {
    const leader = this.handle(await this.leader());
    await leader.request((requestId) => ({ type: 'transfer-leader', requestId, to }));
  }

  /** Every member's state; members that are down report what the supervisor knows. */
  async nodes(): Promise<NodeSummary[]> {
    return Promise.all(
      [...this.handles.values()].map(async (h) => {
        let status: NodeStatusReport | null = null;
        if (h.state === 'running') status = await h.status().catch(() => null);
        return {
          id: h.id,
          memberId: h.memberId,
          endpoint: h.clientUrl,
          state: h.state,
          role: status?.role ?? (h.alive ? h.role : 'down'),
          term: status?.term ?? h.term,
          leader: status?.leader ?? h.leader,
          commit: status?.commit ?? null,
          applied: status?.applied ?? null,
          storeIndex: status?.storeIndex ?? null,
          snapshotsInstalled: status?.snapshotsInstalled ?? null,
          storeHash: status?.storeHash ?? null,
          ...(h.lastError ? { error: h.lastError } : {}),
        };
      }),
    );
  }

  /**
   * A running member's WAL counts and flush durations since it started (see WalReport); a
   * reader cuts windows out of two reports with LogLinearHistogram.since.
   */
  walReport(id: NodeId): Promise<WalReport> {
    return this.handle(id).walReport();
  }

  /** Starts sampling a running member thread's JavaScript (V8's profiler; `samplingIntervalUs` apart). */
  startCpuProfile(id: NodeId, samplingIntervalUs?: number): Promise<void> {
    return this.handle(id).startCpuProfile(samplingIntervalUs);
  }

  /** Stops sampling and returns the .cpuprofile and the member's role at the stop. */
  stopCpuProfile(id: NodeId): Promise<MemberCpuProfile> {
    return this.handle(id).stopCpuProfile();
  }

  /** Stops every member; removes the data directory if the cluster created it. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.handles.values()].map((h) => h.stop()));
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
