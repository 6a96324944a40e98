// Geo-delay presets: from one region per member (or one uniform delay between all members),
// the one-way delay of every directed link (half the round trip) and Raft timing that follows
// etcd's tuning advice for that spread.

import type { NodeId } from '../raft/types.js';
import { GEO_REGIONS, GEO_RTT_MS, SAME_REGION_RTT_MS, type GeoRegion } from './geo-rtt.js';
import { memberIds } from '../util/member-ids.js';

/** etcd refuses election timeouts above 50 s; a preset beyond that is a mistake. */
const ELECTION_TIMEOUT_MS_MAX = 50_000;
/** etcd's advice: the election timeout covers at least ten round trips... */
const ELECTION_RTT_FACTOR = 10;
/** ...and etcd itself insists on at least five heartbeats per election timeout. */
const ELECTION_HEARTBEAT_FACTOR_MIN = 5;

export interface GeoLinkDelay {
  from: NodeId;
  to: NodeId;
  delayMs: number;
}

/** Links between members and the Raft timing that suits them. */
export interface LinkPreset {
  /** Every directed link between distinct members, with its one-way delay. */
  links: GeoLinkDelay[];
  /** The largest round trip between two members. */
  rttMsMax: number;
  /** About the largest round trip between members (etcd: "around the maximum of average RTT"). */
  heartbeatMs: number;
  /** Ten round trips, and at least five heartbeats. */
  electionTimeoutMs: number;
}

export interface GeoPreset extends LinkPreset {
  members: Array<{ id: NodeId; region: GeoRegion }>;
}

/** Raft timing for a spread of members: a heartbeat and an election timeout, in milliseconds. */
export interface RaftTiming {
  heartbeatMs: number;
  electionTimeoutMs: number;
}

export interface GeoPresetOptions {
  /** Member ids, one per region; 'n1', 'n2', ... by default. */
  nodeIds?: readonly NodeId[];
  /**
   * The shortest heartbeat to suggest. Timers tick in whole milliseconds, so 1 by default;
   * raise it when members in one region would otherwise heartbeat every millisecond.
   */
  heartbeatMsMin?: number;
}

/** Parses a comma-separated list such as 'us-east-1,us-west-2,eu-west-1'. */
export function parseRegions(list: string): GeoRegion[] {
  return list.split(',').map((name) => parseRegion(name.trim()));
}

/** The region named `name`; a RangeError listing the known regions otherwise. */
export function parseRegion(name: string): GeoRegion {
  if (!(GEO_REGIONS as readonly string[]).includes(name)) {
    throw new RangeError(`unknown region ${JSON.stringify(name)}; known regions: ${GEO_REGIONS.join(', ')}`);
  }
  return name as GeoRegion;
}

/** The one-way delay from a member in `from` to a member in `to`: half their round trip. */
export function oneWayDelayMs(from: GeoRegion, to: GeoRegion): number {
  return regionRttMs(from, to) / 2;
}

/** The round trip between members in `from` and `to`; inside one region, between two of its zones. */
export function regionRttMs(from: GeoRegion, to: GeoRegion): number {
  return from === to ? SAME_REGION_RTT_MS : GEO_RTT_MS[from][to];
}

/** The links and Raft timing for members placed in `regions`, one region per member. */
export function geoPreset(regions: readonly string[] | string, options: GeoPresetOptions = {}): GeoPreset {
  const placed = typeof regions === 'string' ? parseRegions(regions) : regions.map(parseRegion);
  if (placed.length < 1) throw new RangeError('a geo preset needs at least one member');
  const ids = options.nodeIds ?? memberIds(placed.length);
  if (ids.length !== placed.length) throw new RangeError(`${ids.length} node ids for ${placed.length} regions`);
  requireDistinctIds(ids);
  const members = placed.map((region, i) => ({ id: ids[i], region }));
  return { members, ...linkPreset(members, (from, to) => regionRttMs(from.region, to.region), options.heartbeatMsMin ?? 1) };
}

/** Every directed link between `nodeIds` delayed by the same `delayMs` one way, and the timing for it. */
export function uniformDelayPreset(nodeIds: readonly NodeId[], delayMs: number, options: Pick<GeoPresetOptions, 'heartbeatMsMin'> = {}): LinkPreset {
  if (nodeIds.length < 1) throw new RangeError('a delay preset needs at least one member');
  requireDistinctIds(nodeIds);
  if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new RangeError(`delayMs must be a finite number >= 0, not ${delayMs}`);
  const members = nodeIds.map((id) => ({ id }));
  return linkPreset(members, () => 2 * delayMs, options.heartbeatMsMin ?? 1);
}

/** The links between `members` (round trips from `rttOf`, split evenly both ways) and their timing. */
function linkPreset<M extends { id: NodeId }>(members: readonly M[], rttOf: (from: M, to: M) => number, heartbeatMsMin: number): LinkPreset {
  const links: GeoLinkDelay[] = [];
  let rttMsMax = 0;
  for (const from of members) {
    for (const to of members) {
      if (from === to) continue;
      const rttMs = rttOf(from, to);
      links.push({ from: from.id, to: to.id, delayMs: rttMs / 2 });
      rttMsMax = Math.max(rttMsMax, rttMs);
    }
  }
  return { links, rttMsMax, ...raftTiming(rttMsMax, heartbeatMsMin) };
}

/** etcd's advice for members whose widest round trip is `rttMsMax`, with a heartbeat of at least `heartbeatMsMin`. */
export function raftTiming(rttMsMax: number, heartbeatMsMin: number): RaftTiming {
  if (!(heartbeatMsMin >= 1)) throw new RangeError(`heartbeatMsMin must be at least 1, not ${heartbeatMsMin}`);
  const heartbeatMs = Math.max(heartbeatMsMin, Math.ceil(rttMsMax));
  const electionTimeoutMs = Math.max(Math.ceil(ELECTION_RTT_FACTOR * rttMsMax), ELECTION_HEARTBEAT_FACTOR_MIN * heartbeatMs);
  if (electionTimeoutMs > ELECTION_TIMEOUT_MS_MAX) {
    throw new RangeError(`election timeout ${electionTimeoutMs} ms exceeds etcd's limit of ${ELECTION_TIMEOUT_MS_MAX} ms`);
  }
  return { heartbeatMs, electionTimeoutMs };
}

function requireDistinctIds(ids: readonly NodeId[]): void {
  if (new Set(ids).size !== ids.length) throw new RangeError(`node ids repeat: ${ids.join(',')}`);
}
