// Geo-delay presets: from one region per member, the one-way delay of every directed link
// (half the round trip) and Raft timing that follows etcd's tuning advice for that spread.

import type { NodeId } from '../raft/types.js';
import { GEO_REGIONS, GEO_RTT_MS, SAME_REGION_RTT_MS, type GeoRegion } from './geo-rtt.js';

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

export interface GeoPreset {
  members: Array<{ id: NodeId; region: GeoRegion }>;
  /** Every directed link between distinct members, with its one-way delay. */
  links: GeoLinkDelay[];
  /** The largest round trip between two members. */
  rttMsMax: number;
  /** About the largest round trip between members (etcd: "around the maximum of average RTT"). */
  heartbeatMs: number;
  /** Ten round trips, and at least five heartbeats. */
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
  return list.split(',').map((name) => toRegion(name.trim()));
}

/** The one-way delay from a member in `from` to a member in `to`: half their round trip. */
export function oneWayDelayMs(from: GeoRegion, to: GeoRegion): number {
  return rttMs(from, to) / 2;
}

/** The links and Raft timing for members placed in `regions`, one region per member. */
export function geoPreset(regions: readonly string[] | string, options: GeoPresetOptions = {}): GeoPreset {
  const placed = typeof regions === 'string' ? parseRegions(regions) : regions.map(toRegion);
  if (placed.length < 1) throw new RangeError('a geo preset needs at least one member');
  const ids = options.nodeIds ?? placed.map((_, i) => `n${i + 1}`);
  if (ids.length !== placed.length) throw new RangeError(`${ids.length} node ids for ${placed.length} regions`);
  if (new Set(ids).size !== ids.length) throw new RangeError(`node ids repeat: ${ids.join(',')}`);
  const members = placed.map((region, i) => ({ id: ids[i], region }));
  const links: GeoLinkDelay[] = [];
  let rttMsMax = 0;
  for (const from of members) {
    for (const to of members) {
      if (from === to) continue;
      links.push({ from: from.id, to: to.id, delayMs: oneWayDelayMs(from.region, to.region) });
      rttMsMax = Math.max(rttMsMax, rttMs(from.region, to.region));
    }
  }
  return { members, links, rttMsMax, ...raftTiming(rttMsMax, options.heartbeatMsMin ?? 1) };
}

function raftTiming(rttMsMax: number, heartbeatMsMin: number): { heartbeatMs: number; electionTimeoutMs: number } {
  if (!(heartbeatMsMin >= 1)) throw new RangeError(`heartbeatMsMin must be at least 1, not ${heartbeatMsMin}`);
  const heartbeatMs = Math.max(heartbeatMsMin, Math.ceil(rttMsMax));
  const electionTimeoutMs = Math.max(Math.ceil(ELECTION_RTT_FACTOR * rttMsMax), ELECTION_HEARTBEAT_FACTOR_MIN * heartbeatMs);
  if (electionTimeoutMs > ELECTION_TIMEOUT_MS_MAX) {
    throw new RangeError(`election timeout ${electionTimeoutMs} ms exceeds etcd's limit of ${ELECTION_TIMEOUT_MS_MAX} ms`);
  }
  return { heartbeatMs, electionTimeoutMs };
}

function rttMs(from: GeoRegion, to: GeoRegion): number {
  return from === to ? SAME_REGION_RTT_MS : GEO_RTT_MS[from][to];
}

function toRegion(name: string): GeoRegion {
  if (!(GEO_REGIONS as readonly string[]).includes(name)) {
    throw new RangeError(`unknown region ${JSON.stringify(name)}; known regions: ${GEO_REGIONS.join(', ')}`);
  }
  return name as GeoRegion;
}
