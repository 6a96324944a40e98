// The layout of a target started here: planned before it starts (its members, where they and
// the client sit), then which member serves which client URL, and from that every round trip and
// the commit floor of any path a run's writes took. The fsync part is the lower of two probes:
// one when the target is up, one when the floor is first asked for (after the run).

import type { NodeId } from '../raft/types.js';
import type { CommitFloor, ServedPath } from './bench-target.js';
import { commitFloor, lowestFloor } from './commit-floor.js';
import { memberRttMs, requirePlacement, siteOfMember, type MemberSites } from './member-sites.js';

/** Measures one fsync the way the target's WAL does it, in milliseconds. */
type FsyncProbe = () => Promise<number>;

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

  /** The lowest floor over the paths served, each priced with `fsyncMs`. */
  floorFor(served: readonly ServedPath[], fsyncMs: number): CommitFloor {
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
    return lowestFloor(floors);
  }
}

/** What a started target answers from its layout (both targets started here share it). */
interface LayoutParts {
  /** Present only when the client was placed (--client-region). */
  clientRttMs?(endpoint: string): number;
  floorMs(served?: ServedPath[]): Promise<CommitFloor>;
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
 * The layout's part of a BenchTarget: the client's round trips when it is placed, and the floor;
 * without paths, the floor is the current leader's with the client talking to it. The disk is
 * probed now and again on the first floor asked for, and the lower time is kept: a burst of
 * other disk work during one probe (a segment being zero-filled, another target's writes) must
 * not raise the floor. A failed first probe leaves the second one alone.
 */
function layoutParts(layout: TargetLayout, probe: FsyncProbe, leaderEndpoint: () => Promise<string>): LayoutParts {
  const probedAtStart = probe().catch(() => Infinity);
  let fsyncMs: Promise<number> | undefined;
  const floorMs = async (served?: ServedPath[]): Promise<CommitFloor> => {
    fsyncMs ??= Promise.all([probedAtStart, probe()]).then(([atStartMs, afterRunMs]) => Math.min(atStartMs, afterRunMs));
    const paths = served !== undefined && served.length > 0 ? served : [await pathAtLeader(leaderEndpoint)];
    return layout.floorFor(paths, await fsyncMs);
  };
  return layout.placesClient ? { clientRttMs: (endpoint) => layout.clientRttMs(endpoint), floorMs } : { floorMs };
}

async function pathAtLeader(leaderEndpoint: () => Promise<string>): Promise<ServedPath> {
  const endpoint = await leaderEndpoint();
  return { leaderEndpoint: endpoint, sentToEndpoint: endpoint };
}
