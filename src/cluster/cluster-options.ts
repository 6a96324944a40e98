// The options of a cluster (embedded API and `raftyard up`), their defaults, and the timing
// that follows from them: with a geo preset or a uniform delay and no explicit timing,
// heartbeat and election timeouts follow etcd's tuning advice for the largest round trip
// between members.

import type { LinkConfig } from '../transport/link-config.js';
import type { TransportKind } from '../transport/peer-transport.js';
import { geoPreset, uniformDelayPreset, type GeoPreset, type LinkPreset } from '../transport/geo-presets.js';
import { linkKey } from '../transport/partitions.js';
import type { SyncMode } from '../wal/disk-io.js';
import type { NodeWorkerConfig } from '../node/control-protocol.js';
import type { ClusterManifest } from './cluster-manifest.js';

export interface ClusterOptions {
  /** Members, ids n1…nN (default 3). Ignored when restarting from a data directory. */
  nodes?: number;
  transport?: TransportKind;
  /** Kept when given (and recovered from on the next start); a temp dir removed at stop otherwise. */
  dataDir?: string;
  /** Interface the client (and ws peer) ports bind to (default 127.0.0.1). */
  host?: string;
  /** Node i serves clients on port + i - 1; 0 (default) picks free ports. */
  port?: number;
  heartbeatMs?: number;
  electionMs?: number;
  /** Regions, one per node, e.g. 'us-east-1,us-west-2,eu-west-1' (see geo-rtt.ts). */
  geo?: string | string[];
  /** One-way delay of every link between members, in place of a geo preset (not with one). */
  delayMs?: number;
  seed?: number;
  /** pino level: silent (default), error, warn, info, debug. */
  logLevel?: string;
  /** WAL fdatasync: 'auto' (default: on libuv's pool while leading, so the leader keeps serving; on the member's own thread otherwise), 'sync' (always on the member's thread) or 'async' (always on the pool). */
  syncMode?: SyncMode;
  /** Preallocated size of each WAL segment (default 8 MiB: small enough to start fast). */
  walSegmentBytes?: number;
  /** Applied entries between snapshots (default 100,000, etcd's --snapshot-count). */
  snapshotEveryEntries?: number;
  /** How long a write or quorum read may wait for a quorum before error 300 (default 5 s). */
  requestTimeoutMs?: number;
  /** Initial shaping of links, keyed 'from->to'. */
  links?: Record<string, Partial<LinkConfig>>;
  /** How long start() waits for the cluster to be writable (default 30 s). */
  startTimeoutMs?: number;
}

export interface ResolvedClusterOptions {
  transport: TransportKind;
  host: string;
  port: number;
  heartbeatMs: number;
  electionMs: number;
  seed: number;
  logLevel: string;
  syncMode: SyncMode;
  walSegmentBytes: number;
  snapshotEveryEntries: number;
  requestTimeoutMs: number;
  links: Record<string, Partial<LinkConfig>>;
  startTimeoutMs: number;
  geo: GeoPreset | null;
  /** Why the timing is what it is, for the start-up report. */
  timingSource: 'default' | 'options' | 'geo' | 'delay';
}

const DEFAULT_TRANSPORT: TransportKind = 'port';
/**
 * etcd's --snapshot-count. Taking a snapshot serializes the whole store on the member's thread,
 * so at tens of thousands of writes per second a smaller count costs every member a pause a second.
 */
const SNAPSHOT_EVERY_ENTRIES_DEFAULT = 100_000;
const DEFAULT_HEARTBEAT_MS = 50;
const DEFAULT_ELECTION_MS = 500;
export const NODES_MAX = 15;

export function resolveClusterOptions(options: ClusterOptions, ids: string[]): ResolvedClusterOptions {
  if (options.geo !== undefined && options.delayMs !== undefined) throw new Error('give a geo preset or a uniform delay, not both');
  const geo = options.geo === undefined ? null : geoPreset(options.geo, { nodeIds: ids, heartbeatMsMin: 10 });
  // A short delay would otherwise suggest a heartbeat of a millisecond or two: CPU a shared machine lacks.
  const delay = options.delayMs === undefined ? null : uniformDelayPreset(ids, options.delayMs, { heartbeatMsMin: DEFAULT_HEARTBEAT_MS });
  const preset: LinkPreset | null = geo ?? delay;
  const links: Record<string, Partial<LinkConfig>> = {};
  for (const link of preset?.links ?? []) links[linkKey(link.from, link.to)] = { delayMs: link.delayMs };
  for (const [key, config] of Object.entries(options.links ?? {})) links[key] = { ...links[key], ...config };
  const timingGiven = options.heartbeatMs !== undefined || options.electionMs !== undefined;
  const heartbeatMs = options.heartbeatMs ?? preset?.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const electionMs = options.electionMs ?? preset?.electionTimeoutMs ?? Math.max(DEFAULT_ELECTION_MS, 5 * heartbeatMs);
  if (!(heartbeatMs >= 1)) throw new RangeError(`heartbeatMs must be at least 1, not ${heartbeatMs}`);
  if (!(electionMs >= 2 * heartbeatMs)) {
    throw new RangeError(`electionMs (${electionMs}) must be at least twice heartbeatMs (${heartbeatMs})`);
  }
  return {
    transport: options.transport ?? DEFAULT_TRANSPORT,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    heartbeatMs,
    electionMs,
    seed: options.seed ?? 1,
    logLevel: options.logLevel ?? 'silent',
    syncMode: options.syncMode ?? 'auto',
    walSegmentBytes: options.walSegmentBytes ?? 8 * 1024 * 1024,
    snapshotEveryEntries: options.snapshotEveryEntries ?? SNAPSHOT_EVERY_ENTRIES_DEFAULT,
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    links,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    geo,
    timingSource: timingGiven ? 'options' : geo ? 'geo' : delay ? 'delay' : 'default',
  };
}

/** The parts of a member's worker config that every member shares: the cluster's identity and resolved options. */
export type SharedMemberConfig = Pick<
  NodeWorkerConfig,
  'members' | 'clusterId' | 'memberIds' | 'host' | 'transport' | 'heartbeatMs' | 'electionMs' | 'logLevel' | 'syncMode' | 'walSegmentBytes' | 'snapshotEveryEntries' | 'requestTimeoutMs'
>;

/** One builder for the embedded supervisor and `raftyard node`, so a new option reaches both. */
export function sharedMemberConfig(options: ResolvedClusterOptions, manifest: ClusterManifest): SharedMemberConfig {
  return {
    members: manifest.members.map((m) => m.id),
    clusterId: manifest.clusterId,
    memberIds: Object.fromEntries(manifest.members.map((m) => [m.id, m.memberId])),
    host: options.host,
    transport: options.transport,
    heartbeatMs: options.heartbeatMs,
    electionMs: options.electionMs,
    logLevel: options.logLevel,
    syncMode: options.syncMode,
    walSegmentBytes: options.walSegmentBytes,
    snapshotEveryEntries: options.snapshotEveryEntries,
    requestTimeoutMs: options.requestTimeoutMs,
  };
}
