// The layout of a target started here: which member serves which client URL, where the members
// and the client sit, and from that every round trip and the commit floor of any path a run's
// writes took. The fsync part comes from a probe that runs once, when the floor is first asked
// for (after the run, when the disk is quiet).

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
   * with no delay between them; `clientPlace` is where --client-region put the client.
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
    if (clientPlace !== undefined) requirePlacement(sites, clientPlace, '--client-region');
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

/**
 * The layout's part of a BenchTarget: the client's round trips when it is placed, and the floor,
 * whose fsync is probed on the first call and reused after; without paths, the floor is the
 * current leader's with the client talking to it.
 */
export function layoutParts(layout: TargetLayout, probe: FsyncProbe, leaderEndpoint: () => Promise<string>): LayoutParts {
  let fsyncMs: Promise<number> | undefined;
  const floorMs = async (served?: ServedPath[]): Promise<CommitFloor> => {
    fsyncMs ??= probe();
    const paths = served !== undefined && served.length > 0 ? served : [await pathAtLeader(leaderEndpoint)];
    return layout.floorFor(paths, await fsyncMs);
  };
  return layout.placesClient ? { clientRttMs: (endpoint) => layout.clientRttMs(endpoint), floorMs } : { floorMs };
}

async function pathAtLeader(leaderEndpoint: () => Promise<string>): Promise<ServedPath> {
  const endpoint = await leaderEndpoint();
  return { leaderEndpoint: endpoint, sentToEndpoint: endpoint };
}
