// A BenchTarget for servers someone else runs (`--endpoints a,b,c`): real etcd, or a raftyard
// started elsewhere. It finds the leader through `/v2/members/leader` and closes nothing.

import type { BenchTarget } from './bench-target.js';

const LEADER_LOOKUP_TIMEOUT_MS = 2_000;

export function endpointsTarget(endpoints: string[], name = endpoints.join(',')): BenchTarget {
  if (endpoints.length === 0) throw new Error('an endpoints target needs at least one URL');
  for (const endpoint of endpoints) parseEndpoint(endpoint);
  return {
    name,
    endpoints: [...endpoints],
    leaderEndpoint: () => findLeader(endpoints),
    close: async () => {},
  };
}

/** Checks that `endpoint` is an http URL with nothing after the authority, and normalizes it. */
export function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`"${endpoint}" is not a URL (expected http://host:port)`);
  }
  if (url.protocol !== 'http:') throw new Error(`"${endpoint}": only http:// endpoints are supported`);
  if (url.pathname !== '/' || url.search !== '') throw new Error(`"${endpoint}": give the client URL without a path`);
  return url;
}

/** Asks each member in turn who leads; the leader's first client URL answers. */
async function findLeader(endpoints: string[]): Promise<string> {
  const failures: string[] = [];
  for (const endpoint of endpoints) {
    try {
      const response = await fetch(new URL('/v2/members/leader', endpoint), { signal: AbortSignal.timeout(LEADER_LOOKUP_TIMEOUT_MS) });
      const body = (await response.json()) as { clientURLs?: string[]; message?: string };
      if (response.ok && body.clientURLs && body.clientURLs.length > 0) return body.clientURLs[0];
      failures.push(`${endpoint}: ${response.status} ${body.message ?? 'no client URL'}`);
    } catch (error) {
      failures.push(`${endpoint}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no member named a leader (${failures.join('; ')})`);
}
