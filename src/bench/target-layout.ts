// The layout of a target started here: planned before it starts (its members, where they and
// the client sit), then which member serves which client URL, and from that every round trip and
// the commit floor of any path a run's writes took. The fsync part is measured after the disk
// rested as long as the run's disk did before the sync a commit waits for. A bench probes the
// disk after every phase, and the floor takes the median of all those syncs: the disk's speed
// drifts over seconds, and one probe at the end would describe the end, not the run. Without
// such probes (a floor asked for outside a bench run), a back-to-back fsync is the lower of two
// probes, one when the target is up and one when the floor is first asked for. A target whose
// WALs time their own flushes (the embedded cluster) is also priced with the median of the flushes
// its fastest follower made in the measured windows, the very syncs commits waited for, when that
// is the cheaper: at the moment of the run the disk may be faster than any probe says (a sequential run),
// and a loaded thread's flush may wait for a core a probe never waits for (an open-loop run).

import type { NodeId } from '../raft/types.js';
import type { CommitFloor, FollowerFlushes, ServedPath } from './bench-target.js';
import { LogLinearHistogram } from '../util/log-linear-histogram.js';
import { commitFloor, lowestFloor, quorumRttMs } from './commit-floor.js';
import { probedRestMs } from './fsync-floor.js';
import { median } from './median.js';
import { memberRttMs, requirePlacement, siteOfMember, type MemberSites } from './member-sites.js';

/**
 * Times fsyncs the way the target's WAL does them, each after `restMs` of disk rest (0: back to
 * back), for about `budgetMs` when given: their durations in milliseconds.
 */
type FsyncProbe = (restMs: number, budgetMs?: number) => Promise<number[]>;

/** A rested probe after a phase takes about this long: three rounds at 40 ms rests pool 75 syncs. */
const PHASE_PROBE_BUDGET_MS = 1_000;
/** A follower with fewer WAL flushes than this in the measured windows does not price the fsync. */
const WAL_FLUSHES_MIN = 20;

export class TargetLayout {
  private readonly memberByOrigin = new Map<string, NodeId>();

  /**
   * `members[i]` serves `endpoints[i]`. `sites` is null when the members share this machine
   * with no delay between them; `clientPlace` is where --client-region put the client, one of
   * the sites' places (planLayout checks it before the target starts).
   */
  constructor(
    readonly members: readonly NodeId[],
    endpoints: readonly string[],
    private readonly sites: MemberSites | null,
    private readonly clientPlace?: string,
  ) {
    if (members.length !== endpoints.length || members.length === 0) throw new Error(`${members.length} members for ${endpoints.length} endpoints`);
    endpoints.forEach((endpoint, i) => this.memberByOrigin.set(new URL(endpoint).origin, members[i]));
    if (this.memberByOrigin.size !== members.length) throw new Error(`two members share an endpoint: ${endpoints.join(', ')}`);
    if (sites !== null) for (const id of members) siteOfMember(sites, id);
  }

  get placesClient(): boolean {
    return this.clientPlace !== undefined;
  }

  memberAt(endpoint: string): NodeId {
    const id = this.memberByOrigin.get(new URL(endpoint).origin);
    if (id === undefined) throw new Error(`no member serves ${endpoint}`);
    return id;
  }

  /** The client's round trip to the member behind `endpoint` (0 when the client sits beside it). */
  clientRttMs(endpoint: string): number {
    const member = this.memberAt(endpoint);
    if (this.clientPlace === undefined || this.sites === null) return 0;
    return this.sites.rttMs(this.clientPlace, siteOfMember(this.sites, member));
  }

  memberRttMs(from: NodeId, to: NodeId): number {
    return this.sites === null ? 0 : memberRttMs(this.sites, from, to);
  }

