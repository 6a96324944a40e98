// Where a phase's clients send: all to the leader, all to one follower (the first member in
// endpoint order that does not lead, so that every phase and every rerun picks the same one),
// or spread over the members; and each client's round trip to its member when the target
// places the client (--client-region). It also says which paths the writes took, leader and
// member sent to, for the commit floor.

import type { BenchOptions } from './bench-options.js';
import type { BenchTarget, ServedPath } from './bench-target.js';
import type { ClientPlacement } from './client-delay.js';
import { writeEndpointOf } from './start-target.js';

export interface PhaseRoute {
  /** The leader as the phase was planned; absent when nothing in the run needs it. */
  leaderEndpoint?: string;
  /** One placement per client, in client order. */
  clients: ClientPlacement[];
}

/** Whether the phase must know the leader: single-place sending, or a floor to work out. */
function routeNeedsLeader(options: BenchOptions, target: BenchTarget): boolean {
  const { sendTo } = options.load;
  return sendTo !== 'spread' || options.workload.name === 'watch' || (options.workload.name === 'put' && target.floorMs !== undefined);
}

export async function routePhase(options: BenchOptions, target: BenchTarget): Promise<PhaseRoute> {
  const leaderEndpoint = routeNeedsLeader(options, target) ? await writeEndpointOf(target) : undefined;
  const { sendTo, clients: clientCount } = options.load;
  // The watch workload has one writer; with nowhere chosen it writes where the leader is.
  const oneEndpoint =
    sendTo === 'follower'
      ? followerEndpoint(target.endpoints, required(leaderEndpoint))
      : sendTo === 'leader' || options.workload.name === 'watch'
        ? required(leaderEndpoint)
        : undefined;
  const endpointOf = (client: number): string => oneEndpoint ?? target.endpoints[client % target.endpoints.length];
  const clients = Array.from({ length: clientCount }, (_, client): ClientPlacement => {
    const endpoint = endpointOf(client);
    return { endpoint, rttMs: target.clientRttMs?.(endpoint) ?? 0 };
  });
  return { ...(leaderEndpoint === undefined ? {} : { leaderEndpoint }), clients };
}

/** The first endpoint whose member does not lead. */
export function followerEndpoint(endpoints: readonly string[], leaderEndpoint: string): string {
  const leaderOrigin = new URL(leaderEndpoint).origin;
  const follower = endpoints.find((endpoint) => new URL(endpoint).origin !== leaderOrigin);
  if (follower === undefined) throw new Error(`no follower to send to among ${endpoints.join(', ')}: ${leaderEndpoint} leads`);
  return follower;
}

/** Every (leader, member sent to) pair of a phase, given the leader at its start and at its end. */
export function servedPaths(route: PhaseRoute, leaderAtEndEndpoint: string): ServedPath[] {
  const leaders = new Set([route.leaderEndpoint ?? leaderAtEndEndpoint, leaderAtEndEndpoint]);
  const sentTo = new Set(route.clients.map((c) => c.endpoint));
  return [...leaders].flatMap((leaderEndpoint) => [...sentTo].map((sentToEndpoint) => ({ leaderEndpoint, sentToEndpoint })));
}

function required(leaderEndpoint: string | undefined): string {
  if (leaderEndpoint === undefined) throw new Error('the route needs the leader but did not ask for it');
  return leaderEndpoint;
}
