// A client far from the member it talks to: every request waits half the round trip before it
// is sent and half after its answer arrives. The waits are timers, so a client's wait holds up
// no other client, and the caller's clock (in the open loop, the scheduled time) covers them.

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LINK_DELAY_MS_MAX } from '../transport/link-config.js';
import { V2Connection, type HttpMethod, type V2Answer } from './v2-connection.js';
import type { V2Sender } from './workload.js';

/** Two of the longest links: a client cannot be farther than a request there and back. */
export const CLIENT_RTT_MS_MAX = 2 * LINK_DELAY_MS_MAX;

/** Where one client sits: the member it talks to, and its round trip to that member (0: beside it). */
export interface ClientPlacement {
  endpoint: string;
  rttMs: number;
}

/** The client's connection: a plain one beside its member, a distant one otherwise. */
export function connectClient(placement: ClientPlacement, timeoutMs: number): V2Sender {
  const near = new V2Connection(placement.endpoint, timeoutMs);
  return placement.rttMs === 0 ? near : new DistantConnection(near, placement.rttMs);
}

export class DistantConnection implements V2Sender {
  private readonly halfRttMs: number;

  constructor(
    private readonly near: V2Sender,
    readonly rttMs: number,
  ) {
    if (!(Number.isFinite(rttMs) && rttMs > 0 && rttMs <= CLIENT_RTT_MS_MAX)) {
      throw new RangeError(`a distant client's round trip must be in (0, ${CLIENT_RTT_MS_MAX}] ms, got ${rttMs}`);
    }
    this.halfRttMs = rttMs / 2;
  }

  get endpoint(): string {
    return this.near.endpoint;
  }

  async send(method: HttpMethod, path: string, form?: string, keepBody = false): Promise<V2Answer> {
    await waitAtLeastMs(this.halfRttMs);
    const answer = await this.near.send(method, path, form, keepBody);
    await waitAtLeastMs(this.halfRttMs);
    return answer;
  }

  close(): void {
    this.near.close();
  }
}

/** Timers take whole milliseconds and may fire a little early; wait again until the time has passed. */
async function waitAtLeastMs(ms: number): Promise<void> {
  const untilMs = performance.now() + ms;
  for (let leftMs = ms; leftMs > 0; leftMs = untilMs - performance.now()) await sleep(Math.ceil(leftMs));
}
