// The embedded raftyard cluster as a benchmark target (`--target embedded[:k=v]`): started in
// this process with the options the command line gives (nodes, transport, a geo preset or one
// delay on every link, seed, and the spec-local `heartbeatMs`, `electionMs`, `syncMode`), with
// leadership moved where --leader-region says, and stopped after the run. It knows where its
// members sit, so it can place the client (--client-region) and work out the commit floor, and
// its members' WALs time their own flushes, which price that floor's fsync.

import { Cluster } from '../cluster/cluster.js';
import type { ClusterOptions } from '../cluster/cluster-options.js';
import { memberIds } from '../util/member-ids.js';
import type { NodeId } from '../raft/types.js';
import { geoPreset } from '../transport/geo-presets.js';
import { PASS_THROUGH_LINK } from '../transport/link-config.js';
import type { TransportKind } from '../transport/peer-transport.js';
import { parseSyncMode } from '../wal/disk-io.js';
import { linksShaped } from './bench-options.js';
import { refuseUnknownSettings, registerTarget, registeredTargetNames, type BenchTarget, type MemberProfiling, type TargetOptions } from './bench-target.js';
import { probeFsyncSamples } from './fsync-floor.js';
import { placeLeader } from './leader-placement.js';
import { geoSites, membersIn, requirePlacement, uniformDelaySites, type MemberSites } from './member-sites.js';
import { planLayout } from './target-layout.js';
import type { SerializedHistogram } from '../util/log-linear-histogram.js';

export const EMBEDDED_TARGET = 'embedded';
const SETTING_KEYS = ['heartbeatMs', 'electionMs', 'syncMode'] as const;
const NODES_DEFAULT = 3;
/** Moving the leader may take a few elections on a busy machine; never less than this. */
const PLACEMENT_TIMEOUT_MS_MIN = 10_000;
const PLACEMENT_ELECTIONS_MAX = 20;

export async function startEmbeddedTarget(options: TargetOptions): Promise<BenchTarget> {
  // The cluster names its members with memberIds too; knowing them first lets bad regions fail before it starts.
  const ids = memberIds(options.nodes ?? NODES_DEFAULT);
  const sites = memberSitesOf(options, ids);
  const leaderCandidates = options.leaderRegion === undefined ? undefined : membersOfRegion(sites, options.leaderRegion, '--leader-region');
  const buildLayout = planLayout(ids, sites, options.clientRegion);
  const cluster = await Cluster.start(clusterOptions(options));
  try {
    const leaderEndpoint = async (): Promise<string> => cluster.endpoint(await cluster.leader());
    const layoutParts = buildLayout(cluster.endpoints, (restMs, budgetMs) => probeFsyncSamples(cluster.dataDir, restMs, budgetMs), leaderEndpoint);
    if (leaderCandidates !== undefined) {
      const electionMs = cluster.options.electionMs;
      await placeLeader(cluster, leaderCandidates, { timeoutMs: Math.max(PLACEMENT_TIMEOUT_MS_MIN, PLACEMENT_ELECTIONS_MAX * electionMs), retryMs: electionMs });
    }
    return {
      name: `raftyard ${cluster.ids.length} nodes (${cluster.options.transport}${describeLinks(options)})`,
      endpoints: cluster.endpoints,
      leaderEndpoint,
      ...layoutParts,
      walFlushes: () => walFlushesByEndpoint(cluster),
      cpuProfiles: memberProfiling(cluster),
      ...(linksShaped(options) ? { unshaped: (work) => withLinksUnshaped(cluster, work) } : {}),
      close: () => cluster.stop(),
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** Each running member's WAL flush durations so far, by its client URL; members down are left out. */
async function walFlushesByEndpoint(cluster: Cluster): Promise<Map<string, SerializedHistogram>> {
  const reports = await Promise.all(cluster.ids.map((id) => cluster.walReport(id).catch(() => null)));
  const byEndpoint = new Map<string, SerializedHistogram>();
  reports.forEach((report, i) => {
    if (report !== null) byEndpoint.set(cluster.endpoint(cluster.ids[i]), report.flushDurationsUs);
  });
  return byEndpoint;
}

/** Profiles the members running as it starts; one that fails to start or stop is left out. */
function memberProfiling(cluster: Cluster): MemberProfiling {
  let profiled: NodeId[] = [];
  return {
    async start() {
      const running = cluster.ids.filter((id) => cluster.nodeState(id) === 'running');
      const started = await Promise.allSettled(running.map((id) => cluster.startCpuProfile(id)));
      profiled = running.filter((_, i) => started[i].status === 'fulfilled');
    },
    async stop() {
      const ids = profiled;
      profiled = [];
      const stopped = await Promise.allSettled(ids.map((id) => cluster.stopCpuProfile(id)));
      return stopped.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [{ thread: ids[i], role: outcome.value.role, profile: outcome.value.profile }] : []));
    },
  };
}

/**
 * Every link passes messages straight through while `work` runs, then gets its own shaping back
 * (each setting it had is set again over the pass-through ones, which are the defaults).
 */
async function withLinksUnshaped<T>(cluster: Cluster, work: () => Promise<T>): Promise<T> {
  const shaped = cluster.links();
  await cluster.setEveryLink(PASS_THROUGH_LINK);
  try {
    return await work();
  } finally {
    for (const { from, to, config } of shaped) await cluster.link(from, to).set(config);
  }
}

function clusterOptions(options: TargetOptions): ClusterOptions {
  const { extra } = options;
  refuseUnknownSettings(EMBEDDED_TARGET, extra, SETTING_KEYS);
  return {
    nodes: options.nodes,
    transport: options.transport as TransportKind | undefined,
    geo: options.geo,
    delayMs: options.delayMs,
    seed: options.seed,
    heartbeatMs: extra.heartbeatMs === undefined ? undefined : Number(extra.heartbeatMs),
    electionMs: extra.electionMs === undefined ? undefined : Number(extra.electionMs),
    syncMode: extra.syncMode === undefined ? undefined : parseSyncMode(extra.syncMode),
  };
}

/** Where the members sit: in their regions (--geo), in sites of their own (--delay), or nowhere. */
function memberSitesOf(options: TargetOptions, ids: NodeId[]): MemberSites | null {
  if (options.geo !== undefined && options.delayMs !== undefined) throw new Error('give a geo preset or a uniform delay, not both');
  if (options.geo !== undefined) return geoSites(geoPreset(options.geo, { nodeIds: ids }).members);
  if (options.delayMs !== undefined) return uniformDelaySites(ids, options.delayMs);
  return null;
}

function membersOfRegion(sites: MemberSites | null, region: string, flag: string): NodeId[] {
  const placed = requirePlacement(sites, region, flag);
  const members = membersIn(placed, region);
  if (members.length === 0) {
    const where = [...placed.siteOf].map(([id, site]) => `${id} in ${site}`).join(', ');
    throw new Error(`${flag} ${region}: no member sits there (${where})`);
  }
  return members;
}

function describeLinks(options: TargetOptions): string {
  if (options.geo !== undefined) return `, geo ${options.geo}`;
  return options.delayMs === undefined ? '' : `, ${options.delayMs} ms one way on every link`;
}

/** Registers the embedded target once (the CLI calls this before running a benchmark). */
export function registerEmbeddedTarget(): void {
  if (!registeredTargetNames().includes(EMBEDDED_TARGET)) registerTarget(EMBEDDED_TARGET, startEmbeddedTarget);
}