  /**
   * How long the disk rests before the sync a commit on `served` waits for. The members share
   * this machine's disk: the leader syncs as a write arrives, its nearest quorum as the write
   * reaches them half a round trip later. When writes come further apart than that (`writeGapMs`
   * on average), no other sync lands in between and the disk rests the half round trip. When they
   * come closer, other writes' syncs land in between at times that depend on how the gap divides
   * the round trip, and the floor counts no rest, the cheapest sync there is. Over several paths
   * the shortest rest counts: a shorter rest never makes a slower sync.
   */
  diskRestMs(served: readonly ServedPath[], writeGapMs: number): number {
    if (!(writeGapMs >= 0)) throw new Error(`the gap between writes must be >= 0 ms, got ${writeGapMs}`);
    const restsMs = served.map((path) => {
      const halfQuorumRttMs = quorumRttMs(this.memberAt(path.leaderEndpoint), this.members, (from, to) => this.memberRttMs(from, to)) / 2;
      return writeGapMs > halfQuorumRttMs ? halfQuorumRttMs : 0;
    });
    return Math.min(...restsMs);
  }

  /** The lowest floor over the paths served, each priced with `fsyncMs`, measured after `fsyncRestMs` of rest. */
  floorFor(served: readonly ServedPath[], fsyncMs: number, fsyncRestMs = 0): CommitFloor {
    const floors = served.map((path) =>
      commitFloor({
        members: this.members,
        leader: this.memberAt(path.leaderEndpoint),
        sentTo: this.memberAt(path.sentToEndpoint),
        memberRttMs: (from, to) => this.memberRttMs(from, to),
        clientRttMs: this.clientRttMs(path.sentToEndpoint),
        fsyncMs,
      }),
    );
    const floor = lowestFloor(floors);
    return fsyncRestMs > 0 ? { ...floor, fsyncRestMs } : floor;
  }
}

/** What a started target answers from its layout (both targets started here share it). */
interface LayoutParts {
  /** Present only when the client was placed (--client-region). */
  clientRttMs?(endpoint: string): number;
  floorMs(served?: ServedPath[], writeGapMs?: number, walFlushes?: ReadonlyMap<string, LogLinearHistogram>): Promise<CommitFloor>;
  probeDiskAfterPhase(served: ServedPath[], writeGapMs: number): Promise<void>;
}

/** Builds a started target's layout parts from the client URLs it serves, one per member in order. */
type LayoutBuilder = (endpoints: readonly string[], probe: FsyncProbe, leaderEndpoint: () => Promise<string>) => LayoutParts;

/**
 * The layout of a target about to start: `members` (in the order of the endpoints it will
 * serve) in `sites`, and the client at `clientPlace`. The client's place is checked here, so a
 * bad --client-region costs no cluster start; the returned builder runs once the target serves.
 */
export function planLayout(members: readonly NodeId[], sites: MemberSites | null, clientPlace: string | undefined): LayoutBuilder {
  if (clientPlace !== undefined) requirePlacement(sites, clientPlace, '--client-region');
  return (endpoints, probe, leaderEndpoint) => layoutParts(new TargetLayout(members, endpoints, sites, clientPlace), probe, leaderEndpoint);
}

/**
 * The layout's part of a BenchTarget: the client's round trips when it is placed, the floor, and
 * the disk probe after each phase. A floor whose rest some phase probes had prices its fsync
 * with the median of all their syncs at that rest. Otherwise, without a gap between writes or
 * with one too short to rest the disk, the disk is probed back to back now and again on the
 * first floor asked for, and the lower median is kept: a burst of other disk work during one
 * probe (a segment being zero-filled, another target starting) must not raise the floor. A
 * failed first probe leaves the second one alone. A rested probe runs once per rest.
 */
