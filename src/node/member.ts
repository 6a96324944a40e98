// One raftyard member assembled: its write-ahead log and recovered state, the Raft core and
// event loop, the v2 store, the peer transport, and the v2 HTTP API on its client port. It runs
// in a worker thread under the supervisor, or on its own in a `raftyard node` process.

import { mkdir } from 'node:fs/promises';
import { RaftCore } from '../raft/core.js';
import { defaultRaftConfig, Role, roleNames, type RaftRestoreState } from '../raft/types.js';
import { WriteAheadLog } from '../wal/wal.js';
import { V2Store, newV2Request, type ApplyResult } from '../store/index.js';
import { PortTransport } from '../transport/port-transport.js';
import type { PeerTransport } from '../transport/peer-transport.js';
import { startApiServer, type ApiServer } from '../api/index.js';
import { createNodeLogger, type NodeLogger } from './logger.js';
import { RaftNode } from './raft-node.js';
import { StoreStateMachine } from './store-state-machine.js';
import { MemberBackend } from './member-backend.js';
import { MemberStats } from './member-stats.js';
import { PAUSE_FROZEN_SLOT, PAUSE_WANTED_SLOT } from './control-protocol.js';
import type { ControlCommand, MemberCpuProfile, MemberInfo, NodeStatusReport, NodeWorkerConfig, WalReport, WorkerEvent } from './control-protocol.js';
import { SabTransport, type SabLinkBuffers } from '../transport/sab-transport.js';
import { preciseTimers } from '../transport/precise-timer.js';
import { ThreadCpuProfiler } from '../util/cpu-profiler.js';

/** etcd's leader proposes a SYNC this often so every member expires TTL keys at the same index. */
const TTL_SYNC_INTERVAL_MS = 500;

export class Member {
  private ttlTimer: NodeJS.Timeout | null = null;
  /** Samples this thread's JavaScript when the supervisor asks (raftyard bench --cpu-prof). */
  private readonly profiler = new ThreadCpuProfiler();
  /** Removes the rehearsal this member's thread runs when it wakes after a rest. */
  private readonly stopRehearsals: () => void;

  private constructor(
    readonly config: NodeWorkerConfig,
    private readonly post: (event: WorkerEvent) => void,
    private readonly log: NodeLogger,
    private readonly wal: WriteAheadLog,
    private readonly node: RaftNode<ApplyResult>,
    private readonly transport: PeerTransport,
    private readonly backend: MemberBackend,
    private readonly api: Pick<ApiServer, 'url' | 'close' | 'warmAnswerPath'>,
  ) {
    // A member behind delayed links is woken early for a held frame (its precise timer) after a
    // rest. A leader waiting for the acknowledgement that commits its write rehearses that
    // write's apply first, and brings the kernel's TCP send path back into the caches for the
    // answer it will write; every member warms its WAL's write path for the append that may come.
    this.stopRehearsals = preciseTimers.onRestedSpin(() => {
      node.rehearseNextApply();
      this.warmWalWritePath();
      if (node.proposalsPending > 0) api.warmAnswerPath();
    });
  }

  static async start(config: NodeWorkerConfig, post: (event: WorkerEvent) => void): Promise<Member> {
    const log = await createNodeLogger(config.id, config.logLevel);
    await mkdir(config.dataDir, { recursive: true });
    const { wal, restored } = await WriteAheadLog.open(config.dataDir, {
      syncMode: config.syncMode,
      segmentSizeBytes: config.walSegmentBytes,
      syncPositionOut: new Float64Array(config.syncedPosition),
    });
    const core = new RaftCore(raftConfigOf(config), isEmpty(restored) ? null : restored);
    const store = new V2Store();
    if (restored.snapshot) store.recover(restored.snapshot.data);
    const transport = await createTransport(config);
    // An append unanswered for two election timeouts went to a follower that is gone.
    const stats = new MemberStats(config.id, config.members, 2 * config.electionMs);
    let member: Member | null = null;
    const node = new RaftNode<ApplyResult>({
      core,
      wal,
      transport,
      stateMachine: new StoreStateMachine(store),
      tickMs: config.heartbeatMs,
      snapshotEveryEntries: config.snapshotEveryEntries,
      logger: log,
      observer: stats,
      onRoleChange: (role, leader, term) => post({ type: 'role', role: roleNames[role], leader, term }),
      onFatal: (error) => {
        post({ type: 'fatal', message: error.message });
        void member?.stop();
      },
    });
    const backend = new MemberBackend(config, node, store, stats);
    const api = await startApiServer(backend, {
      host: config.host,
      port: config.clientPort,
      requestTimeoutMs: config.requestTimeoutMs,
    });
    backend.listeningAt(api.url);
    member = new Member(config, post, log, wal, node, transport, backend, api);
    member.begin(restored);
    return member;
  }

  private begin(restored: RaftRestoreState): void {
    this.log.info(
      { term: restored.hardState.term, commit: restored.hardState.commit, entries: restored.entries.length },
      'member started',
    );
    this.post({ type: 'listening', clientUrl: this.api.url, peerUrl: this.backend.self.peerURLs[0] ?? '' });
    this.node.start();
    if (this.config.campaignOnStart) this.node.campaign();
    this.ttlTimer = setInterval(() => this.proposeTtlSync(), TTL_SYNC_INTERVAL_MS);
  }

