// A client far from the member it talks to: every request waits half the round trip before it
// is sent and half after its answer arrives. The waits are delay lines, so a client's wait holds
// up no other client, and the caller's clock (in the open loop, the scheduled time) covers them.

import { LINK_DELAY_MS_MAX } from '../transport/link-config.js';
import { DelayLine } from './delay-line.js';
import { V2Connection, type HttpMethod, type V2Answer } from './v2-connection.js';
import type { V2Sender } from './workload.js';

/** Two of the longest links: a client cannot be farther than a request there and back. */
export const CLIENT_RTT_MS_MAX = 2 * LINK_DELAY_MS_MAX;
/** Distinct client distances in one thread: a handful per target; thousands would mean a leak. */
const HALF_WAY_LINES_MAX = 256;

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

/**
 * One delay line per distance in this thread, shared by every client that far away: a wait is
 * an entry in it, not a timer of its own, so thousands of clients cost one precise timer per
 * distance (and each holds at most one entry, having one request in flight).
 */
const halfWayLines = new Map<number, DelayLine>();

function halfWayLine(halfRttMs: number): DelayLine {
  let line = halfWayLines.get(halfRttMs);
  if (line === undefined) {
    if (halfWayLines.size >= HALF_WAY_LINES_MAX) throw new Error(`more than ${HALF_WAY_LINES_MAX} distinct client round trips in one thread`);
    line = new DelayLine(halfRttMs);
    halfWayLines.set(halfRttMs, line);
  }
  return line;
}

export class DistantConnection implements V2Sender {
  private readonly halfWay: DelayLine;

  constructor(
    private readonly near: V2Sender,
    readonly rttMs: number,
  ) {
    if (!(Number.isFinite(rttMs) && rttMs > 0 && rttMs <= CLIENT_RTT_MS_MAX)) {
      throw new RangeError(`a distant client's round trip must be in (0, ${CLIENT_RTT_MS_MAX}] ms, got ${rttMs}`);
    }
    this.halfWay = halfWayLine(rttMs / 2);
  }

  get endpoint(): string {
    return this.near.endpoint;
  }

  async send(method: HttpMethod, path: string, form?: string, keepBody = false): Promise<V2Answer> {
    await this.travelHalfWay();
    const answer = await this.near.send(method, path, form, keepBody);
    await this.travelHalfWay();
    return answer;
  }

  close(): void {
    this.near.close();
  }

  private travelHalfWay(): Promise<void> {
    return new Promise((arrived) => this.halfWay.push(arrived));
  }
}