function layoutParts(layout: TargetLayout, probe: FsyncProbe, leaderEndpoint: () => Promise<string>): LayoutParts {
  const medianOf = (restMs: number): Promise<number> => probe(restMs).then(median);
  const probedAtStart = medianOf(0).catch(() => Infinity);
  const fsyncMsByRest = new Map<number, Promise<number>>();
  const fsyncMs = (restMs: number): Promise<number> => {
    let ms = fsyncMsByRest.get(restMs);
    if (ms === undefined) {
      ms = restMs === 0 ? Promise.all([probedAtStart, medianOf(0)]).then(([atStartMs, afterRunMs]) => Math.min(atStartMs, afterRunMs)) : medianOf(restMs);
      fsyncMsByRest.set(restMs, ms);
    }
    return ms;
  };
  const phaseSyncsByRest = new Map<number, { syncsMs: number[]; probes: number }>();
  const restFor = (paths: readonly ServedPath[], writeGapMs: number | undefined): number =>
    probedRestMs(writeGapMs === undefined ? 0 : layout.diskRestMs(paths, writeGapMs));
  const probedFloor = async (paths: ServedPath[], restMs: number): Promise<CommitFloor> => {
    const pooled = phaseSyncsByRest.get(restMs);
    if (pooled === undefined) return layout.floorFor(paths, await fsyncMs(restMs), restMs);
    return { ...layout.floorFor(paths, median(pooled.syncsMs), restMs), fsyncPooled: { syncs: pooled.syncsMs.length, probes: pooled.probes } };
  };
  const floorMs = async (served?: ServedPath[], writeGapMs?: number, walFlushes?: ReadonlyMap<string, LogLinearHistogram>): Promise<CommitFloor> => {
    const paths = served !== undefined && served.length > 0 ? served : [await pathAtLeader(leaderEndpoint)];
    const probed = await probedFloor(paths, restFor(paths, writeGapMs));
    const followers = walFlushes === undefined ? [] : followerFlushes(layout, paths, walFlushes);
    if (followers.length === 0) return probed;
    // The fastest follower's flushes: a commit waits for its quorum's first syncs, not for all.
    // And the cheaper sync makes the stricter floor: no way of timing it may make the floor easier.
    const probeMs = probed.parts.fsyncMs;
    const medianMs = followers[0].medianMs;
    const floor = medianMs < probeMs ? { ...probed, ...layout.floorFor(paths, medianMs) } : probed;
    return { ...floor, fsyncWal: { followers, probeMs } };
  };
  const probeDiskAfterPhase = async (served: ServedPath[], writeGapMs: number): Promise<void> => {
    const restMs = restFor(served, writeGapMs);
    const syncsMs = await probe(restMs, PHASE_PROBE_BUDGET_MS);
    const pooled = phaseSyncsByRest.get(restMs) ?? { syncsMs: [], probes: 0 };
    pooled.syncsMs.push(...syncsMs);
    pooled.probes++;
    phaseSyncsByRest.set(restMs, pooled);
  };
  const parts = { floorMs, probeDiskAfterPhase };
  return layout.placesClient ? { clientRttMs: (endpoint) => layout.clientRttMs(endpoint), ...parts } : parts;
}

/**
 * Each member that followed on some path served, with enough WAL flushes in the windows to
 * trust: how many and their median, fastest first.
 */
function followerFlushes(layout: TargetLayout, paths: readonly ServedPath[], walFlushes: ReadonlyMap<string, LogLinearHistogram>): FollowerFlushes[] {
  const ledEveryPath = (member: NodeId): boolean => paths.every((path) => layout.memberAt(path.leaderEndpoint) === member);
  const followers: FollowerFlushes[] = [];
  for (const [endpoint, flushes] of walFlushes) {
    const member = layout.memberAt(endpoint);
    if (ledEveryPath(member) || flushes.count < WAL_FLUSHES_MIN) continue;
    followers.push({ member, flushes: flushes.count, medianMs: flushes.percentile(50) / 1000 });
  }
  return followers.sort((a, b) => a.medianMs - b.medianMs || a.member.localeCompare(b.member));
}

async function pathAtLeader(leaderEndpoint: () => Promise<string>): Promise<ServedPath> {
  const endpoint = await leaderEndpoint();
  return { leaderEndpoint: endpoint, sentToEndpoint: endpoint };
}