  /** A failed warm-up (an I/O error, which the WAL reports once and then warms no more) is logged. */
  private warmWalWritePath(): void {
    try {
      this.wal.warmWritePath();
    } catch (error) {
      this.log.warn({ err: error }, 'warming the WAL write path failed; this member warms it no more');
    }
  }

  private proposeTtlSync(): void {
    if (this.node.core.role !== Role.Leader || !this.backend.store.hasTtlKeys()) return;
    const request = newV2Request({ method: 'SYNC', path: '/', timeMs: Date.now() });
    this.backend.propose(request, this.config.requestTimeoutMs).catch((error: Error) => this.log.debug({ err: error }, 'ttl sync not committed'));
  }

  /** Obeys one command from the supervisor ('stop' is the worker's own: it stops the member). */
  handle(command: Exclude<ControlCommand, { type: 'stop' }>, pauseFlag: Int32Array): void {
    switch (command.type) {
      case 'pause':
        freezeWhilePaused(pauseFlag);
        return;
      case 'link':
        this.transport.configureLink(command.to, command.config);
        return;
      case 'attach-peer':
        if (this.transport instanceof PortTransport && command.port) this.transport.attach(command.peer, command.port);
        if (this.transport instanceof SabTransport && command.rings) this.transport.attach(command.peer, command.rings);
        return;
      case 'members':
        this.backend.setMembers(command.members);
        return;
      case 'status':
        this.post({ type: 'reply', requestId: command.requestId, ok: true, value: this.status() });
        return;
      case 'wal': {
        const report: WalReport = { ...this.wal.stats, ...this.wal.timings };
        this.post({ type: 'reply', requestId: command.requestId, ok: true, value: report });
        return;
      }
      case 'cpu-profile-start':
        this.replyWhenSettled(command.requestId, this.profiler.start(command.samplingIntervalUs));
        return;
      case 'cpu-profile-stop':
        this.replyWhenSettled(
          command.requestId,
          this.profiler.stop().then((profile): MemberCpuProfile => ({ role: roleNames[this.node.core.role], profile })),
        );
        return;
      case 'barrier':
        this.replyWhenSettled(command.requestId, this.node.linearizableRead(command.timeoutMs));
        return;
      case 'transfer-leader': {
        const refused = this.node.transferLeadership(command.to);
        this.post({ type: 'reply', requestId: command.requestId, ok: refused === null, error: refused ?? undefined });
        return;
      }
      case 'campaign':
        this.node.campaign();
        return;
    }
  }

  /** Replies to request `requestId` with what `work` resolves to, or with its error. */
  private replyWhenSettled(requestId: number, work: Promise<unknown>): void {
    work.then(
      (value) => this.post({ type: 'reply', requestId, ok: true, value }),
      (error: Error) => this.post({ type: 'reply', requestId, ok: false, error: error.message }),
    );
  }

  status(): NodeStatusReport {
    const core = this.node.core;
    return {
      id: this.config.id,
      role: roleNames[core.role],
      term: core.term,
      leader: core.leader,
      commit: core.commitIndex,
      applied: this.node.appliedIndex,
      lastIndex: core.lastIndex,
      snapshotsInstalled: this.node.snapshotsInstalled,
      storeIndex: this.backend.store.index,
      storeHash: this.backend.store.hash(),
      clientUrl: this.api.url,
      links: this.transport.linkReports(),
    };
  }

  private stopping: Promise<void> | null = null;

  /** Graceful stop: stop serving, answer waiting requests, flush and close the log. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.ttlTimer) clearInterval(this.ttlTimer);
      this.stopRehearsals();
      await this.profiler.close();
      this.node.stop();
      this.transport.close();
      await this.api.close();
      await this.wal.close().catch(() => {});
      this.log.info('member stopped');
      this.log.flush?.();
    })();
    return this.stopping;
  }
}

function raftConfigOf(config: NodeWorkerConfig) {
  const raft = defaultRaftConfig(config.id, config.members, config.seed);
  raft.heartbeatTicks = 1;
  raft.electionTicks = Math.max(2, Math.round(config.electionMs / config.heartbeatMs));
  return raft;
}

function isEmpty(restored: RaftRestoreState): boolean {
  return restored.hardState.term === 0 && restored.entries.length === 0 && restored.snapshot === null;
}

async function createTransport(config: NodeWorkerConfig): Promise<PeerTransport> {
  switch (config.transport) {
    case 'port':
      return new PortTransport(config.id, config.ports, config.seed, config.links);
    case 'sab':
      return new SabTransport(config.id, config.sabLinks, config.seed, config.links);
    case 'ws': {
      // Loaded only when used: in-process clusters start faster without the ws package.
      const { WsTransport } = await import('../transport/ws-transport.js');
      const transport = new WsTransport({
        id: config.id,
        peers: config.wsPeers,
        host: config.host,
        port: config.wsPort,
        seed: config.seed,
        links: config.links,
      });
      config.wsPort = await transport.listen();
      return transport;
    }
  }
}

/** Blocks this thread (like SIGSTOP) until the supervisor clears the flag; says so while frozen. */
function freezeWhilePaused(flag: Int32Array): void {
  Atomics.store(flag, PAUSE_FROZEN_SLOT, 1);
  Atomics.notify(flag, PAUSE_FROZEN_SLOT);
  while (Atomics.load(flag, PAUSE_WANTED_SLOT) === 1) Atomics.wait(flag, PAUSE_WANTED_SLOT, 1, 1000);
  Atomics.store(flag, PAUSE_FROZEN_SLOT, 0);
}

export type { MemberInfo };
