// Where the members of a started target sit, and how far apart two places are. A geo preset
// puts each member in its region (the client may sit in any known region); a uniform delay
// puts each member in a site of its own, named after its id. --client-region and
// --leader-region name one of these places.

import type { NodeId } from '../raft/types.js';
import { GEO_REGIONS } from '../transport/geo-rtt.js';
import { parseRegion, regionRttMs, type GeoPreset } from '../transport/geo-presets.js';

export interface MemberSites {
  /** The place of every member. */
  readonly siteOf: ReadonlyMap<NodeId, string>;
  /** Every place that may be named, members' or not. */
  readonly places: readonly string[];
  /** The round trip between two places, in milliseconds. */
  rttMs(from: string, to: string): number;
}

/** Members in the regions of a geo preset; round trips from the region table. */
export function geoSites(members: GeoPreset['members']): MemberSites {
  return memberSites(
    members.map((m) => [m.id, m.region]),
    GEO_REGIONS,
    (from, to) => regionRttMs(parseRegion(from), parseRegion(to)),
  );
}

/** Each member in its own site named after its id; every pair of sites `2 × delayMs` apart. */
export function uniformDelaySites(ids: readonly NodeId[], delayMs: number): MemberSites {
  if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new RangeError(`delayMs must be a finite number >= 0, not ${delayMs}`);
  return memberSites(
    ids.map((id) => [id, id]),
    ids,
    (from, to) => (from === to ? 0 : 2 * delayMs),
  );
}

function memberSites(placed: Array<[NodeId, string]>, places: readonly string[], rttMs: (from: string, to: string) => number): MemberSites {
  const siteOf = new Map(placed);
  for (const [id, site] of siteOf) if (!places.includes(site)) throw new Error(`member ${id} sits in ${site}, which is not a known place`);
  const known = [...places];
  return {
    siteOf,
    places: known,
    rttMs: (from, to) => rttMs(requirePlace(known, from, 'a place'), requirePlace(known, to, 'a place')),
  };
}

/**
 * The sites when `place`, named by `flag` (--client-region, --leader-region), is one of their
 * places. Members without sites (started without --geo or --delay) have no place to name.
 */
export function requirePlacement(sites: MemberSites | null, place: string, flag: string): MemberSites {
  if (sites === null) throw new Error(`${flag} ${place}: the members have no regions; start the target with --geo or --delay`);
  requirePlace(sites.places, place, flag);
  return sites;
}

/** `place` when it is one of `places`; otherwise an error naming `what` and the known places. */
function requirePlace(places: readonly string[], place: string, what: string): string {
  if (!places.includes(place)) throw new Error(`${what}: unknown place "${place}"; known: ${places.join(', ')}`);
  return place;
}

/** The round trip between two members. */
export function memberRttMs(sites: MemberSites, from: NodeId, to: NodeId): number {
  return sites.rttMs(siteOfMember(sites, from), siteOfMember(sites, to));
}

/** The members that sit in `place`, in id order. */
export function membersIn(sites: MemberSites, place: string): NodeId[] {
  return [...sites.siteOf].filter(([, site]) => site === place).map(([id]) => id).sort(compareIds);
}

export function siteOfMember(sites: MemberSites, id: NodeId): string {
  const site = sites.siteOf.get(id);
  if (site === undefined) throw new Error(`member ${id} has no place (members: ${[...sites.siteOf.keys()].join(', ')})`);
  return site;
}

/** n2 before n10. */
function compareIds(a: NodeId, b: NodeId): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
