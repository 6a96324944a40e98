// The messages between the supervisor (main thread) and a node's worker thread: what the
// worker is started with, the commands it obeys, and the events and replies it posts back.

import type { MessagePort } from 'node:worker_threads';
import type { NodeId } from '../raft/types.js';
import type { LinkConfig } from '../transport/link-config.js';
import type { TransportKind } from '../transport/peer-transport.js';
import type { SyncMode } from '../wal/disk-io.js';
import type { WalStats } from '../wal/wal.js';
import type { SegmentWriterTimings } from '../wal/segment-writer.js';
import type { SabLinkBuffers } from '../transport/sab-transport.js';
import type { CpuProfile } from '../util/cpu-profiler.js';

export interface MemberInfo {
  id: NodeId;
  /** etcd-style member id: 16 hex digits. */
  memberId: string;
  clientUrl: string;
  peerUrl: string;
}

export interface NodeWorkerConfig {
  id: NodeId;
  members: NodeId[];
  clusterId: string;
  memberIds: Record<NodeId, string>;
  dataDir: string;
  host: string;
  /** 0: any free port. */
  clientPort: number;
  transport: TransportKind;
  /** For 'port': one MessagePort per peer (transferred). */
  ports: Record<NodeId, MessagePort>;
  /** For 'ws': each peer's ws:// URL and this node's own listening port. */
  wsPeers: Record<NodeId, string>;
  wsPort: number;
  /** For 'sab': the two rings shared with each peer. */
  sabLinks: Record<NodeId, SabLinkBuffers>;
  heartbeatMs: number;
  electionMs: number;
  seed: number;
  logLevel: string;
  links: Record<NodeId, Partial<LinkConfig>>;
  syncMode: SyncMode;
  /** Preallocated size of each WAL segment. */
  walSegmentBytes: number;
  snapshotEveryEntries: number;
  requestTimeoutMs: number;
  /** Int32Array of PAUSE_FLAG_BYTES: see PAUSE_WANTED_SLOT and PAUSE_FROZEN_SLOT. */
  pauseFlag: SharedArrayBuffer;
  /** Float64Array the WAL publishes its synced position into (for power-cut kills). */
  syncedPosition: SharedArrayBuffer;
  /** Start an election at once instead of waiting for a timeout (fresh clusters start fast). */
  campaignOnStart: boolean;
}

/** pauseFlag slot the supervisor sets to 1 while it wants the thread frozen. */
export const PAUSE_WANTED_SLOT = 0;
/** pauseFlag slot the worker sets to 1 while it is frozen (a kill waits for it). */
export const PAUSE_FROZEN_SLOT = 1;
export const PAUSE_FLAG_BYTES = 2 * Int32Array.BYTES_PER_ELEMENT;

export type ControlCommand =
  | { type: 'pause' }
  | { type: 'link'; to: NodeId; config: Partial<LinkConfig> }
  | { type: 'attach-peer'; peer: NodeId; port?: MessagePort; rings?: SabLinkBuffers }
  | { type: 'members'; members: MemberInfo[] }
  | { type: 'status'; requestId: number }
  | { type: 'wal'; requestId: number }
  /** Samples the thread's JavaScript until 'cpu-profile-stop', which replies with the profile (util/cpu-profiler.ts). */
  | { type: 'cpu-profile-start'; requestId: number; samplingIntervalUs?: number }
  | { type: 'cpu-profile-stop'; requestId: number }
  | { type: 'barrier'; requestId: number; timeoutMs: number }
  | { type: 'transfer-leader'; requestId: number; to: NodeId }
  | { type: 'campaign' }
  | { type: 'stop' };

export interface NodeStatusReport {
  id: NodeId;
  role: string;
  term: number;
  leader: NodeId;
  commit: number;
  applied: number;
  lastIndex: number;
  /** Snapshots this member installed from a leader since it started. */
  snapshotsInstalled: number;
  /** The v2 store's own index (etcd index) and a hash of its image: equal on converged members. */
  storeIndex: number;
  storeHash: string;
  clientUrl: string;
  links: { to: NodeId; config: LinkConfig; stats: { sent: number; delivered: number; dropped: number } }[];
}

/** What 'cpu-profile-stop' replies: the samples, and the member's role as it stopped sampling. */
export interface MemberCpuProfile {
  role: string;
  profile: CpuProfile;
}

/** A member's WAL counts and flush durations, all since the member started. */
export type WalReport = WalStats & SegmentWriterTimings;

export type WorkerEvent =
  | { type: 'listening'; clientUrl: string; peerUrl: string }
  | { type: 'role'; role: string; leader: NodeId; term: number }
  | { type: 'reply'; requestId: number; ok: boolean; value?: unknown; error?: string }
  | { type: 'stopped' }
  | { type: 'fatal'; message: string };
